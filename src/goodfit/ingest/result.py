"""What an import did, row by row counted."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    table: str
    file: str
    file_hash: str
    rows_read: int
    accepted: int  # rows_read - rejected: stored, or folded into their key's kept row
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    # Up to three values seen for each reason of rejected_by_reason.
    reason_examples: dict[str, list[str]] = field(default_factory=dict)
    quarantine_file: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    # Event-log rows folded into the kept row of their key (--collapse); part of accepted.
    collapsed: int = 0
    # How number and date columns were read: "amount: decimal comma (from the values)".
    readings: list[str] = field(default_factory=list)
    # Cells read as empty because they held a configured placeholder ([mapping.TABLE]
    # null_values, --null-value): {file column: {placeholder: cells}}.
    read_as_empty: dict[str, dict[str, int]] = field(default_factory=dict)
    # Customers created from this ticket file's customer ids (--derive-customers).
    derived_customers: int = 0
    # True: more than [import] max_rejected_share rejected, nothing of the file imported
    # (TooManyRejected carries this result).
    refused: bool = False
    profile: str | None = None  # the export profile the file was read with (--profile)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def top_reasons(self, n: int = 5) -> list[str]:
        """"field: problem (count, e.g. 'v1', 'v2')", most common first."""
        return top_reasons(self.rejected_by_reason, self.reason_examples, n)

    def empty_summary(self) -> list[str]:
        """"1,204 × '?' in assignment_group", most cells first."""
        found = [(n, token, column) for column, tokens in self.read_as_empty.items()
                 for token, n in tokens.items()]
        return [f"{n:,} × {token!r} in {column}"
                for n, token, column in sorted(found, key=lambda x: (-x[0], x[2], x[1]))]

    def too_many_rejected(self, share: float) -> bool:
        """Every row, or more than ``share`` of them, quarantined ([import] max_rejected_share)."""
        return too_many_rejected(self.rejected, self.rows_read, share)


def top_reasons(by_reason: dict[str, int], examples: dict[str, list[str]], n: int = 5
                ) -> list[str]:
    """"field: problem (count, e.g. 'v1', 'v2')", most common first."""
    out = []
    for reason, count in list(by_reason.items())[:n]:
        ex = examples.get(reason) or []
        shown = f", e.g. {', '.join(repr(v) for v in ex)}" if ex else ""
        out.append(f"{reason} ({count:,}{shown})")
    return out


def too_many_rejected(rejected: int, rows_read: int, share: float) -> bool:
    """Every row, or more than ``share`` of them, quarantined: the file is refused whole."""
    if not rows_read or not rejected:
        return False
    return rejected == rows_read or rejected / rows_read > share
