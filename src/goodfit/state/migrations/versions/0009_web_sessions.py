"""Web sessions and failed sign-ins in the state DB, so several server processes share them.

A session row is keyed by the SHA-256 of the id the browser holds (the id itself is never
stored), with its CSRF token, the signed-in user (NULL before sign-in) and when it expires
(seconds since the epoch, UTC). A failed sign-in is a row per key (the user name and the
client address) with its time; the rate limit counts them across every worker. A
restart of the server no longer signs everyone out.

Revision ID: 0009_web_sessions
Revises: 0008_snapshot_columns
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_web_sessions"
down_revision = "0008_snapshot_columns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_sha256", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(100), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=True),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id_sha256", name="pk_web_sessions"))
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "web_signin_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_signin_failures"))
    op.create_index("ix_web_signin_failures_key", "web_signin_failures", ["key", "at"])
    op.create_index("ix_web_signin_failures_at", "web_signin_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_web_signin_failures_at", "web_signin_failures")
    op.drop_index("ix_web_signin_failures_key", "web_signin_failures")
    op.drop_table("web_signin_failures")
    op.drop_index("ix_web_sessions_expires_at", "web_sessions")
    op.drop_table("web_sessions")
