"""Scoring runs unchanged on PostgreSQL: same flags, same scores as on DuckDB."""

from __future__ import annotations

from decimal import Decimal

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


def test_money_read_as_text_is_ibis_own_decimal_on_postgres(postgres_url: str) -> None:
    """goodfit.scoring.inputs.frame reads decimal columns as text and rebuilds the
    Decimals itself (fast at 100k customers). On PostgreSQL a plain ``numeric`` column has
    no fixed scale: the rebuilt value must still be Ibis's own, digit for digit and with
    the same exponent, for every kind of value."""
    import sqlalchemy as sa

    from goodfit.scoring.inputs import frame

    values = ["12.50", "0.1", "-7", "0", "0.000000000000000000001", "1000000",
              "123456789012345678901234.5678", "-0.05", "19.990", None]
    engine = sa.create_engine(postgres_url)
    with engine.begin() as c:
        c.execute(sa.text("CREATE TABLE money (id int, loose numeric, fixed numeric(14, 2))"))
        for i, v in enumerate(values):
            fixed = None if v is None or abs(float(v)) >= 1e12 else v
            c.execute(sa.text("INSERT INTO money VALUES (:i, CAST(:v AS numeric), "
                              "CAST(:f AS numeric(14, 2)))"), {"i": i, "v": v, "f": fixed})
    engine.dispose()
    con = ibis.connect(postgres_url.replace("postgresql://", "postgres://", 1))
    try:
        t = con.table("money").order_by("id")
        assert t.schema()["loose"].scale is None  # the case the text path must rebuild
        mine, ibis_own = frame(t), t.to_pandas()
    finally:
        con.disconnect()
    def digits(v: object) -> tuple[str, object] | None:
        return None if v is None or v != v else (str(v), v.as_tuple())  # type: ignore[attr-defined]

    # Ibis's own reading of a plain numeric goes through a float: exact up to 15
    # significant digits (any real amount of money), not beyond. There the text path
    # must agree with it exactly; everywhere it must be the stored value, every digit.
    for col in ("loose", "fixed"):
        for v, got, want in zip(values, mine[col], ibis_own[col], strict=True):
            if v is not None and len(Decimal(v).normalize().as_tuple().digits) <= 15:
                assert digits(got) == digits(want), (col, v)
    stored = [None if v is None else Decimal(v).normalize() for v in values]
    assert [digits(v) for v in mine["loose"]] == [digits(v) for v in stored]
    assert digits(ibis_own["loose"][6]) != digits(stored[6])  # Ibis's float, 17 digits
