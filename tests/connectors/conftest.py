"""Shared pieces for connector tests: a project with a connector and fast retries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goodfit.connectors.http import RetryPolicy
from goodfit.project import Project

FAST = RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05, timeout=5.0)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project.init(tmp_path / "proj")
    yield p
    p.close()


def rows(project: Project, table: str, order: str) -> list[dict[str, Any]]:
    """Every row of a warehouse table as dicts, without the row hash, ordered."""
    t = project.warehouse.table(table)
    return t.order_by(order).to_pyarrow().to_pylist()


def snapshot(project: Project) -> dict[str, list[dict[str, Any]]]:
    from goodfit.schema import TABLES

    return {name: rows(project, name, TABLES[name].column_names[0] if name != "usage"
                       else "customer_id") for name in TABLES}
