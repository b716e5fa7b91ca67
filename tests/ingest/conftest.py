"""Import tests run against each warehouse we support: a DuckDB file and a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goodfit.errors import TooManyRejected
from goodfit.ingest.result import ImportResult
from goodfit.project import Project


@pytest.fixture(params=["duckdb", "postgres"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    url = None
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    proj = Project.init(tmp_path / "proj", warehouse_url=url)
    yield proj
    proj.close()


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[Project]:
    """A DuckDB-only project, for tests about files rather than backends."""
    proj = Project.init(tmp_path / "duck")
    yield proj
    proj.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


CUSTOMERS = """customer_id,name,signup_at,status,currency
C1,Acme Hosting,2024-01-05 09:30:00,active,USD
C2,Beta GmbH,2024-02-10 14:00:00,active,EUR
C3,Gamma Ltd,2023-11-20 08:00:00,cancelled,GBP
"""


def rows(project: Project, table: str, order_by: str) -> list[dict[str, object]]:
    t = project.table(table)
    return t.order_by(order_by).to_pyarrow().to_pylist()


def imported_or_refused(project: Project, table: str, path: Path, **options: Any
                        ) -> ImportResult:
    """The import's result, also when it was refused whole for too many rejected rows (a
    test about what the quarantine says, not about what was stored)."""
    try:
        return project.import_file(table, path, **options)
    except TooManyRejected as refused:
        assert refused.result is not None and refused.result.refused
        return refused.result  # type: ignore[no-any-return]
