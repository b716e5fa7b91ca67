"""The whole analysis on Spark gives what the DuckDB pipeline gives, on one provider.

A small synthetic provider is imported into a DuckDB project and analysed there (tone,
resolution codes, knowledge base, score). Its canonical tables are exported as Parquet
folders and analysed again on PySpark local[2] (goodfit.spark.job.analyze), with the
text labelled through Spark UDFs and the resolution model trained on Spark's driver. The
text tables, the flags (with their evidence) and the fit scores with their segments
must be the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from goodfit.project import Project

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from goodfit.spark.job import session

    s = session("local[2]", conf={"spark.ui.enabled": "false",
                                  "spark.sql.shuffle.partitions": "4",
                                  "spark.driver.memory": "1g",
                                  "spark.ui.showConsoleProgress": "false"},
                app_name="goodfit-tests")
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("spark-vs-duckdb")
    Project.synth(base / "data", customers=120, months=12, seed=5)
    with Project.init(base / "p") as p:
        p.ingest.import_directory(base / "data")
        p.text.analyze_tone()
        p.text.train_resolution()
        p.text.apply_resolution()
        p.text.match_kb()
        p.scoring.score()
    return base / "p"


def _rows(table: pa.Table, key: list[str]) -> list[dict[str, Any]]:
    rows = table.to_pylist()
    return sorted(rows, key=lambda r: tuple(str(r[k]) for k in key))


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]], what: str) -> None:
    assert len(a) == len(b), f"{what}: {len(a)} rows on DuckDB, {len(b)} on Spark"
    # A resolution model's probabilities move between two trainings on the same data
    # even on DuckDB alone: the solver stops at tolerance 1e-3 (text/resolution.py _TOL),
    # and two runs here gave 0.79226 and 0.79228 for one ticket. Codes and sources are
    # compared exactly; every other float is a sum Spark adds up in another order.
    tol = 1e-3 if what == "ticket_resolution" else 1e-9
    for x, y in zip(a, b, strict=True):
        assert x.keys() == y.keys(), what
        for k in x:
            u, v = x[k], y[k]
            if isinstance(u, float) and isinstance(v, float):
                assert math.isclose(u, v, rel_tol=tol, abs_tol=tol) or (
                    math.isnan(u) and math.isnan(v)), (what, k, x, y)
            else:
                assert u == v, (what, k, x, y)


def _parquet(path: Path) -> pa.Table:
    return ds.dataset(path, format="parquet").to_table()


def test_duckdb_and_spark_give_the_same_analysis(duck: Path, spark: Any,
                                                 tmp_path: Path) -> None:
    from goodfit.spark.job import analyze, export_parquet

    with Project.open(duck) as p:
        exported = export_parquet(p.warehouse, tmp_path / "tables", rows_per_file=500)
        config = p.config
        wh = p.warehouse
        expected = {name: wh.table(name).to_pyarrow() for name in (
            "message_tone", "ticket_resolution", "ticket_kb_match", "flags", "fit_scores")}
        tickets = wh.row_count("tickets")
    assert exported["tickets"] == tickets
    assert len(list((tmp_path / "tables" / "messages").glob("*.parquet"))) > 1  # partitioned

    run = analyze(spark, str(tmp_path / "tables"), str(tmp_path / "out"), config,
                  buckets=3)
    print({"tickets": tickets, "seconds": run.seconds})  # for the record (pytest -s)
    assert run.skipped == {}
    got = {name: _parquet(tmp_path / "out" / name) for name in expected}

    keys = {"message_tone": ["message_id"], "ticket_resolution": ["ticket_id"],
            "ticket_kb_match": ["ticket_id", "rank"], "flags": ["customer_id", "code"],
            "fit_scores": ["customer_id"]}
    for name, key in keys.items():
        assert got[name].num_rows > 0, name
        assert set(got[name].column_names) == set(expected[name].column_names), name
        columns = expected[name].column_names
        _same(_rows(expected[name], key), _rows(got[name].select(columns), key), name)

    # the analysis found something to compare: flags of several kinds, several segments
    scores = expected["fit_scores"].to_pylist()
    assert len(scores) == 120
    assert len({r["segment"] for r in scores}) >= 3
    assert len(set(expected["flags"].column("code").to_pylist())) >= 4
    assert set(run.seconds) >= {"ticket texts", "tone", "resolution codes", "knowledge base",
                                "flags, fit scores, segments"}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Spark Connect server (the one PySpark ships, started as
    ``sbin/start-connect-server.sh`` starts it) on 127.0.0.1, local[2] behind it."""
    import os
    import socket
    import subprocess
    import sys
    import time

    import pyspark

    home = Path(pyspark.__file__).parent
    port = _free_port()
    log = tmp_path_factory.mktemp("spark-connect") / "server.log"
    env = {**os.environ, "SPARK_HOME": str(home), "PYSPARK_PYTHON": sys.executable}
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(home / "bin" / "spark-submit"), "--class",
             "org.apache.spark.sql.connect.service.SparkConnectServer", "--master", "local[2]",
             "--conf", f"spark.connect.grpc.binding.port={port}",
             "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
             "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=4",
             "--conf", "spark.driver.memory=1g", "spark-internal"],
            stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "Spark Connect did not start in 300 s"
                time.sleep(1)
        yield f"sc://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()


def test_spark_connect_gives_the_same_analysis(duck: Path, connect_server: str,
                                               tmp_path: Path) -> None:
    """``goodfit spark analyze --remote sc://…``: the same job through a Spark Connect
    client (no JVM in this process; the UDFs run on the server's workers) gives the
    DuckDB pipeline's rows. Without ``buckets`` it must also pick its own bucket count,
    which a Connect session cannot read from a SparkContext."""
    from goodfit.spark.job import analyze, export_parquet, session

    with Project.open(duck) as p:
        export_parquet(p.warehouse, tmp_path / "tables", rows_per_file=500)
        config = p.config
        wh = p.warehouse
        expected = {name: wh.table(name).to_pyarrow() for name in (
            "message_tone", "ticket_resolution", "flags", "fit_scores")}
    spark = session(remote=connect_server)
    try:
        assert type(spark).__module__.startswith("pyspark.sql.connect")
        run = analyze(spark, str(tmp_path / "tables"), str(tmp_path / "out"), config)
    finally:
        spark.stop()
    print({"spark_connect_seconds": run.seconds})
    assert run.skipped == {}
    keys = {"message_tone": ["message_id"], "ticket_resolution": ["ticket_id"],
            "flags": ["customer_id", "code"], "fit_scores": ["customer_id"]}
    for name, key in keys.items():
        got = _parquet(tmp_path / "out" / name)
        assert got.num_rows == expected[name].num_rows > 0, name
        columns = expected[name].column_names
        _same(_rows(expected[name], key), _rows(got.select(columns), key), name)
