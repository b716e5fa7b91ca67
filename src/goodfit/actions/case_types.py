"""The values cases hand out: specs to draft, views of cases and steps, outcomes.

``goodfit.actions.cases`` re-exports all of these; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from goodfit.actions.context import ActionContext
from goodfit.actions.drafts import EmailDraft
from goodfit.errors import UnknownCase

CASE_MOVES: dict[str, dict[str, str]] = {
    "draft": {"approve": "approved", "cancel": "cancelled"},
    "approved": {"execute": "executed", "cancel": "cancelled"},
    "executed": {"close": "closed"},
    "closed": {},
    "cancelled": {},
}
STEP_MOVES: dict[str, dict[str, str]] = {
    "draft": {"approve": "approved"},
    "approved": {"execute": "executed"},
    "executed": {},
    "cancelled": {},
}


@dataclass(frozen=True)
class StepSpec:
    """A step to draft. ``text`` is what goes out (tone-linted) besides its e-mails."""

    kind: str  # email, call, letter, pack, credit, close, manual, or your own
    title: str
    text: str = ""
    drafts: tuple[EmailDraft, ...] = ()  # e-mails this step sends when executed
    files: tuple[str, ...] = ()  # artefacts (relative to the project folder) it exports
    payload: dict[str, Any] = field(default_factory=dict)
    handler: str | None = None  # a handler kind registered with @step_handler (see docs)


@dataclass(frozen=True)
class Step:
    no: int
    kind: str
    title: str
    state: str
    text: str
    payload: dict[str, Any]
    lint: list[dict[str, Any]]
    override_by: str | None
    override_reason: str | None
    drafted_by: str
    drafted_at: str
    approved_by: str | None
    approved_at: str | None
    executed_by: str | None
    executed_at: str | None
    message_ids: tuple[int, ...]  # outbox ids

    @property
    def files(self) -> list[str]:
        return [f["path"] for f in self.payload.get("files", [])]

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Case:
    id: int
    kind: str
    customer_id: str
    title: str
    state: str
    data: dict[str, Any]
    created_by: str
    created_at: str
    updated_at: str
    approved_by: str | None
    approved_at: str | None
    executed_at: str | None
    closed_by: str | None
    closed_at: str | None
    cancelled_by: str | None
    cancelled_at: str | None
    note: str | None
    steps: tuple[Step, ...]

    def step(self, no: int) -> Step:
        for s in self.steps:
            if s.no == no:
                return s
        raise UnknownCase(self.id, no)

    @property
    def allowed_moves(self) -> list[str]:
        return list(CASE_MOVES[self.state])

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "steps"}
        return {**d, "allowed_moves": self.allowed_moves,
                "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True)
class StepOutcome:
    """What a step handler reports: ``done`` marks the step executed."""

    done: bool
    detail: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()  # files written (dry runs: the .eml files)


StepHandler = Callable[[ActionContext, Case, Step, str, bool], StepOutcome]


@dataclass(frozen=True)
class Execution:
    case: Case
    executed: tuple[int, ...]  # step numbers executed now
    files: tuple[str, ...]  # dry-run .eml files and other outputs
    dry_run: bool
