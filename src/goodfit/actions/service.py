"""The actions capability for a project: users, cases, offboarding, outbox, education,
and the audit log every step lands in."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goodfit.actions.audit import Anchor, AuditEvent, Verification
    from goodfit.actions.cases import Case, Execution
    from goodfit.actions.context import ActionContext
    from goodfit.actions.education import Digest
    from goodfit.actions.outbox import Message, SendReport
    from goodfit.actions.sessions import LoginLimiter, SessionStore
    from goodfit.actions.users import UserView
    from goodfit.ingest.result import ImportResult
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

    def verify(self, expect_head: str | None = None,
               anchor_file: Path | None = None) -> Verification:
        """The chain; with ``anchor_file`` also rewrites, cut-offs and appended records."""
        from goodfit.actions.audit import read_anchors, verify

        anchors = read_anchors(anchor_file) if anchor_file is not None else None
        return verify(self._ws.state, expect_head, anchors)

    def anchor(self, out: Path | None = None, *, mail_to: str | None = None
               ) -> tuple[Anchor, Path]:
        """Append the head (sequence, hash, time) to ``out`` or ``[actions] anchor_file``;
        with ``mail_to``, also e-mail it there (directly over SMTP, not via the outbox)."""
        from goodfit.actions.audit import anchor
        from goodfit.actions.cases import mail_anchor

        path = out or self._ws.root / self._ws.config.actions.anchor_file
        a = anchor(self._ws.state, path)
        if mail_to:
            mail_anchor(action_context(self._ws), a, mail_to)
        return a, path

    def events(self, *, customer_id: str | None = None, case_id: int | None = None,
               kind: str | None = None) -> list[AuditEvent]:
        from goodfit.actions.audit import events

        return events(self._ws.state, customer_id=customer_id, case_id=case_id, kind=kind)


class ImportAudit:
    """Imports in the audit log with no gap a crash could open (an ``ImportJournal``).

    ``import_started`` is committed before the warehouse commits; the ``import`` events
    (one per table, as before) and ``import_completed`` are written in one transaction
    after. ``audit verify`` reports a start with no completion; the next successful import
    of the same folder (or of a file of the same name into the same table) completes it:
    the importer is idempotent, so the rerun leaves the data as a completed import would."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def started(self, what: str, path: Path) -> int:
        from goodfit.actions.audit import append

        return append(self._ws.state, "import_started",
                      data={"what": what, "path": str(path)}).seq

    def completed(self, intent: int, results: list[ImportResult]) -> None:
        from goodfit.actions.audit import append_in, open_import_intents

        def key(data: dict[str, Any]) -> tuple[str, str]:
            # a folder by its path; a file by its table and name (a connector stages each
            # sync in a new folder, so its rerun imports customers.parquet from elsewhere)
            what, path = str(data.get("what")), str(data.get("path"))
            return (what, Path(path).name if what.startswith("file") else path)

        with self._ws.state.session() as session:
            pending = open_import_intents(session)
            mine = next((key(e.data) for e in pending if e.seq == intent), None)
            closes = sorted({intent, *(e.seq for e in pending if key(e.data) == mine)})
            for r in results:
                append_in(session, "import", data={
                    "import_id": r.import_id, "table": r.table, "file": Path(r.file).name,
                    "file_hash": r.file_hash, "rows_read": r.rows_read, "inserted": r.inserted,
                    "updated": r.updated, "unchanged": r.unchanged, "rejected": r.rejected,
                    "intent": intent})
            append_in(session, "import_completed", data={
                "intents": closes, "imports": [r.import_id for r in results]})

    def failed(self, intent: int, error: str) -> None:
        from goodfit.actions.audit import append

        append(self._ws.state, "import_failed", data={"intents": [intent], "error": error})


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
    def add_user(self, name: str, role: str, *, actor: str | None = None,
                 password: str | None = None) -> UserView:
        """Add a person (owner, manager, agent, viewer); the first must be an owner.
        ``password`` (optional) lets them sign in to the web app (stored as argon2id)."""
        from goodfit.actions.users import add_user

        return add_user(self._ws.state, name, role, actor=actor, password=password,
                        min_password_length=self._ws.config.web.min_password_length)

    def set_password(self, name: str, password: str, *, actor: str | None) -> UserView:
        """Set a user's web sign-in password: themself, or an owner for anyone."""
        from goodfit.actions.users import set_password

        return set_password(self._ws.state, name, password, actor=actor,
                            min_password_length=self._ws.config.web.min_password_length)

    def authenticate(self, name: str, password: str) -> UserView | None:
        """The user when the password matches their stored hash, else None."""
        from goodfit.actions.users import authenticate

        return authenticate(self._ws.state, name, password)

    def user(self, name: str) -> UserView | None:
        from goodfit.actions.users import get_user

        return get_user(self._ws.state, name)

    def users(self) -> list[UserView]:
        from goodfit.actions.users import list_users

        return list_users(self._ws.state)

    # -- web sessions (shared by every server process; actions/sessions.py) ----------
    def web_sessions(self, lifetime_seconds: float) -> SessionStore:
        """The web app's sessions, kept in the state DB."""
        from goodfit.actions.sessions import SessionStore

        return SessionStore(self._ws.state, lifetime_seconds)

    def signin_limiter(self, attempts: int, window_seconds: float) -> LoginLimiter:
        """The web sign-in rate limit, counted in the state DB across every worker."""
        from goodfit.actions.sessions import LoginLimiter

        return LoginLimiter(self._ws.state, attempts, window_seconds)

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
    def step_file(self, case_id: int, step_no: int, index: int) -> tuple[str, bytes]:
        """The ``index``-th file a case step drafted (the letter PDF, the transition pack,
        the credit CSV): its name and bytes, exactly as recorded with the step. Refused
        when it is missing or changed since it was drafted: what is shown is what is
        approved. The path comes from the step, never from the caller."""
        import hashlib

        from goodfit.errors import ActionError, UnknownCase

        files = self.case(case_id).step(step_no).payload.get("files", [])
        if not 0 <= index < len(files):
            raise UnknownCase(case_id, step_no)
        rel = str(files[index]["path"])
        root = self._ws.root.resolve()
        path = (root / rel).resolve()
        if root not in path.parents or not path.is_file():
            raise ActionError(f"{rel} of case {case_id} step {step_no} is missing")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != files[index]["sha256"]:
            raise ActionError(f"{rel} changed after it was drafted: cancel case {case_id} "
                              "and draft it again")
        return path.name, data

    def call_outcomes(self) -> tuple[str, ...]:
        from goodfit.actions.offboarding import CALL_OUTCOMES

        return CALL_OUTCOMES

    def outbox(self, *, state: str | None = None, case_id: int | None = None) -> list[Message]:
        from goodfit.actions.outbox import list_messages

        return list_messages(self._ws.state, state=state, case_id=case_id)

    def message(self, message: int) -> tuple[Message, str]:
        """A stored message and its complete raw text (RFC 5322)."""
        from goodfit.actions.outbox import get_message, raw_message

        return get_message(self._ws.state, message), raw_message(self._ws.state, message)

    def send(self, *, actor: str | None, dry_run: bool = False) -> SendReport:
        """What the gate releases goes out (goodfit.actions.gate); the rest is held, with why."""
        from goodfit.actions.cases import send_outbox

        return send_outbox(self.context(), dry_run=dry_run, actor=actor)

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
