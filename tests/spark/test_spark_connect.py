"""The whole Spark analysis through Spark Connect: a real Connect server, the same rows.

In a module of its own: PySpark refuses a Connect session in a process where a classic
session is still running, and the local[2] session of test_spark_analysis.py lives until
the end of its module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from goodfit.project import Project
from tests.processes import free_port, stop
from tests.spark.compare import SPARK_MARKS, read_parquet, rows_of, same_rows

pytestmark = SPARK_MARKS


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
    port = free_port()
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
        stop(server, 60)


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
        got = read_parquet(tmp_path / "out" / name)
        assert got.num_rows == expected[name].num_rows > 0, name
        columns = expected[name].column_names
        same_rows(rows_of(expected[name], key), rows_of(got.select(columns), key), name)
