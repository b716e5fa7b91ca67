"""Metric tests run the same assertions on DuckDB, PostgreSQL and PySpark local[2]."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import ibis
import pytest

from tests.metrics.builders import Provider

_views = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # py4j (Spark's Python bridge) drops gateway sockets without closing them; that is
    # the library's housekeeping, not ours, so it must not fail Spark tests under -W error.
    for item in items:
        if "pyspark" in item.name:
            item.add_marker(pytest.mark.filterwarnings(
                "ignore::pytest.PytestUnraisableExceptionWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("goodfit-tests")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "1g")
               .config("spark.ui.showConsoleProgress", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", "postgres", pytest.param("pyspark", marks=pytest.mark.spark)])
def con(request: pytest.FixtureRequest) -> Iterator[ibis.BaseBackend]:
    if request.param == "duckdb":
        backend = ibis.duckdb.connect()
    elif request.param == "postgres":
        backend = ibis.connect(request.getfixturevalue("postgres_url")
                               .replace("postgresql://", "postgres://", 1))
    else:
        backend = ibis.pyspark.connect(request.getfixturevalue("spark_session"))
    yield backend
    if request.param != "pyspark":
        backend.disconnect()


def load(con: ibis.BaseBackend, data: Provider) -> dict[str, ibis.Table]:
    """Create every canonical table on ``con`` from the builder's rows."""
    tables = {}
    for name, arrow in data.arrow().items():
        if con.name == "pyspark":
            # Temporary views: no files in a spark-warehouse folder, nothing left behind.
            view = f"{name}_{next(_views)}"
            con._session.createDataFrame(arrow).createOrReplaceTempView(view)
            tables[name] = con.table(view)
        else:
            tables[name] = con.create_table(name, arrow, overwrite=True)
    return tables
