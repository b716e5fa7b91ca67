"""Fixtures shared by every test package."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator

import pytest

from tests.pgserver import create_database, postgres_server

_db_counter = itertools.count()

# Every local Spark session of the run starts its Python workers with this interpreter (the
# one with goodfit, pyarrow and numpy installed). Sessions are shared: the first one started
# decides, so it is set before any test makes one (goodfit.spark.job does the same).
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """One real PostgreSQL server for the whole test session."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return create_database(postgres_server_url, f"t{next(_db_counter)}")
