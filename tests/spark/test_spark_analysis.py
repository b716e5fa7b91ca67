"""The whole analysis on Spark gives what the DuckDB pipeline gives, on one provider.

A small synthetic provider is imported into a DuckDB project and analysed there (tone,
resolution codes, knowledge base, score). Its canonical tables are exported as Parquet
folders and analysed again on PySpark local[2] (goodfit.spark.job.analyze), with the
text labelled through Spark UDFs and the resolution model trained on Spark's driver. The
text tables, the flags (with their evidence) and the fit scores with their segments
must be the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goodfit.project import Project
from tests.spark.compare import SPARK_MARKS, read_parquet, rows_of, same_rows

pytestmark = SPARK_MARKS


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
    got = {name: read_parquet(tmp_path / "out" / name) for name in expected}

    keys = {"message_tone": ["message_id"], "ticket_resolution": ["ticket_id"],
            "ticket_kb_match": ["ticket_id", "rank"], "flags": ["customer_id", "code"],
            "fit_scores": ["customer_id"]}
    for name, key in keys.items():
        assert got[name].num_rows > 0, name
        assert set(got[name].column_names) == set(expected[name].column_names), name
        columns = expected[name].column_names
        same_rows(rows_of(expected[name], key), rows_of(got[name].select(columns), key), name)

    # the analysis found something to compare: flags of several kinds, several segments
    scores = expected["fit_scores"].to_pylist()
    assert len(scores) == 120
    assert len({r["segment"] for r in scores}) >= 3
    assert len(set(expected["flags"].column("code").to_pylist())) >= 4
    assert set(run.seconds) >= {"ticket texts", "tone", "resolution codes", "knowledge base",
                                "flags, fit scores, segments"}

