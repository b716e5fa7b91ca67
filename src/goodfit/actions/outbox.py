"""The outbox: rendered e-mails, approved by a person, sent over SMTP exactly once.

Message states::

    draft ─(step approved)─▶ approved ─▶ sending ─▶ sent
                               ▲  │          ├──▶ failed   (permanent 5xx; `outbox retry`)
                               │  │          └──▶ unknown  (sender died or the line broke
                               │  │                         while the server had the message)
                               └──┴── transient error (4xx, refused connection): back to
                                      approved after ``[smtp] retries`` attempts with backoff

Exactly once: the Message-ID is the idempotency key, fixed when the draft is stored. A
message is claimed by a conditional update ``approved → sending`` (only one sender can
win) and committed *before* it is handed to SMTP; ``sent`` is recorded after the server
accepts it. A message found in ``sending`` whose sender is gone was possibly delivered,
so it is never resent blindly: it becomes ``unknown`` until a person checks the mailbox
and runs ``goodfit outbox confirm ID --sent`` or ``--not-sent``.

SMTP credentials come only from GOODFIT_SMTP_USER / GOODFIT_SMTP_PASSWORD and are never
written anywhere.
"""

from __future__ import annotations

import mimetypes
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from goodfit.actions import audit, gate
from goodfit.actions.context import ActionContext
from goodfit.actions.drafts import EmailDraft, validate
from goodfit.actions.smtp import Ambiguous, Connection, Permanent, Transient
from goodfit.errors import ActionError, IllegalTransition, SendError
from goodfit.state.approval import message_digest
from goodfit.state.db import StateDB
from goodfit.state.outbox import OutboxRow

# "changed": the content differs from what was approved; it is never sent.
STATES = ("draft", "approved", "sending", "sent", "failed", "unknown", "withdrawn", "changed")
# A live sender finishes one message well within this; older "sending" rows are stale.
LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Message:
    id: int
    message_id: str
    case_id: int | None
    step_no: int | None
    customer_id: str
    kind: str
    to: str
    subject: str
    body: str
    state: str
    attempts: int
    last_error: str | None
    created_at: str
    approved_by: str | None
    sent_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _view(r: OutboxRow) -> Message:
    return Message(r.id, r.message_id, r.case_id, r.step_no, r.customer_id, r.kind, r.to_addr,
                   r.subject, r.body, r.state, r.attempts, r.last_error, r.created_at,
                   r.approved_by, r.sent_at)


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)  # transient failure: still approved
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # another sender had it / already sent
    files: list[str] = field(default_factory=list)  # dry run: the .eml files written
    recovered: list[int] = field(default_factory=list)  # stale "sending" → unknown
    held: dict[int, str] = field(default_factory=dict)  # the gate's reason, per message
    changed: list[int] = field(default_factory=list)  # changed after approval: never sent

    @property
    def ok(self) -> bool:
        return not (self.retry or self.failed or self.unknown or self.changed)


# -- drafting ------------------------------------------------------------------
def render(draft: EmailDraft, sender: str, root: Path) -> EmailMessage:
    """The complete message, ASCII-only on the wire (quoted-printable, base64)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = draft.to
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "goodfit.local"
    msg["Message-ID"] = make_msgid(domain=domain)
    for name, value in draft.headers.items():
        msg[name] = value
    msg.set_content(draft.body, cte="quoted-printable")
    for rel in draft.attachments:
        path = root / rel
        if not path.is_file():
            raise ActionError(f"attachment {rel} does not exist in the project folder")
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = ctype.split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return msg


def store_draft(session: Session, ctx: ActionContext, draft: EmailDraft, *,
                case_id: int | None, step_no: int | None) -> OutboxRow:
    validate(draft)
    msg = render(draft, ctx.config.smtp.from_, ctx.root)
    row = OutboxRow(message_id=str(msg["Message-ID"]), case_id=case_id, step_no=step_no,
                    customer_id=draft.customer_id, kind=draft.kind, to_addr=draft.to,
                    subject=draft.subject, body=draft.body, raw=msg.as_string(),
                    state="draft", attempts=0, created_at=audit.now_iso())
    session.add(row)
    session.flush()
    return row


def approve_step_messages(session: Session, case_id: int, step_no: int, actor: str,
                          now: str) -> list[dict[str, str]]:
    """Approve a step's drafts, binding each approval to the SHA-256 of its content."""
    rows = session.execute(select(OutboxRow).where(
        OutboxRow.case_id == case_id, OutboxRow.step_no == step_no,
        OutboxRow.state == "draft")).scalars().all()
    for r in rows:
        r.state, r.approved_by, r.approved_at = "approved", actor, now
        r.approved_sha256 = message_digest(r.to_addr, r.subject, r.body, r.raw)
    return [{"message_id": r.message_id, "sha256": r.approved_sha256 or ""} for r in rows]


