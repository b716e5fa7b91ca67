"""Cases: every action is a case about one organisation, done in approved steps.

Case states::

    draft ──approve──▶ approved ──execute──▶ executed ──close──▶ closed
      └──────cancel──────┴──────cancel──▶ cancelled

A case has one or more steps, each ``draft → approved → executed`` (or ``cancelled``
with its case). The case is approved when every step is; it is executed when every
step except a final ``close`` step is; executing the ``close`` step (or ``close``)
closes it. Approval needs a role in ``[actions] approver_roles``; with ``four_eyes``
the approver must not be the step's drafter. Text the tone lint flags blocks approval
unless someone in ``override_roles`` approves with a written reason.

What executing a step does depends on it: a step with e-mails sends them through the
outbox (exactly once); a step with files records their export; a ``call`` step is done
by logging the call; a step may name its own handler kind, registered with
``@step_handler("kind")`` (goodfit.actions.steps). Whatever the path, nothing is released
to the customer and no step is marked executed unless goodfit.actions.gate allows it now.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodfit.actions import audit, gate, outbox, tone_lint
from goodfit.actions.case_types import (
    CASE_MOVES,
    STEP_MOVES,
    Case,
    Execution,
    Step,
    StepHandler,
    StepOutcome,
    StepSpec,
)
from goodfit.actions.context import ActionContext
from goodfit.actions.gate import file_digest
from goodfit.actions.steps import HANDLERS, handler_for, step_handler
from goodfit.actions.users import require_user
from goodfit.errors import (
    ActionError,
    IllegalTransition,
    NotAllowed,
    ToneLintBlocked,
    UnknownCase,
)
from goodfit.state.approval import step_digest
from goodfit.state.cases import CaseRow, StepRow
from goodfit.state.db import StateDB
from goodfit.state.outbox import OutboxRow

__all__ = ["CASE_MOVES", "STEP_MOVES", "Case", "Execution", "Step", "StepHandler",
           "StepOutcome", "StepSpec", "approve", "cancel", "close", "complete_step", "execute",
           "file_digest", "get_case", "list_cases", "open_case", "send_outbox", "step_handler",
           "update_step_payload"]


# -- reading -------------------------------------------------------------------
def _step_view(row: StepRow, messages: tuple[int, ...]) -> Step:
    return Step(row.no, row.kind, row.title, row.state, row.text, json.loads(row.payload),
                json.loads(row.lint), row.override_by, row.override_reason, row.drafted_by,
                row.drafted_at, row.approved_by, row.approved_at, row.executed_by,
                row.executed_at, messages)


def _case_view(session: Session, row: CaseRow) -> Case:
    steps = session.execute(select(StepRow).where(StepRow.case_id == row.id)
                            .order_by(StepRow.no)).scalars().all()
    msgs = session.execute(select(OutboxRow.id, OutboxRow.step_no)
                           .where(OutboxRow.case_id == row.id).order_by(OutboxRow.id)).all()
    by_step: dict[int, list[int]] = {}
    for mid, no in msgs:
        if no is not None:
            by_step.setdefault(no, []).append(mid)
    return Case(row.id, row.kind, row.customer_id, row.title, row.state, json.loads(row.data),
                row.created_by, row.created_at, row.updated_at, row.approved_by,
                row.approved_at, row.executed_at, row.closed_by, row.closed_at,
                row.cancelled_by, row.cancelled_at, row.note,
                tuple(_step_view(s, tuple(by_step.get(s.no, ()))) for s in steps))


def _load(session: Session, case_id: int, *, lock: bool = False) -> CaseRow:
    q = select(CaseRow).where(CaseRow.id == case_id)
    if lock and session.bind is not None and session.bind.dialect.name == "postgresql":
        q = q.with_for_update()
    row = session.execute(q).scalar_one_or_none()
    if row is None:
        raise UnknownCase(case_id)
    return row


def _steps(session: Session, case_id: int) -> list[StepRow]:
    return list(session.execute(select(StepRow).where(StepRow.case_id == case_id)
                                .order_by(StepRow.no)).scalars())


def get_case(db: StateDB, case_id: int) -> Case:
    with db.session() as session:
        return _case_view(session, _load(session, case_id))


def list_cases(db: StateDB, *, state: str | None = None, kind: str | None = None,
               customer_id: str | None = None) -> list[Case]:
    with db.session() as session:
        q = select(CaseRow).order_by(CaseRow.id)
        if state:
            q = q.where(CaseRow.state == state)
        if kind:
            q = q.where(CaseRow.kind == kind)
        if customer_id:
            q = q.where(CaseRow.customer_id == customer_id)
        return [_case_view(session, r) for r in session.execute(q).scalars()]


# -- drafting ------------------------------------------------------------------
def open_case(ctx: ActionContext, *, kind: str, customer_id: str, title: str, actor: str,
              steps: Sequence[StepSpec], data: dict[str, Any] | None = None) -> Case:
    """Draft a case with its steps; e-mails go to the outbox as drafts, files are hashed."""
    if not steps:
        raise ActionError("a case needs at least one step")
    now = audit.now_iso()
    with ctx.db.session() as session:
        require_user(session, actor)
        row = CaseRow(kind=kind, customer_id=customer_id, title=title, state="draft",
                      data=audit.canonical_json(data or {}), created_by=actor, created_at=now,
                      updated_at=now)
        session.add(row)
        session.flush()
        for no, spec in enumerate(steps, start=1):
            outgoing = "\n".join([spec.text, *(f"{d.subject}\n{d.body}" for d in spec.drafts)])
            findings = tone_lint.lint(outgoing, ctx.config.actions)
            payload = dict(spec.payload)
            if spec.files:
                payload["files"] = [{"path": f, "sha256": file_digest(ctx.root, f)}
                                    for f in spec.files]
            if spec.handler:
                if spec.handler not in HANDLERS:
                    raise ActionError(f"step {no} names the handler {spec.handler!r}, which "
                                      f"is not registered (known: {', '.join(sorted(HANDLERS))})")
                payload["handler"] = spec.handler
            session.add(StepRow(case_id=row.id, no=no, kind=spec.kind, title=spec.title,
                                state="draft", text=spec.text,
                                payload=audit.canonical_json(payload),
                                lint=audit.canonical_json([f.to_dict() for f in findings]),
                                drafted_by=actor, drafted_at=now))
            for draft in spec.drafts:
                outbox.store_draft(session, ctx, draft, case_id=row.id, step_no=no)
        session.flush()
        view = _case_view(session, row)
        audit.append_in(session, "case_opened", actor=actor, customer_id=customer_id,
                        case_id=row.id, data={"kind": kind, "title": title,
                                              "case_data": data or {}, "steps": [
                            {"no": s.no, "kind": s.kind, "title": s.title,
                             "tone_findings": len(s.lint)} for s in view.steps]})
        return view


# -- transitions ---------------------------------------------------------------
def _refuse(what: str, current: str, action: str, moves: dict[str, dict[str, str]],
            hint: str = "") -> IllegalTransition:
    return IllegalTransition(what, current, action, moves[current], hint)


def approve(ctx: ActionContext, case_id: int, actor: str, *, step: int | None = None,
            override_reason: str | None = None) -> Case:
    """Approve one step or every draft step (all or nothing)."""
    settings = ctx.config.actions
    with ctx.db.session() as session:
        user = require_user(session, actor)
        row = _load(session, case_id, lock=True)
        if row.state != "draft":
            raise _refuse(f"case {case_id}", row.state, "approve", CASE_MOVES)
        if user.role not in settings.approver_roles:
            raise NotAllowed(f"{user.name} is {user.role}; approvals need one of: "
                             f"{', '.join(settings.approver_roles)} ([actions] approver_roles)")
        all_steps = _steps(session, case_id)
        if step is not None:
            targets = [s for s in all_steps if s.no == step]
            if not targets:
                raise UnknownCase(case_id, step)
            if targets[0].state != "draft":
                raise _refuse(f"step {step} of case {case_id}", targets[0].state, "approve",
                              STEP_MOVES)
        else:
            targets = [s for s in all_steps if s.state == "draft"]
        now = audit.now_iso()
        for s in targets:
            if settings.four_eyes and s.drafted_by == user.name:
                raise NotAllowed(f"four-eyes: {user.name} drafted step {s.no} of case "
                                 f"{case_id}; another approver must approve it")
            findings = json.loads(s.lint)
            if findings and not s.override_reason:
                _override(session, row, s, user.name, user.role, findings, override_reason,
                          settings.override_roles)
        for s in targets:
            s.state, s.approved_by, s.approved_at = "approved", user.name, now
            s.approved_sha256 = step_digest(s.kind, s.title, s.text, s.payload)
            approved_msgs = outbox.approve_step_messages(session, case_id, s.no, user.name, now)
            audit.append_in(session, "step_approved", actor=user.name,
                            customer_id=row.customer_id, case_id=case_id,
                            data={"step": s.no, "kind": s.kind, "title": s.title,
                                  "sha256": s.approved_sha256, "messages": approved_msgs,
                                  "files": json.loads(s.payload).get("files", [])})
        if all(s.state in ("approved", "executed") for s in all_steps):
            row.state, row.approved_by, row.approved_at, row.updated_at = (
                "approved", user.name, now, now)
            audit.append_in(session, "case_approved", actor=user.name,
                            customer_id=row.customer_id, case_id=case_id, data={})
        row.updated_at = now
        session.flush()
        return _case_view(session, row)


def _override(session: Session, case: CaseRow, step: StepRow, name: str, role: str,
              findings: list[dict[str, Any]], reason: str | None, roles: list[str]) -> None:
    quoted = "; ".join(f"'{f['text']}'" for f in findings)
    if not reason or not reason.strip():
        raise ToneLintBlocked(
            f"step {step.no} of case {case.id} blames or bad-mouths the customer: {quoted}. "
            f"Reword it, or a {'/'.join(roles)} approves with --override-tone REASON")
    if role not in roles:
        raise NotAllowed(f"{name} is {role}; only {', '.join(roles)} may override the tone "
                         f"lint ([actions] override_roles)")
    step.override_by, step.override_reason = name, reason.strip()
    audit.append_in(session, "override", actor=name, customer_id=case.customer_id,
                    case_id=case.id, data={"step": step.no, "what": "tone_lint",
                                           "reason": reason.strip(), "findings": findings})


def cancel(ctx: ActionContext, case_id: int, actor: str, reason: str) -> Case:
    with ctx.db.session() as session:
        user = require_user(session, actor)
        row = _load(session, case_id, lock=True)
        if "cancel" not in CASE_MOVES[row.state]:
            raise _refuse(f"case {case_id}", row.state, "cancel", CASE_MOVES)
        if user.name != row.created_by and user.role not in ctx.config.actions.approver_roles:
            raise NotAllowed(f"only the drafter or one of {ctx.config.actions.approver_roles} "
                             "may cancel a case")
        now = audit.now_iso()
        for s in _steps(session, case_id):
            if s.state in ("draft", "approved"):
                s.state = "cancelled"
        withdrawn = outbox.withdraw_case_messages(session, case_id)
        row.state, row.cancelled_by, row.cancelled_at, row.note, row.updated_at = (
            "cancelled", user.name, now, reason, now)
        audit.append_in(session, "case_cancelled", actor=user.name, customer_id=row.customer_id,
                        case_id=case_id, data={"reason": reason, "messages_withdrawn": withdrawn})
        session.flush()
        return _case_view(session, row)


def close(ctx: ActionContext, case_id: int, actor: str) -> Case:
    with ctx.db.session() as session:
        user = require_user(session, actor)
        row = _load(session, case_id, lock=True)
        if row.state != "executed":
            raise _refuse(f"case {case_id}", row.state, "close", CASE_MOVES)
        _close_row(session, row, user.name)
        return _case_view(session, row)


def _close_row(session: Session, row: CaseRow, actor: str | None) -> None:
    now = audit.now_iso()
    row.state, row.closed_by, row.closed_at, row.updated_at = "closed", actor, now, now
    audit.append_in(session, "case_closed", actor=actor, customer_id=row.customer_id,
                    case_id=row.id, data={})


def update_step_payload(session: Session, case_id: int, step: int, **changes: Any) -> None:
    """Merge ``changes`` into a step's payload (e.g. the calls logged on a call step)."""
    row = session.execute(select(StepRow).where(StepRow.case_id == case_id,
                                                StepRow.no == step)).scalar_one_or_none()
    if row is None:
        raise UnknownCase(case_id, step)
    row.payload = audit.canonical_json({**json.loads(row.payload), **changes})


