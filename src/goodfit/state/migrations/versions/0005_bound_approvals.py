"""Approvals bound to content; step handlers stored by kind.

- ``outbox.approved_sha256`` and ``case_steps.approved_sha256``: the digest of what was
  approved (goodfit.state.approval). Messages and steps approved before this revision
  get the digest of their content as stored at upgrade time.
- A step's ``payload.handler`` names a registered handler kind ("email", "call",
  "files", "close", …) instead of a "module:function" string; the built-in strings are
  converted. Offboarding letter steps, whose old handler refused to send after the
  notice date, get that rule as data: ``payload.send_by`` = the case's notice date.

Revision ID: 0005_bound_approvals
Revises: 0004_connectors
"""

import json

import sqlalchemy as sa
from alembic import op

from goodfit.state.approval import message_digest, step_digest

revision = "0005_bound_approvals"
down_revision = "0004_connectors"
branch_labels = None
depends_on = None

HANDLER_KINDS = {
    "goodfit.actions.outbox:execute_email_step": "email",
    "goodfit.actions.offboarding:execute_letter_step": "email",
    "goodfit.actions.offboarding:execute_call_step": "call",
    "goodfit.actions.cases:execute_files_step": "files",
    "goodfit.actions.cases:execute_close_step": "close",
}
OLD_HANDLERS = {v: k for k, v in HANDLER_KINDS.items()
                if k != "goodfit.actions.offboarding:execute_letter_step"}


def _dump(value: dict) -> str:  # the state DB's canonical JSON
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("approved_sha256", sa.String(64), nullable=True))
    with op.batch_alter_table("case_steps") as batch:
        batch.add_column(sa.Column("approved_sha256", sa.String(64), nullable=True))
    bind = op.get_bind()
    case_data = {cid: json.loads(data or "{}") for cid, data in
                 bind.execute(sa.text("SELECT id, data FROM cases")).all()}
    steps = bind.execute(sa.text(
        "SELECT id, case_id, kind, title, text, payload, state FROM case_steps")).all()
    for sid, case_id, kind, title, text, payload_json, state in steps:
        payload = json.loads(payload_json or "{}")
        old = payload.get("handler")
        if old == "goodfit.actions.offboarding:execute_letter_step":
            notice = case_data.get(case_id, {}).get("notice_date")
            if notice:
                payload["send_by"] = notice
        if old in HANDLER_KINDS:
            payload["handler"] = HANDLER_KINDS[old]
        new_json = _dump(payload)
        digest = step_digest(kind, title, text, new_json) if state == "approved" else None
        bind.execute(sa.text("UPDATE case_steps SET payload = :p, approved_sha256 = :d "
                             "WHERE id = :id"), {"p": new_json, "d": digest, "id": sid})
    msgs = bind.execute(sa.text(
        "SELECT id, to_addr, subject, body, raw FROM outbox "
        "WHERE state IN ('approved', 'sending', 'failed', 'unknown')")).all()
    for mid, to_addr, subject, body, raw in msgs:
        bind.execute(sa.text("UPDATE outbox SET approved_sha256 = :d WHERE id = :id"),
                     {"d": message_digest(to_addr, subject, body, raw), "id": mid})


def downgrade() -> None:
    bind = op.get_bind()
    for sid, payload_json in bind.execute(sa.text("SELECT id, payload FROM case_steps")).all():
        payload = json.loads(payload_json or "{}")
        if payload.get("handler") in OLD_HANDLERS:
            payload["handler"] = OLD_HANDLERS[payload["handler"]]
        if "send_by" in payload:
            payload.pop("send_by")
            payload["handler"] = "goodfit.actions.offboarding:execute_letter_step"
        bind.execute(sa.text("UPDATE case_steps SET payload = :p WHERE id = :id"),
                     {"p": _dump(payload), "id": sid})
    with op.batch_alter_table("case_steps") as batch:
        batch.drop_column("approved_sha256")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("approved_sha256")