def withdraw_case_messages(session: Session, case_id: int) -> int:
    result = session.execute(update(OutboxRow).where(
        OutboxRow.case_id == case_id, OutboxRow.state.in_(("draft", "approved", "failed"))
    ).values(state="withdrawn"))
    return int(getattr(result, "rowcount", 0) or 0)


# -- reading -------------------------------------------------------------------
def list_messages(db: StateDB, *, state: str | None = None, case_id: int | None = None,
                  customer_id: str | None = None) -> list[Message]:
    with db.session() as session:
        q = select(OutboxRow).order_by(OutboxRow.id)
        if state:
            q = q.where(OutboxRow.state == state)
        if case_id is not None:
            q = q.where(OutboxRow.case_id == case_id)
        if customer_id:
            q = q.where(OutboxRow.customer_id == customer_id)
        return [_view(r) for r in session.execute(q).scalars()]


def get_message(db: StateDB, id: int) -> Message:
    with db.session() as session:
        row = session.get(OutboxRow, id)
        if row is None:
            raise ActionError(f"no outbox message {id}; see goodfit outbox list")
        return _view(row)


def raw_message(db: StateDB, id: int) -> str:
    with db.session() as session:
        row = session.get(OutboxRow, id)
        if row is None:
            raise ActionError(f"no outbox message {id}; see goodfit outbox list")
        return row.raw


# -- recovery and people's confirmations ---------------------------------------
def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_alive(owner: str | None, since: str | None) -> bool:
    if not owner or not since:
        return False
    if datetime.fromisoformat(since) < datetime.now(UTC).replace(tzinfo=None) - LEASE:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine's sender: trust the lease
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def recover(ctx: ActionContext) -> list[int]:
    """Messages left in ``sending`` by a sender that died become ``unknown``."""
    marked = []
    with ctx.db.session() as session:
        rows = session.execute(select(OutboxRow).where(OutboxRow.state == "sending")).scalars()
        for r in rows:
            if _owner_alive(r.sending_owner, r.sending_at):
                continue
            r.state = "unknown"
            r.last_error = ("the sender stopped after handing the message to the SMTP server "
                            "and before recording the result: check the mailbox, then run "
                            f"goodfit outbox confirm {r.id} --sent (or --not-sent)")
            marked.append(r.id)
            audit.append_in(session, "send_unknown", customer_id=r.customer_id,
                            case_id=r.case_id, data={"message_id": r.message_id,
                                                     "outbox_id": r.id})
    return marked


def confirm(ctx: ActionContext, id: int, *, sent: bool, actor: str) -> Message:
    """A person checked the mailbox: record whether an ``unknown`` message went out."""
    from goodfit.actions.users import require_user

    with ctx.db.session() as session:
        require_user(session, actor)
        r = session.get(OutboxRow, id)
        if r is None:
            raise ActionError(f"no outbox message {id}; see goodfit outbox list")
        if r.state != "unknown":
            raise IllegalTransition(f"outbox message {id}", r.state, "confirm", [],
                                    "Only messages in state unknown need a confirmation.")
        r.state = "sent" if sent else "approved"
        r.confirmed_by, r.last_error = actor, None
        if sent:
            r.sent_at = audit.now_iso()
        audit.append_in(session, "send_confirmed", actor=actor, customer_id=r.customer_id,
                        case_id=r.case_id, data={"message_id": r.message_id, "sent": sent})
        return _view(r)


def retry(ctx: ActionContext, id: int, *, actor: str) -> Message:
    """Put a permanently failed message back in the queue (after fixing the cause)."""
    from goodfit.actions.users import require_user

    with ctx.db.session() as session:
        require_user(session, actor)
        r = session.get(OutboxRow, id)
        if r is None:
            raise ActionError(f"no outbox message {id}; see goodfit outbox list")
        if r.state != "failed":
            raise IllegalTransition(f"outbox message {id}", r.state, "retry", [],
                                    "Only failed messages can be retried.")
        r.state = "approved"
        audit.append_in(session, "send_retry", actor=actor, customer_id=r.customer_id,
                        case_id=r.case_id, data={"message_id": r.message_id})
        return _view(r)


# -- sending -------------------------------------------------------------------
def _claim(session: Session, id: int) -> bool:
    """approved → sending, committed before SMTP sees the message. One sender wins."""
    result = session.execute(update(OutboxRow).where(
        OutboxRow.id == id, OutboxRow.state == "approved"
    ).values(state="sending", sending_owner=_owner(), sending_at=audit.now_iso(),
             attempts=OutboxRow.attempts + 1))
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _finish(ctx: ActionContext, id: int, state: str, error: str | None, actor: str | None,
            kind: str) -> None:
    with ctx.db.session() as session:
        r = session.get(OutboxRow, id)
        assert r is not None
        r.state, r.last_error = state, error
        if state == "sent":
            r.sent_at = audit.now_iso()
        data: dict[str, Any] = {"message_id": r.message_id, "outbox_id": r.id, "to": r.to_addr,
                                "subject": r.subject, "attempts": r.attempts}
        if error:
            data["error"] = error
        audit.append_in(session, kind, actor=actor, customer_id=r.customer_id,
                        case_id=r.case_id, data=data)


