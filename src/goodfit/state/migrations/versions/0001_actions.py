"""Actions: users, cases and steps, the outbox and the hash-chained audit log.

Revision ID: 0001_actions
Revises: 0000_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_actions"
down_revision = "0000_base"
branch_labels = None
depends_on = None

TS = sa.String(32)  # ISO 8601 text, naive UTC: identical on SQLite and PostgreSQL


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("approved_by", sa.String(100)),
        sa.Column("approved_at", TS),
        sa.Column("executed_at", TS),
        sa.Column("closed_by", sa.String(100)),
        sa.Column("closed_at", TS),
        sa.Column("cancelled_by", sa.String(100)),
        sa.Column("cancelled_at", TS),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_cases_customer_id", "cases", ["customer_id"])
    op.create_table(
        "case_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("no", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("lint", sa.Text, nullable=False),
        sa.Column("override_by", sa.String(100)),
        sa.Column("override_reason", sa.Text),
        sa.Column("drafted_by", sa.String(100), nullable=False),
        sa.Column("drafted_at", TS, nullable=False),
        sa.Column("approved_by", sa.String(100)),
        sa.Column("approved_at", TS),
        sa.Column("executed_by", sa.String(100)),
        sa.Column("executed_at", TS),
        sa.UniqueConstraint("case_id", "no", name="uq_case_steps_case_no"),
    )
    op.create_index("ix_case_steps_case_id", "case_steps", ["case_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(250), nullable=False, unique=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("step_no", sa.Integer),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("to_addr", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("approved_by", sa.String(100)),
        sa.Column("approved_at", TS),
        sa.Column("sending_owner", sa.String(200)),
        sa.Column("sending_at", TS),
        sa.Column("sent_at", TS),
        sa.Column("confirmed_by", sa.String(100)),
    )
    op.create_index("ix_outbox_case_id", "outbox", ["case_id"])
    op.create_index("ix_outbox_customer_id", "outbox", ["customer_id"])
    op.create_index("ix_outbox_state", "outbox", ["state"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100)),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("customer_id", sa.String(200)),
        sa.Column("case_id", sa.Integer),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_kind", "audit_log", ["kind"])
    op.create_index("ix_audit_log_customer_id", "audit_log", ["customer_id"])
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("outbox")
    op.drop_table("case_steps")
    op.drop_table("cases")
    op.drop_table("users")