def complete_step(ctx: ActionContext, case_id: int, step: int, actor: str,
                  detail: dict[str, Any] | None = None) -> Case:
    """Mark an approved step executed (handlers that finish outside ``execute`` call this)."""
    with ctx.db.session() as session:
        require_user(session, actor)
        row = _load(session, case_id, lock=True)
        s = next((x for x in _steps(session, case_id) if x.no == step), None)
        if s is None:
            raise UnknownCase(case_id, step)
        _mark_executed(session, row, s, actor, detail or {}, ctx)
        return _case_view(session, row)


def _mark_executed(session: Session, row: CaseRow, s: StepRow, actor: str | None,
                   detail: dict[str, Any], ctx: ActionContext) -> None:
    if row.state not in ("approved", "executed"):
        raise _refuse(f"case {row.id}", row.state, "execute", CASE_MOVES,
                      "Approve every step first." if row.state == "draft" else "")
    if s.state != "approved":
        raise _refuse(f"step {s.no} of case {row.id}", s.state, "execute", STEP_MOVES)
    hold = gate.check(session, ctx, case_id=row.id, step_no=s.no)
    if hold is not None:
        raise ActionError(hold.reason)
    now = audit.now_iso()
    s.state, s.executed_by, s.executed_at = "executed", actor, now
    audit.append_in(session, "step_executed", actor=actor, customer_id=row.customer_id,
                    case_id=row.id, data={"step": s.no, "kind": s.kind, **detail})
    steps = _steps(session, row.id)
    if row.state == "approved" and all(x.state in ("executed", "cancelled") for x in steps
                                       if x.kind != "close"):
        row.state, row.executed_at, row.updated_at = "executed", now, now
        audit.append_in(session, "case_executed", actor=actor, customer_id=row.customer_id,
                        case_id=row.id, data={})
    if s.kind == "close":
        _close_row(session, row, actor)
    row.updated_at = now


