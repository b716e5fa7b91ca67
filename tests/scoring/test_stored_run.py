"""A stored run read back whole (what report, risk and the plans read), and money read
from the warehouse as exact Decimals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pytest

from goodfit.config import Config
from goodfit.scoring.history import save_snapshot
from goodfit.scoring.inputs import frame
from goodfit.scoring.score import score_customers
from goodfit.scoring.stored import load_run
from goodfit.state.db import StateDB
from tests.scoring.builders import SINCE, UNTIL, Provider

D = datetime(2025, 3, 3, 9, 0)  # inside the builders' window


@pytest.fixture()
def state(tmp_path: Path) -> Iterator[StateDB]:
    db = StateDB.open(f"sqlite:///{tmp_path / 'state.db'}")
    yield db
    db.close()


def no_lookup(table: str, key: str, ids: list[str], columns: list[str]) -> list[dict[str, Any]]:
    return []


def test_money_comes_back_as_the_exact_decimals_of_its_column() -> None:
    con = ibis.duckdb.connect()
    con.raw_sql("CREATE TABLE t (id VARCHAR, amount DECIMAL(18, 2), rate DECIMAL(10, 4))")
    con.raw_sql("INSERT INTO t VALUES ('a', 12.5, 0.1), ('b', 0, NULL), ('c', -3.1, 2),"
                " ('d', NULL, 1.23456)")
    t = con.table("t")
    got = frame(t.order_by("id"))
    # the column's scale is kept: 12.5 in DECIMAL(18, 2) is 12.50, not 12.5
    assert [repr(x) for x in got["amount"]] == [
        "Decimal('12.50')", "Decimal('0.00')", "Decimal('-3.10')", "None"]
    assert [None if x is None else str(x) for x in got["rate"]] == [
        "0.1000", None, "2.0000", "1.2346"]  # DuckDB rounds 1.23456 to 4 places on insert
    assert list(got.columns) == ["id", "amount", "rate"]
    # the same values, of the same types, as Ibis's own conversion
    ibis_own = t.order_by("id").to_pandas()
    for col in ("amount", "rate"):
        assert [repr(x) for x in got[col]] == [repr(x) for x in ibis_own[col]]
    assert Decimal("12.50") == got["amount"][0]


def test_a_stored_run_reads_back_the_scores_flags_and_scorecard_it_stored(
        state: StateDB) -> None:
    cfg = Config()
    p = Provider().customer("calm", tenure_months=30).customer("rude", tenure_months=30)
    t = p.ticket("rude", D)
    for i in range(2):
        p.tone_row(p.message(t, D + timedelta(minutes=i), body="you idiots"),
                   spans=[("insult", 4, 10, "idiots")])
    inp = p.inputs()
    res = score_customers(inp, cfg)
    card = frame(inp.scorecard)
    info = save_snapshot(state, card, res, config_hash=cfg.hash(), as_of=UNTIL, since=SINCE,
                         until=UNTIL, label="x")
    run = load_run(state, lambda window: inp, no_lookup, info.id)
    assert run.snapshot is not None and run.snapshot.id == info.id
    scores = run.result.scores.set_index("customer_id")
    assert sorted(scores.index) == ["calm", "rude"]
    assert scores.loc["rude", "segment"] == "part_ways"  # two insults: part ways
    assert scores.loc["calm", "flag_codes"] == ""
    assert scores.loc["rude", "flag_codes"] == "abusive_language"
    assert (scores["as_of"] == UNTIL).all() and (scores["since"] == SINCE).all()
    assert [(f.customer_id, f.code) for f in run.result.flags] == [("rude", "abusive_language")]
    assert run.result.flags[0].evidence[0].quote == "idiots"
    # the scorecard as computed: money exact, one row per customer, the same columns
    assert list(run.scorecard.columns) == list(card.columns)
    got = run.scorecard.set_index("customer_id")
    assert got.loc["rude", "revenue"] == Decimal("1200.0000")
    assert str(got.loc["rude", "revenue"]) == "1200.0000"
    # and every other figure as it was computed (a round trip through the snapshot's text)
    want = card.set_index("customer_id")
    for cid in ("calm", "rude"):
        for col in want.columns:
            a, b = got.loc[cid, col], want.loc[cid, col]
            assert a == b or (a != a and b != b) or (a is None and b is None), (cid, col, a, b)
