"""A damaged file that makes DuckDB fail inside (an INTERNAL error, found by the file fuzz)
is a clear input error naming the file, and the project goes on working: DuckDB
invalidates the whole database on such an error, so the warehouse is reopened at its last
committed state."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodfit import Project
from goodfit.errors import InputFileError

DAMAGED = Path(__file__).parents[1] / "data" / "fuzz" / "internal-error-customers.tsv"


def test_engine_failure_is_an_input_error_and_the_project_goes_on(tmp_path: Path) -> None:
    Project.init(tmp_path / "p").close()
    good = tmp_path / "customers.csv"
    good.write_text("customer_id,signup_at\nC-1,2024-01-01 00:00:00\n", encoding="utf-8")
    with Project.open(tmp_path / "p") as project:
        project.ingest.import_file("customers", good)
        with pytest.raises(InputFileError, match="internal-error-customers.tsv.*nothing was "
                                                 "imported"):
            project.ingest.import_file("customers", DAMAGED)
        # the same command goes on: the data before is intact and a later import works
        assert project.ws.warehouse.row_count("customers") == 1
        again = tmp_path / "more.csv"
        again.write_text("customer_id,signup_at\nC-2,2024-02-01 00:00:00\n", encoding="utf-8")
        assert project.ingest.import_file("customers", again).inserted == 1
        assert project.ws.warehouse.row_count("customers") == 2
