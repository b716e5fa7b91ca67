"""Score snapshots: scorecard, flags and fit scores with config hash and data window.

Revision ID: 0002_scoring_snapshots
Revises: 0001_actions
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_scoring_snapshots"
down_revision = "0001_actions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_score_snapshots"),
    )
    op.create_table(
        "snapshot_customers",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(500)),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("segment", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("scorecard", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["score_snapshots.id"], ondelete="CASCADE",
                                name="fk_snapshot_customers_snapshot_id_score_snapshots"),
        sa.PrimaryKeyConstraint("snapshot_id", "customer_id", name="pk_snapshot_customers"),
    )
    op.create_table(
        "snapshot_flags",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["score_snapshots.id"], ondelete="CASCADE",
                                name="fk_snapshot_flags_snapshot_id_score_snapshots"),
        sa.PrimaryKeyConstraint("id", name="pk_snapshot_flags"),
    )
    op.create_index("ix_snapshot_flags_snapshot_id", "snapshot_flags", ["snapshot_id"])


def downgrade() -> None:
    op.drop_index("ix_snapshot_flags_snapshot_id", table_name="snapshot_flags")
    op.drop_table("snapshot_flags")
    op.drop_table("snapshot_customers")
    op.drop_table("score_snapshots")
