"""The one gate to the customer: nothing leaves unless its case step's rules hold *now*.

Every e-mail, letter, transition pack and billing export reaches a customer through a
case step, and every path that releases one — ``outbox send``, ``case execute``, a call
logged, a reward or education case — asks :func:`check` at the moment of release, in
the same transaction that claims the item. It holds the item, with the reason, unless:

- the case is approved (or executing) and the step is approved, not executed or
  cancelled;
- the step's approver is still a user with a role in ``[actions] approver_roles``, and
  with ``four_eyes`` not the person who drafted it;
- every earlier step (in step order) is executed or cancelled;
- the step's own rule holds: ``payload.send_by`` (an offboarding letter dated D is never
  sent after D: that would shorten the notice period);
- the step and, for an e-mail, the message are exactly what was approved: their SHA-256
  (goodfit.state.approval) recomputed now equals the one recorded at approval, and every
  file the step exports still has the hash recorded when it was drafted.

A content difference is more than a hold: :func:`check` reports it as ``changed`` and
the caller marks the message "changed after approval" in the audit log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodfit.actions.context import ActionContext
from goodfit.state.approval import message_digest, step_digest
from goodfit.state.cases import CaseRow, StepRow
from goodfit.state.outbox import OutboxRow
from goodfit.state.users import User


@dataclass(frozen=True)
class Hold:
    reason: str
    changed: bool = False  # the content differs from what was approved


def file_digest(root: Path, rel: str) -> str:
    return hashlib.sha256((root / rel).read_bytes()).hexdigest()


def _files_changed(ctx: ActionContext, payload: dict[str, Any]) -> str | None:
    for f in payload.get("files", []):
        path = ctx.root / f["path"]
        if not path.is_file():
            return f"{f['path']} is missing"
        if file_digest(ctx.root, f["path"]) != f["sha256"]:
            return f"{f['path']} changed after it was drafted"
    return None


def check(session: Session, ctx: ActionContext, *, case_id: int | None, step_no: int | None,
          message: OutboxRow | None = None) -> Hold | None:
    """None when the step (and ``message``) may go to the customer now; else why not."""
    settings = ctx.config.actions
    if message is not None:
        if message.state not in ("approved", "sending"):
            return Hold(f"message is {message.state}, not approved")
        if not message.approved_by or not message.approved_sha256:
            return Hold("message has no recorded approval")
        if message_digest(message.to_addr, message.subject, message.body,
                          message.raw) != message.approved_sha256:
            return Hold("changed after approval: recipients, subject, body or attachments "
                        "differ from what was approved; cancel the case and draft it again",
                        changed=True)
    if case_id is None or step_no is None:
        return None if message is not None else Hold("not part of a case step")
    case = session.get(CaseRow, case_id)
    if case is None:
        return Hold(f"case {case_id} does not exist")
    if case.state not in ("approved", "executed"):
        return Hold(f"case {case_id} is {case.state}"
                    + (": every step must be approved first" if case.state == "draft" else ""))
    steps = list(session.execute(select(StepRow).where(StepRow.case_id == case_id)
                                 .order_by(StepRow.no)).scalars())
    step = next((s for s in steps if s.no == step_no), None)
    if step is None:
        return Hold(f"case {case_id} has no step {step_no}")
    if step.state != "approved":
        return Hold(f"step {step_no} of case {case_id} is {step.state}, not approved")
    approver = session.get(User, step.approved_by) if step.approved_by else None
    if approver is None or approver.role not in settings.approver_roles:
        return Hold(f"step {step_no} of case {case_id} was approved by "
                    f"{step.approved_by or 'nobody'}, who is not one of "
                    f"{', '.join(settings.approver_roles)} ([actions] approver_roles)")
    if settings.four_eyes and step.approved_by == step.drafted_by:
        return Hold(f"four-eyes: {step.approved_by} drafted and approved step {step_no} of "
                    f"case {case_id}; another approver must approve it")
    if message is not None and message.approved_by != step.approved_by:
        return Hold(f"message approved by {message.approved_by}, its step by "
                    f"{step.approved_by}")
    waiting = [s.no for s in steps if s.no < step_no and s.state not in ("executed",
                                                                         "cancelled")]
    if waiting:
        return Hold(f"step order: step(s) {', '.join(map(str, waiting))} of case {case_id} "
                    f"come first and are not executed (goodfit case show {case_id})")
    payload = json.loads(step.payload)
    send_by = payload.get("send_by")
    if send_by and ctx.today() > date.fromisoformat(send_by):
        return Hold(f"step {step_no} of case {case_id} is dated {send_by}; sending it on "
                    f"{ctx.today().isoformat()} would shorten the notice. Cancel the case "
                    "and start it again (goodfit offboard start … --notice-date)")
    if not step.approved_sha256 or step_digest(step.kind, step.title, step.text,
                                               step.payload) != step.approved_sha256:
        return Hold(f"changed after approval: step {step_no} of case {case_id} differs from "
                    "what was approved; cancel the case and draft it again", changed=True)
    changed = _files_changed(ctx, payload)
    if changed:
        return Hold(f"step {step_no} of case {case_id}: {changed}; cancel the case and draft "
                    "it again", changed=True)
    return None
