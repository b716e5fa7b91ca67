"""Rewards: verifiable draws (plan, commitment, reveal, winners).

Revision ID: 0003_rewards
Revises: 0002_scoring_snapshots
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_rewards"
down_revision = "0002_scoring_snapshots"
branch_labels = None
depends_on = None

TS = sa.String(32)  # ISO 8601 text, naive UTC: identical on SQLite and PostgreSQL


def upgrade() -> None:
    op.create_table(
        "reward_draws",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("as_of", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("eligible_count", sa.Integer, nullable=False),
        sa.Column("winners_wanted", sa.Integer, nullable=False),
        sa.Column("list_sha256", sa.String(64)),
        sa.Column("seed_sha256", sa.String(64)),
        sa.Column("seed", sa.String(128)),
        sa.Column("committed_at", TS),
        sa.Column("committed_by", sa.String(100)),
        sa.Column("winners", sa.Text),
        sa.Column("drawn_at", TS),
        sa.Column("drawn_by", sa.String(100)),
        sa.Column("exported_at", TS),
        sa.Column("verified_at", TS),
        sa.Column("verified_ok", sa.Boolean),
    )


def downgrade() -> None:
    op.drop_table("reward_draws")
