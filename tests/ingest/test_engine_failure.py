"""Two damaged files found by the file fuzz: DuckDB's CSV reader (1.4) failed inside on one
(an INTERNAL error, after which DuckDB invalidates the whole database) and silently
dropped a line of the other when a query read all its columns. Both hold bytes that are
not UTF-8, so goodfit now checks the text while it hashes the file and refuses it before
DuckDB reads it, naming the line and the setting; the project goes on working. (An
internal error from some other cause is still turned into an input error and the
warehouse reopened at its last commit: importer.py, ``except duckdb.InternalException``.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from goodfit import Project
from goodfit.errors import InputFileError

FUZZ = Path(__file__).parents[1] / "data" / "fuzz"


@pytest.mark.parametrize(("name", "line"), [("internal-error-customers.tsv", 3),
                                            ("invalid-utf8-customers.tsv", 2)])
def test_text_that_is_not_utf8_is_refused_naming_the_line(tmp_path: Path, name: str,
                                                          line: int) -> None:
    # the lines worked out from the files: the first byte that cannot start or continue
    # a UTF-8 sequence (0xbe at byte 3,178, after two line breaks; 0xbb at byte 361,
    # after one)
    Project.init(tmp_path / "p").close()
    good = tmp_path / "customers.csv"
    good.write_text("customer_id,signup_at\nC-1,2024-01-01 00:00:00\n", encoding="utf-8")
    with Project.open(tmp_path / "p") as project:
        project.ingest.import_file("customers", good)
        with pytest.raises(InputFileError) as caught:
            project.ingest.import_file("customers", FUZZ / name)
        message = str(caught.value)
        assert f"{name}: line {line} " in message and "not valid UTF-8" in message
        assert "nothing was imported" in message and "--encoding" in message
        # the same command goes on: the data before is intact and a later import works
        assert project.ws.warehouse.row_count("customers") == 1
        again = tmp_path / "more.csv"
        again.write_text("customer_id,signup_at\nC-2,2024-02-01 00:00:00\n", encoding="utf-8")
        assert project.ingest.import_file("customers", again).inserted == 1
        assert project.ws.warehouse.row_count("customers") == 2


def test_a_gzipped_file_is_checked_after_decompressing(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "customers.csv.gz"
    path.write_bytes(gzip.compress(b"customer_id,signup_at\n" + b"C-1,2024-01-01\n" * 3
                                   + b"C-\xe9,2024-01-01\n"))  # latin-1 e-acute at 22 + 45 + 2
    with Project.init(tmp_path / "p") as project, \
            pytest.raises(InputFileError, match=r"line 5 \(byte 69\) is not valid UTF-8"):
        project.ingest.import_file("customers", path)
