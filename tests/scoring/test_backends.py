"""Scoring runs unchanged on PostgreSQL: same flags, same scores as on DuckDB."""

from __future__ import annotations

import ibis

from goodfit.config import Config
from goodfit.scoring.score import score_customers
from tests.scoring.demo import demo_provider


def test_postgres_gives_the_same_flags_and_scores_as_duckdb(postgres_url: str) -> None:
    p = demo_provider()
    duck = score_customers(p.inputs(), Config())
    con = ibis.connect(postgres_url.replace("postgresql://", "postgres://", 1))
    try:
        pg = score_customers(p.inputs(p.warehouse(con)), Config())
    finally:
        con.disconnect()
    assert [(f.customer_id, f.code, f.evidence) for f in pg.flags] == \
        [(f.customer_id, f.code, f.evidence) for f in duck.flags]
    cols = ["customer_id", "score", "segment", "reason"]
    key = "customer_id"
    assert pg.scores[cols].sort_values(key).reset_index(drop=True).equals(
        duck.scores[cols].sort_values(key).reset_index(drop=True))
