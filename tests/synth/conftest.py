"""One synthetic provider shared by the synth tests, read back through DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from goodfit.schema import TABLES
from goodfit.synth import SynthSummary, generate

CUSTOMERS = 1000
MONTHS = 24
SEED = 7


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return generate(tmp_path_factory.mktemp("synth") / "provider", customers=CUSTOMERS,
                    months=MONTHS, seed=SEED)


@pytest.fixture(scope="session")
def db(provider: SynthSummary) -> Iterator[duckdb.DuckDBPyConnection]:
    """Views over the generated files: one per table, plus ``persona`` and ``truth``."""
    con = duckdb.connect()
    out: Path = provider.out
    for name in TABLES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name}.parquet')")
    con.execute("CREATE VIEW persona AS SELECT * FROM read_csv("
                f"'{out}/ground_truth/personas.csv', all_varchar = true)")
    con.execute("CREATE VIEW truth AS SELECT * FROM read_csv("
                f"'{out}/ground_truth/tickets.csv', all_varchar = true)")
    yield con
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]
