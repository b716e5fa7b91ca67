"""SIGKILL at random moments of ``score`` (its snapshot) and of a reward draw, with the
state DB on SQLite and on PostgreSQL: every snapshot and draw is whole (exactly before or
after), the audit log verifies, no orphan tables, and running again completes.

GOODFIT_KILL_TRIALS kills per case (default 5; the full run uses 100:
``GOODFIT_KILL_TRIALS=100 pytest -m slow tests/actions_rewards/test_kill_score_draw.py``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goodfit.actions.users import add_user
from goodfit.project import Project
from tests.maintenance.conftest import REPO, env

TRIALS = int(os.environ.get("GOODFIT_KILL_TRIALS", "5"))


@pytest.fixture(params=["sqlite", "postgres"])
def root(request: pytest.FixtureRequest, world: Project) -> Path:
    world.close()
    cfg = world.root / "goodfit.toml"  # every draw may pick last draw's winners again
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        "exclude_recent_winners_months = 12", "exclude_recent_winners_months = 0", 1),
        encoding="utf-8")
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        text = cfg.read_text(encoding="utf-8")
        assert 'url = "sqlite:///state.db"' in text
        cfg.write_text(text.replace('url = "sqlite:///state.db"', f'url = "{url}"', 1),
                       encoding="utf-8")
    with Project.open(world.root) as p:
        add_user(p.state, "alice", "owner")
        p.scoring.score()  # a draw plans from the stored scoring run
    return world.root


def _run(root: Path, what: str, kill_after: float | None) -> bool:
    """Run the child; kill it after ``kill_after`` s. True if it finished first."""
    done = root / f"{what}.done"
    done.unlink(missing_ok=True)
    child = subprocess.Popen([sys.executable, "-m", "tests.maintenance.kill_child", str(root),
                              what], cwd=REPO, env=env(), stderr=subprocess.PIPE, text=True)
    if kill_after is None:
        _, err = child.communicate(timeout=600)
        assert child.returncode == 0, err
        return True
    deadline = time.monotonic() + kill_after
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.01)
    child.kill()
    child.communicate()
    return done.exists()


def _check_whole(root: Path) -> tuple[int, dict[str, int]]:
    """(snapshots, draws per state) after checking each is whole and nothing is left over."""
    with Project.open(root) as p:
        assert p.audit.verify().ok
        snaps = p.scoring.snapshots()
        for s in snaps:  # every stored snapshot has all of its customers
            run = p.scoring.run(s.id)
            assert len(run.result.scores) == s.customers, s
        assert p.warehouse.orphans() == []
        if p.warehouse.has_table("fit_scores"):
            n = p.warehouse.row_count("fit_scores")
            assert n == (snaps[-1].customers if snaps else n)
        states: dict[str, int] = {}
        for d in p.rewards.draws():
            states[d.state] = states.get(d.state, 0) + 1
            if d.state in ("committed", "drawn"):
                assert d.list_sha256 and d.seed_sha256, d
            if d.state == "drawn":
                assert len(d.winners) == d.winners_wanted, d
        return len(snaps), states


@pytest.mark.slow
@pytest.mark.parametrize("what", ["score", "draw"])
def test_sigkill_leaves_before_or_after_and_a_rerun_completes(root: Path, what: str) -> None:
    started = time.monotonic()
    _run(root, what, None)  # one undisturbed run: how long a run takes here
    took = time.monotonic() - started
    rng = random.Random(f"{what}-{TRIALS}")
    for trial in range(TRIALS):
        if trial and trial % 10 == 0:  # a long run's log shows how far it got (pytest -s)
            print(json.dumps({"what": what, "trials_done": trial}), flush=True)
        before = _check_whole(root)
        finished = _run(root, what, rng.uniform(0.2, 1.0) * took)
        after = _check_whole(root)
        if what == "score":  # one more snapshot, or none (never a partial one)
            assert after[0] in (before[0], before[0] + 1)
            if finished:
                assert after[0] == before[0] + 1
        else:  # at most one draw more, and at most one not yet drawn
            assert sum(after[1].values()) in (sum(before[1].values()),
                                              sum(before[1].values()) + 1)
            assert sum(n for state, n in after[1].items() if state != "drawn") <= 1
    _run(root, what, None)  # and a rerun after all those kills completes
    final = _check_whole(root)
    if what == "draw":
        assert final[1].get("drawn", 0) >= 2
    print(json.dumps({"what": what, "trials": TRIALS, "seconds_per_run": round(took, 1)}))
