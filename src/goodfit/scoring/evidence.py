"""A flag is a claim with the rows behind it: no evidence, no flag."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


EVIDENCE_KINDS = ("ticket", "message", "invoice", "payment", "order", "usage", "cost",
                  "kb_article")

_KINDS = {k: k for k in EVIDENCE_KINDS}


@dataclass(frozen=True, slots=True)  # slots: a run at 100k customers holds ~1.5M of them
class EvidenceRef:
    """One row behind a claim: its table (kind) and id; a message may carry a quoted span."""

    kind: str
    id: str
    span: tuple[int, int] | None = None
    quote: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"unknown evidence kind {self.kind!r}")
        if not self.id:
            raise ValueError("evidence needs a row id")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "id": self.id}
        if self.span is not None:
            out["span"] = [self.span[0], self.span[1]]
        if self.quote is not None:
            out["quote"] = self.quote
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvidenceRef:
        span = data.get("span")
        # the kind is one of a few words: one shared string, not one per row cited
        return cls(_KINDS.get(data["kind"], str(data["kind"])), str(data["id"]),
                   (int(span[0]), int(span[1])) if span else None, data.get("quote"))


class FlagWithoutEvidence(AssertionError):
    """A bug in a flag rule: every flag must name the rows that raised it."""


@dataclass(frozen=True)
class Flag:
    customer_id: str
    code: str  # "abusive_language"
    severity: Severity
    evidence: tuple[EvidenceRef, ...]
    detail: str  # "3 messages insult staff (last 2026-10-02)"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # numbers behind detail

    def __post_init__(self) -> None:
        if not self.evidence:
            raise FlagWithoutEvidence(
                f"flag {self.code} for {self.customer_id} has no evidence: a rule bug")

    def evidence_json(self) -> str:
        return json.dumps([e.to_dict() for e in self.evidence], ensure_ascii=False)


# the flags table's columns, all text; evidence is a JSON list of {"kind","id","span"?,"quote"?}
FLAGS_COLUMNS = ("customer_id", "code", "severity", "detail", "evidence")


def flags_to_arrow(flags: list[Flag]) -> pa.Table:
    import pyarrow as pa  # only when flags are written (explain reads them from the state DB)

    return pa.table({
        "customer_id": [f.customer_id for f in flags],
        "code": [f.code for f in flags],
        "severity": [f.severity.value for f in flags],
        "detail": [f.detail for f in flags],
        "evidence": [f.evidence_json() for f in flags],
    }, schema=pa.schema([(c, pa.string()) for c in FLAGS_COLUMNS]))


def flags_from_rows(rows: list[dict[str, Any]]) -> list[Flag]:
    return [Flag(str(r["customer_id"]), str(r["code"]), Severity(r["severity"]),
                 tuple(EvidenceRef.from_dict(e) for e in json.loads(r["evidence"])),
                 str(r["detail"])) for r in rows]
