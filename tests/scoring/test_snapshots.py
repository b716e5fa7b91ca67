"""Snapshots land in the state DB (migrated by Alembic); a diff says who moved and why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from goodfit.config import Config
from goodfit.errors import UnknownSnapshot
from goodfit.scoring.history import diff_snapshots, list_snapshots, save_snapshot, snapshot_rows
from goodfit.scoring.inputs import frame
from goodfit.scoring.score import score_customers
from goodfit.state.db import StateDB
from tests.scoring.builders import SINCE, UNTIL, Provider

D = datetime(2025, 3, 3, 9, 0)


def snap(state: StateDB, p: Provider, cfg: Config, label: str) -> int:
    inp = p.inputs()
    res = score_customers(inp, cfg)
    info = save_snapshot(state, frame(inp.scorecard), res, config_hash=cfg.hash(),
                         as_of=UNTIL, since=SINCE, until=UNTIL, label=label)
    return info.id


@pytest.fixture(params=["sqlite", "postgres"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateDB]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    db = StateDB.open(url)
    yield db
    db.close()


def test_snapshot_round_trip_and_diff(state: StateDB) -> None:
    cfg = Config()
    p = Provider().customer("calm", tenure_months=30).customer("rude", tenure_months=30)
    a = snap(state, p, cfg, "before")
    t = p.ticket("rude", D)
    for i in range(2):
        p.tone_row(p.message(t, D + timedelta(minutes=i), body="you idiots"),
                   spans=[("insult", 4, 10, "idiots")])
    b = snap(state, p, cfg, "after")
    listed = list_snapshots(state)
    assert [s.label for s in listed] == ["before", "after"]
    assert listed[0].segments == {"reward": 2}
    assert listed[1].segments == {"reward": 1, "part_ways": 1}
    assert listed[1].config_hash == cfg.hash()
    assert (listed[1].since, listed[1].until) == (SINCE, UNTIL)
    info, rows, flags = snapshot_rows(state, b)
    assert {r["customer_id"] for r in rows} == {"calm", "rude"}
    rude = next(r for r in rows if r["customer_id"] == "rude")
    assert rude["scorecard"]["revenue"] == "1200.0000"  # money kept exact, as text
    assert [f["code"] for f in flags] == ["abusive_language"]
    assert flags[0]["evidence"][0]["quote"] == "idiots"
    d = diff_snapshots(state, a, b)
    assert not d.config_changed
    assert [(m.customer_id, m.segment_a, m.segment_b) for m in d.moves] == [
        ("rude", "reward", "part_ways")]
    assert d.moves[0].flags_added == ("abusive_language",)
    assert "new flags: abusive_language" in d.moves[0].why


def test_unknown_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    state = StateDB.open(f"sqlite:///{tmp_path / 'state.db'}")
    with pytest.raises(UnknownSnapshot, match="No snapshot 7"):
        diff_snapshots(state, 7, 8)
    state.close()


def test_migration_downgrades_cleanly(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    state = StateDB.open(f"sqlite:///{tmp_path / 'state.db'}")
    assert "score_snapshots" in inspect(state.engine).get_table_names()
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from goodfit.state.db import MIGRATIONS

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with state.engine.begin() as con:
        cfg.attributes["connection"] = con
        command.downgrade(cfg, "0000_base")
    assert "score_snapshots" not in inspect(state.engine).get_table_names()
    state.close()
