"""The actions capability for a project: users, cases, offboarding, outbox, education,
and the audit log every step lands in."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goodfit.actions.audit import AuditEvent, Verification
    from goodfit.actions.cases import Case, Execution
    from goodfit.actions.context import ActionContext
    from goodfit.actions.education import Digest
    from goodfit.actions.outbox import Message, SendReport
    from goodfit.actions.users import UserView
    from goodfit.workspace import When, Workspace


class Audit:
    """The hash-chained audit log."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def append(self, kind: str, *, actor: str | None = None, customer_id: str | None = None,
               case_id: int | None = None, data: dict[str, Any] | None = None) -> AuditEvent:
        """Append one event to the hash-chained audit log."""
        from goodfit.actions.audit import append

        return append(self._ws.state, kind, actor=actor, customer_id=customer_id,
                      case_id=case_id, data=data)

    __call__ = append  # ``project.audit(kind, …)``: the first release's flat name

    def verify(self, expect_head: str | None = None) -> Verification:
        from goodfit.actions.audit import verify

        return verify(self._ws.state, expect_head)

    def events(self, *, customer_id: str | None = None, case_id: int | None = None,
               kind: str | None = None) -> list[AuditEvent]:
        from goodfit.actions.audit import events

        return events(self._ws.state, customer_id=customer_id, case_id=case_id, kind=kind)


def action_context(ws: Workspace) -> ActionContext:
    """State DB, config, folder and (opened on first use) warehouse, for action modules."""
    from goodfit.actions.context import ActionContext

    return ActionContext(ws.state, ws.config, ws.root, load_warehouse=lambda: ws.warehouse)


class Actions:
    """People, cases and what reaches customers: nothing is sent without an approval."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def context(self) -> ActionContext:
        return action_context(self._ws)

    # -- users ---------------------------------------------------------------------
    def add_user(self, name: str, role: str, *, actor: str | None = None) -> UserView:
        """Add a person (owner, manager, agent); the first must be an owner."""
        from goodfit.actions.users import add_user

        return add_user(self._ws.state, name, role, actor=actor)

    def users(self) -> list[UserView]:
        from goodfit.actions.users import list_users

        return list_users(self._ws.state)

    # -- cases -----------------------------------------------------------------------
    def cases(self, *, state: str | None = None, kind: str | None = None,
              customer_id: str | None = None) -> list[Case]:
        from goodfit.actions.cases import list_cases

        return list_cases(self._ws.state, state=state, kind=kind, customer_id=customer_id)

    def case(self, case_id: int) -> Case:
        from goodfit.actions.cases import get_case

        return get_case(self._ws.state, case_id)

    def approve(self, case_id: int, actor: str, *, step: int | None = None,
                override_reason: str | None = None) -> Case:
        from goodfit.actions.cases import approve

        return approve(self.context(), case_id, actor, step=step,
                       override_reason=override_reason)

    def execute(self, case_id: int, actor: str, *, step: int | None = None,
                dry_run: bool = False) -> Execution:
        from goodfit.actions.cases import execute

        return execute(self.context(), case_id, actor, step=step, dry_run=dry_run)

    def cancel(self, case_id: int, actor: str, reason: str) -> Case:
        from goodfit.actions.cases import cancel

        return cancel(self.context(), case_id, actor, reason)

    def close(self, case_id: int, actor: str) -> Case:
        from goodfit.actions.cases import close

        return close(self.context(), case_id, actor)

    # -- offboarding -----------------------------------------------------------------
    def offboard(self, customer_id: str, *, reason: str, actor: str,
                 notice_date: date | None = None) -> Case:
        """Draft a courteous offboarding case for an organisation (nothing is sent yet)."""
        from goodfit.actions.offboarding import start

        return start(self.context(), customer_id, reason=reason, actor=actor,
                     notice_date=notice_date)

    def log_call(self, case_id: int, *, outcome: str, notes: str, actor: str) -> Case:
        from goodfit.actions.offboarding import log_call

        return log_call(self.context(), case_id, outcome=outcome, notes=notes, actor=actor)

    # -- outbox ------------------------------------------------------------------------
    def outbox(self, *, state: str | None = None, case_id: int | None = None) -> list[Message]:
        from goodfit.actions.outbox import list_messages

        return list_messages(self._ws.state, state=state, case_id=case_id)

    def message(self, message: int) -> tuple[Message, str]:
        """A stored message and its complete raw text (RFC 5322)."""
        from goodfit.actions.outbox import get_message, raw_message

        return get_message(self._ws.state, message), raw_message(self._ws.state, message)

    def send(self, *, actor: str | None, dry_run: bool = False) -> SendReport:
        from goodfit.actions.outbox import send

        return send(self.context(), dry_run=dry_run, actor=actor)

    def confirm(self, message: int, *, sent: bool, actor: str) -> Message:
        from goodfit.actions.outbox import confirm

        return confirm(self.context(), message, sent=sent, actor=actor)

    def retry(self, message: int, *, actor: str) -> Message:
        from goodfit.actions.outbox import retry

        return retry(self.context(), message, actor=actor)

    # -- education -----------------------------------------------------------------------
    def education_plan(self, *, as_of: When = None,
                       customer_ids: list[str] | None = None) -> list[Digest]:
        """Customers whose tickets the knowledge base answers, with the articles."""
        from goodfit.actions import education
        from goodfit.errors import MissingDerivedTable

        wh = self._ws.warehouse
        if not wh.has_table("ticket_kb_match"):
            raise MissingDerivedTable("ticket_kb_match", "goodfit kb match")
        return education.plan(wh.tables(), wh.table("ticket_kb_match"), self._ws.config,
                              as_of=self._ws.window(as_of).as_of, customer_ids=customer_ids)

    def education_draft(self, actor: str, *, as_of: When = None,
                        customer_ids: list[str] | None = None) -> list[Any]:
        """One education case per digest, its e-mail in the outbox awaiting approval."""
        from goodfit.actions import education

        digests = self.education_plan(as_of=as_of, customer_ids=customer_ids)
        return education.draft(self.context(), digests, actor)
