"""`goodfit spark analyze --conf`: Spark settings for the session, checked before Spark
starts (the Spark runs themselves are in tests/spark, behind the `spark` marker)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.cli.spark import _parse_conf


def test_conf_pairs_become_settings() -> None:
    assert _parse_conf(["spark.driver.memory=8g", " spark.sql.shuffle.partitions = 64 ",
                        "spark.executor.extraJavaOptions=-Dx=1"]) == {
        "spark.driver.memory": "8g", "spark.sql.shuffle.partitions": "64",
        "spark.executor.extraJavaOptions": "-Dx=1"}  # only the first = splits


@pytest.mark.parametrize("bad", ["spark.driver.memory", "=8g"])
def test_a_setting_without_key_and_value_is_refused_before_spark_starts(bad: str) -> None:
    out = CliRunner().invoke(app, ["spark", "analyze", "tables", "out", "--conf", bad])
    assert out.exit_code == 2
    assert "expected KEY=VALUE" in out.output and "--conf" in out.output
