"""Two workbooks the file fuzz damaged (a few bytes overwritten): one opens but its sheet
cannot be read, the other opens with no sheet at all. Both were tracebacks (a
CalamineError, an IndexError); both are now input errors naming the file, and nothing is
imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodfit import Project
from goodfit.errors import InputFileError

FUZZ = Path(__file__).parents[1] / "data" / "fuzz"


@pytest.mark.parametrize(("name", "says"), [
    ("damaged-sheet-contacts.xlsx", "cannot be read as a spreadsheet"),
    ("no-sheet-contacts.xlsx", "holds no sheet"),
])
def test_a_damaged_workbook_is_an_input_error(tmp_path: Path, name: str, says: str) -> None:
    with Project.init(tmp_path / "p") as project:
        with pytest.raises(InputFileError) as caught:
            project.ingest.import_file("contacts", FUZZ / name)
        assert str(caught.value).startswith(f"{name}: {says}")
        assert "nothing was imported" in str(caught.value)
        assert project.ws.warehouse.row_count("contacts") == 0
