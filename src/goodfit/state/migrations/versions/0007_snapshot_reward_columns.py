"""Reward facts and coverage of a scored customer in columns, not in its components JSON.

Before this revision a snapshot row kept four values beside the fit components, under
``_``-prefixed keys of ``snapshot_customers.components``: ``_score_out_of`` (the known
components' weights), ``_missing`` (the facts missing, in words), ``_reward_facts`` (the
one reward rule's facts, a JSON text) and ``_reward_gates`` (each gate's result). They
become the columns ``score_out_of``, ``missing``, ``reward_facts`` (JSON) and
``reward_gates`` (JSON); ``components`` keeps the fit components alone. Downgrade puts
them back under their keys.

Revision ID: 0007_snapshot_reward_columns
Revises: 0006_web_user_passwords
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_snapshot_reward_columns"
down_revision = "0006_web_user_passwords"
branch_labels = None
depends_on = None

MOVED = ("score_out_of", "missing", "reward_facts", "reward_gates")


def _rows(columns: tuple[str, ...]) -> sa.TableClause:
    return sa.table("snapshot_customers", sa.column("snapshot_id", sa.Integer),
                    sa.column("customer_id", sa.String), sa.column("components", sa.JSON),
                    *(sa.column(c, sa.JSON if c.startswith("reward") else
                                (sa.Float if c == "score_out_of" else sa.Text))
                      for c in columns))


def _key(t: sa.TableClause, r: Any) -> Any:
    return (t.c.snapshot_id == r.snapshot_id) & (t.c.customer_id == r.customer_id)


def upgrade() -> None:
    with op.batch_alter_table("snapshot_customers") as batch:
        batch.add_column(sa.Column("score_out_of", sa.Float, nullable=True))
        batch.add_column(sa.Column("missing", sa.Text, nullable=True))
        batch.add_column(sa.Column("reward_facts", sa.JSON, nullable=True))
        batch.add_column(sa.Column("reward_gates", sa.JSON, nullable=True))
    bind = op.get_bind()
    t = _rows(MOVED)
    for r in bind.execute(sa.select(t.c.snapshot_id, t.c.customer_id, t.c.components)).all():
        comp = dict(r.components or {})
        if not any(f"_{k}" in comp for k in MOVED):
            continue
        facts = comp.pop("_reward_facts", None)
        values = {"score_out_of": comp.pop("_score_out_of", None),
                  "missing": comp.pop("_missing", None),
                  "reward_facts": json.loads(facts) if isinstance(facts, str) else facts,
                  "reward_gates": comp.pop("_reward_gates", None)}
        bind.execute(t.update().where(_key(t, r)).values(components=comp, **values))


def downgrade() -> None:
    bind = op.get_bind()
    t = _rows(MOVED)
    for r in bind.execute(sa.select(t.c.snapshot_id, t.c.customer_id, t.c.components,
                                    *(t.c[c] for c in MOVED))).all():
        comp = dict(r.components or {})
        if r.score_out_of is not None:
            comp["_score_out_of"] = r.score_out_of
        if r.missing is not None:
            comp["_missing"] = r.missing
        if r.reward_facts is not None:
            comp["_reward_facts"] = json.dumps(r.reward_facts)
        if r.reward_gates is not None:
            comp["_reward_gates"] = r.reward_gates
        bind.execute(t.update().where(_key(t, r)).values(components=comp))
    with op.batch_alter_table("snapshot_customers") as batch:
        for c in reversed(MOVED):
            batch.drop_column(c)
