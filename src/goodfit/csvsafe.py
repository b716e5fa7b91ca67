"""CSV that a spreadsheet opens as data: the one place cells are neutralised.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel, LibreOffice and Google Sheets (``=cmd|' /C calc'!A0``). Every CSV
goodfit writes goes through :func:`write_rows` / :func:`csv_text`, which prefix such a
cell with an apostrophe. A plain number (``-12.50``, a credit amount) is data, not a
formula, and is kept as it is so billing imports still read it as a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except (InvalidOperation, ValueError):
        return False


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _number(value):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised (None → empty cell)."""

    def __init__(self, out: IO[str], lineterminator: str = "\n") -> None:
        self._w = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow(["" if v is None else neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: IO[str], lineterminator: str = "\n") -> SafeWriter:
    return SafeWriter(out, lineterminator)


def write_verbatim(out: IO[str], rows: Iterable[Sequence[str]]) -> None:
    """Rows exactly as read, for quarantine files only: their purpose is to be fixed and
    re-imported, so cells keep their original text (docs/architecture.md says so)."""
    csv.writer(out).writerows(rows)


def write_rows(out: IO[str], header: Sequence[str] | None,
               rows: Iterable[Iterable[Any]]) -> None:
    """Write a header and rows, every text cell neutralised."""
    w = SafeWriter(out)
    if header is not None:
        w.writerow(header)
    w.writerows(rows)


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    write_rows(out, header, rows)
    return out.getvalue()


def dict_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """Rows as dicts, in ``columns`` order (missing keys → empty cells)."""
    return csv_text(columns, ([r.get(c) for c in columns] for r in rows))