def _release(session: Session, ctx: ActionContext, id: int, actor: str | None,
             report: SendReport) -> bool:
    """Ask the gate, in the claiming transaction; record why a message is held."""
    row = session.get(OutboxRow, id)
    if row is None or row.state != "approved":
        report.skipped.append(id)
        return False
    hold = gate.check(session, ctx, case_id=row.case_id, step_no=row.step_no, message=row)
    if hold is None:
        return True
    report.held[id] = hold.reason
    row.last_error = hold.reason
    if hold.changed:
        row.state = "changed"
        report.changed.append(id)
        audit.append_in(session, "changed_after_approval", actor=actor,
                        customer_id=row.customer_id, case_id=row.case_id,
                        data={"message_id": row.message_id, "outbox_id": row.id,
                              "step": row.step_no, "approved_sha256": row.approved_sha256,
                              "sha256": message_digest(row.to_addr, row.subject, row.body,
                                                       row.raw),
                              "reason": hold.reason})
    return False


def _eml_name(m: OutboxRow) -> str:
    where = f"case{m.case_id}-step{m.step_no}-" if m.case_id is not None else ""
    return f"{where}{m.id:05d}-{m.kind}.eml"


def send(ctx: ActionContext, *, ids: Iterable[int] | None = None, dry_run: bool = False,
         actor: str | None = None,
         on_accepted: Callable[[str], None] | None = None) -> SendReport:
    """Send approved messages (all, or those in ``ids``) once each.

    ``dry_run`` writes each as an .eml file into outbox/ and changes nothing (the report
    still says which ones the gate would hold now, and why).
    ``on_accepted(message_id)`` runs after the server accepted a message and before that
    is recorded — the very window a crash must not turn into a second delivery.
    """
    report = SendReport()
    if not dry_run:
        report.recovered = recover(ctx)
    with ctx.db.session() as session:
        q = select(OutboxRow).where(OutboxRow.state == "approved").order_by(OutboxRow.id)
        if ids is not None:
            q = q.where(OutboxRow.id.in_(list(ids)))
        queue = list(session.execute(q).scalars())
    if dry_run:
        ctx.outbox_dir.mkdir(parents=True, exist_ok=True)
        with ctx.db.session() as session:
            for m in queue:
                hold = gate.check(session, ctx, case_id=m.case_id, step_no=m.step_no,
                                  message=m)
                if hold is not None:
                    report.held[m.id] = hold.reason
        for m in queue:  # a preview of every message; report.held says what the gate holds
            path = ctx.outbox_dir / _eml_name(m)
            path.write_bytes(m.raw.replace("\r\n", "\n").encode("ascii", "replace"))
            report.files.append(str(path.relative_to(ctx.root)))
        return report
    s = ctx.config.smtp
    conn = Connection(ctx)
    try:
        for m in queue:
            with ctx.db.session() as session:
                if not _release(session, ctx, m.id, actor, report):
                    continue
                if not _claim(session, m.id):
                    report.skipped.append(m.id)
                    continue
            error = ""
            for attempt in range(s.retries + 1):
                if attempt:
                    ctx.sleep(s.backoff_seconds * 2 ** (attempt - 1))
                    with ctx.db.session() as session:
                        session.execute(update(OutboxRow).where(OutboxRow.id == m.id)
                                        .values(attempts=OutboxRow.attempts + 1))
                try:
                    conn.send(s.from_, m.to_addr, m.raw)
                except Transient as exc:
                    error = str(exc)
                    conn.close()
                    continue
                except Permanent as exc:
                    _finish(ctx, m.id, "failed", str(exc), actor, "send_failed")
                    report.failed.append(m.id)
                    break
                except Ambiguous as exc:
                    _finish(ctx, m.id, "unknown", f"{exc}; check the mailbox, then run "
                            f"goodfit outbox confirm {m.id} --sent (or --not-sent)", actor,
                            "send_unknown")
                    report.unknown.append(m.id)
                    break
                if on_accepted is not None:
                    on_accepted(m.message_id)
                _finish(ctx, m.id, "sent", None, actor, "send")
                report.sent.append(m.id)
                break
            else:
                _finish(ctx, m.id, "approved", f"{error} (after {s.retries + 1} attempts; "
                        "goodfit outbox send tries again)", actor, "send_failed")
                report.retry.append(m.id)
                if conn.unreachable:  # the others would only wait for the same server
                    break
    except SendError:
        with ctx.db.session() as session:  # the login failed: nothing was handed over
            session.execute(update(OutboxRow).where(OutboxRow.state == "sending",
                                                    OutboxRow.sending_owner == _owner())
                            .values(state="approved", last_error="SMTP login refused"))
        raise
    finally:
        conn.close()
    return report
