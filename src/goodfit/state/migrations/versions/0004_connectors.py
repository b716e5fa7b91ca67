"""Connectors: sync cursors and the record of sync runs.

Revision ID: 0004_connectors
Revises: 0003_rewards
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_connectors"
down_revision = "0003_rewards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connector_cursors",
        sa.Column("connector", sa.String(100), primary_key=True),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("run_id", sa.String(40), nullable=False),
    )
    op.create_table(
        "connector_runs",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("connector", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("full", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rows", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_connector_runs_connector", "connector_runs", ["connector"])


def downgrade() -> None:
    op.drop_index("ix_connector_runs_connector", table_name="connector_runs")
    op.drop_table("connector_runs")
    op.drop_table("connector_cursors")