# -- executing -----------------------------------------------------------------
def send_outbox(ctx: ActionContext, *, actor: str | None, dry_run: bool = False,
                ids: Sequence[int] | None = None) -> outbox.SendReport:
    """``outbox send``: what the gate releases goes out; a step whose e-mails are all sent
    is executed, so the case says what the customer has received."""
    report = outbox.send(ctx, ids=ids, dry_run=dry_run, actor=actor)
    if dry_run:
        return report
    try:
        _settle(ctx, report, actor)
    finally:
        anchor(ctx)
    return report


def anchor(ctx: ActionContext) -> audit.Anchor:
    """Append the audit head to ``[actions] anchor_file`` (after every send and draw)."""
    return audit.anchor(ctx.db, ctx.root / ctx.config.actions.anchor_file)


def mail_anchor(ctx: ActionContext, a: audit.Anchor, to: str) -> None:
    """E-mail an anchor to a person (the owner), so a copy lives outside the project.

    goodfit's own message to its operator, not to a customer: it is sent directly over
    SMTP, not through the outbox and its gate, and is not itself audited (that would
    move the head it reports)."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    from goodfit.actions.drafts import check_address
    from goodfit.actions.smtp import Ambiguous, Connection, Permanent, Transient
    from goodfit.errors import SendError

    check_address("(anchor)", "--mail-to", to)
    msg = EmailMessage()
    msg["From"], msg["To"] = ctx.config.smtp.from_, to
    msg["Subject"] = f"goodfit audit anchor: record {a.seq} of {ctx.config.project.name}"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=ctx.config.smtp.from_.rsplit("@", 1)[-1] or None)
    msg.set_content("Keep this message. It proves what the audit log held at this time:\n\n"
                    + audit.canonical_json(a.to_dict()) + "\n\nCheck with: goodfit audit "
                    "verify --anchor FILE (this JSON line saved in a file).\n")
    conn = Connection(ctx)
    try:
        conn.send(ctx.config.smtp.from_, to, msg.as_string())
    except (Transient, Permanent, Ambiguous) as exc:
        raise SendError(f"the anchor (written to {ctx.config.actions.anchor_file}) could not "
                        f"be e-mailed to {to}: {exc}") from None
    finally:
        conn.close()


def _settle(ctx: ActionContext, report: outbox.SendReport, actor: str | None) -> None:
    with ctx.db.session() as session:
        sent_steps = {(r.case_id, r.step_no) for r in session.execute(
            select(OutboxRow).where(OutboxRow.id.in_(report.sent))).scalars()
            if r.case_id is not None and r.step_no is not None}
    for case_id, no in sorted(sent_steps):
        with ctx.db.session() as session:
            row = _load(session, case_id, lock=True)
            s = next((x for x in _steps(session, case_id) if x.no == no), None)
            states = {m for (m,) in session.execute(select(OutboxRow.state).where(
                OutboxRow.case_id == case_id, OutboxRow.step_no == no))}
            if s is None or s.state != "approved" or states != {"sent"}:
                continue
            if json.loads(s.payload).get("handler", "email") != "email":
                continue  # a step with its own handler finishes through case execute
            msgs = [m for (m,) in session.execute(select(OutboxRow.message_id).where(
                OutboxRow.case_id == case_id, OutboxRow.step_no == no))]
            _mark_executed(session, row, s, actor, {"messages": msgs, "by": "outbox send"},
                           ctx)


def execute(ctx: ActionContext, case_id: int, actor: str, *, step: int | None = None,
            dry_run: bool = False) -> Execution:
    """Execute one approved step, or every approved step in order until one must wait.

    ``dry_run`` changes nothing: e-mails are written as .eml files into outbox/.
    """
    case = get_case(ctx.db, case_id)
    with ctx.db.session() as session:
        require_user(session, actor)
    if case.state not in ("approved", "executed"):
        raise _refuse(f"case {case_id}", case.state, "execute", CASE_MOVES,
                      "Approve every step first." if case.state == "draft" else "")
    if step is not None:
        target = case.step(step)
        if target.state != "approved":
            raise _refuse(f"step {step} of case {case_id}", target.state, "execute", STEP_MOVES)
        todo = [target]
    else:
        todo = [s for s in case.steps if s.state == "approved"]
    done: list[int] = []
    files: list[str] = []
    try:
        for s in todo:
            current = get_case(ctx.db, case_id)
            outcome = handler_for(current.step(s.no))(ctx, current, current.step(s.no), actor,
                                                      dry_run)
            files.extend(outcome.files)
            if outcome.done and not dry_run:
                complete_step(ctx, case_id, s.no, actor, outcome.detail)
                done.append(s.no)
    finally:
        if not dry_run:
            anchor(ctx)  # whatever went out, the head is anchored
    return Execution(get_case(ctx.db, case_id), tuple(done), tuple(files), dry_run)
