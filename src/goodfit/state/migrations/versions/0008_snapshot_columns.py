"""Snapshot rows: the fields the customers table sorts and filters on as indexed columns.

Plan, country and the scorecard's numbers (revenue, cost to serve, profit, margin,
tickets, cost parts, support minutes) get columns of their own, each indexed with the
snapshot id (then the customer id, the tie-break, and the filter fields: the index
alone answers a filtered page), so the web app sorts, filters and pages 100k customers
in SQL instead of reading JSON. Existing rows are filled from their scorecard JSON; country was never part
of a snapshot before, so older snapshots are marked ``country_stored = false`` (the
country filter then refuses and asks for a new ``goodfit score``). Flags get indexes by
code and by customer.

Revision ID: 0008_snapshot_columns
Revises: 0006_web_user_passwords
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_snapshot_columns"
down_revision = "0006_web_user_passwords"
branch_labels = None
depends_on = None

NUMBERS = ("revenue", "cost_to_serve", "profit", "margin", "tickets", "support_cost",
           "order_handling_cost", "custom_work_cost", "payment_friction_cost", "usage_cost",
           "direct_cost", "support_minutes")
# after the sort key and the id in every index, so a filtered page is read from it alone
FILTERS = ("segment", "plan", "country", "revenue", "cost_to_serve")
INDEXED = ("name", "score", "segment", "plan", "country", *NUMBERS)


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch "copy and move": on SQLite that drops and recreates
    # the table, and dropping score_snapshots would cascade to every snapshot row.
    op.add_column("snapshot_customers", sa.Column("plan", sa.String(200), nullable=True))
    op.add_column("snapshot_customers", sa.Column("country", sa.String(100), nullable=True))
    for n in NUMBERS:
        op.add_column("snapshot_customers", sa.Column(n, sa.Float(), nullable=True))
    op.add_column("score_snapshots", sa.Column("country_stored", sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    rows = sa.table("snapshot_customers", sa.column("scorecard", sa.JSON()),
                    sa.column("plan", sa.String()),
                    *(sa.column(n, sa.Float()) for n in NUMBERS))
    card = rows.c.scorecard
    # Money is a decimal string in the JSON, margin and counts numbers: read each as text,
    # then as a number ('' and absent stay NULL).
    values = {n: sa.cast(sa.func.nullif(card[n].as_string(), ""), sa.Float) for n in NUMBERS}
    op.execute(rows.update().values(plan=card["plan"].as_string(), **values))
    for c in INDEXED:
        op.create_index(f"ix_snapshot_customers_{c}", "snapshot_customers",
                        ["snapshot_id", c, "customer_id", *(f for f in FILTERS if f != c)])
    op.create_index("ix_snapshot_flags_code", "snapshot_flags",
                    ["snapshot_id", "code", "customer_id"])
    op.create_index("ix_snapshot_flags_customer", "snapshot_flags", ["snapshot_id", "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_snapshot_flags_customer", "snapshot_flags")
    op.drop_index("ix_snapshot_flags_code", "snapshot_flags")
    for c in INDEXED:
        op.drop_index(f"ix_snapshot_customers_{c}", "snapshot_customers")
    op.drop_column("score_snapshots", "country_stored")
    for n in (*reversed(NUMBERS), "country", "plan"):
        op.drop_column("snapshot_customers", n)
