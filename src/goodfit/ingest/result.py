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
    accepted: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    quarantine_file: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    # How number and date columns were read: "amount: decimal comma (from the values)".
    readings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
