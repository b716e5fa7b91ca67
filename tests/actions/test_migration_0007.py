"""The 0007 state migration: reward facts and coverage move from `_` keys of a snapshot
row's components JSON into columns, and back on downgrade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from goodfit.scoring.stored import load_explanation
from goodfit.state.db import StateDB

TS = "2026-01-30 09:00:00.000000"
FACTS = {"customer_id": "C-1", "tickets": 3, "profit": "12.50"}  # as the old JSON text held
GATES = [{"rule": "tenure", "passed": False, "value": "4 months", "required": ">= 12 months",
          "shortfall": "8 months short"}]
OLD = {"profitability": 20.0, "support_load": None, "behaviour": 25.0, "tenure": 3.0,
       "payment_reliability": None, "_score_out_of": 65.0,
       "_missing": "no payment data (payments)", "_reward_facts": json.dumps(FACTS),
       "_reward_gates": GATES}


def _legacy(db: StateDB) -> None:
    """A snapshot as goodfit wrote it before 0007."""
    with db.engine.begin() as con:
        con.execute(text(
            "INSERT INTO score_snapshots (id, created_at, label, config_hash, as_of, since, "
            "until, customers, segments) VALUES (1, :t, NULL, 'abc', :t, :t, :t, 2, :s)"),
            {"t": TS, "s": json.dumps({"healthy": 2})})
        for cid, comp in (("C-1", OLD), ("C-2", {"behaviour": 25.0})):  # C-2: no extras
            con.execute(text(
                "INSERT INTO snapshot_customers (snapshot_id, customer_id, name, score, segment, "
                "reason, components, scorecard) VALUES (1, :c, :c, 48.0, 'healthy', 'ok', :j, "
                "'{}')"), {"c": cid, "j": json.dumps(comp)})


def _j(value: Any) -> Any:
    """A JSON column's value: SQLite gives the text, PostgreSQL the parsed value."""
    return json.loads(value) if isinstance(value, str) else value


def _rows(db: StateDB) -> dict[str, dict[str, object]]:
    with db.engine.begin() as con:
        return {r["customer_id"]: dict(r) for r in con.execute(text(
            "SELECT * FROM snapshot_customers ORDER BY customer_id")).mappings()}


def test_0007_moves_reward_facts_to_columns_and_back(state_url: str, tmp_path: Path) -> None:
    db = StateDB.open(state_url, migrate=False)
    try:
        _migrate_and_back(db)
    finally:
        db.close()


def _migrate_and_back(db: StateDB) -> None:
    db.upgrade("0006_web_user_passwords")
    _legacy(db)
    db.upgrade()
    rows = _rows(db)
    c1 = rows["C-1"]
    assert _j(c1["components"]) == {
        "profitability": 20.0, "support_load": None, "behaviour": 25.0, "tenure": 3.0,
        "payment_reliability": None}  # the fit components alone
    assert c1["score_out_of"] == 65.0
    assert c1["missing"] == "no payment data (payments)"
    assert _j(c1["reward_facts"]) == FACTS  # an object now, not a JSON text
    assert _j(c1["reward_gates"]) == GATES
    c2 = rows["C-2"]
    assert (c2["score_out_of"], c2["missing"], c2["reward_facts"], c2["reward_gates"]) == (
        None, None, None, None)
    # explain reads the columns
    e = load_explanation(db, {}, "C-1")
    assert (e.score_out_of, e.missing) == (65.0, "no payment data (payments)")
    assert [(g.rule, g.shortfall) for g in e.reward_gates] == [("tenure", "8 months short")]

    db.downgrade("0006_web_user_passwords")
    cols = {c["name"] for c in inspect(db.engine).get_columns("snapshot_customers")}
    assert not cols & {"score_out_of", "missing", "reward_facts", "reward_gates"}
    rows = _rows(db)
    back = _j(rows["C-1"]["components"])
    assert {k: v for k, v in back.items() if k != "_reward_facts"} == {
        k: v for k, v in OLD.items() if k != "_reward_facts"}
    assert json.loads(back["_reward_facts"]) == FACTS  # a JSON text again, as before
    assert _j(rows["C-2"]["components"]) == {"behaviour": 25.0}
    db.upgrade()  # and forward again
    assert _rows(db)["C-1"]["score_out_of"] == 65.0
