"""goodfit compare --period quarter, worked by hand on the small reward provider.

As of 2025-01-01 00:00 (a quarter's first moment) "this" is Q4 2024 whole: 2024-10-01 to
2025-01-01 (92 days); "last" is the 92 days from 2024-07-01; "year ago" the 92 days from
2023-10-01. C-IDEAL pays 60 a month through 2024 and costs nothing to serve (usage within
its allowance, one self-service order in March), C-CHEAP pays 40 a month.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.scoring.compare import periods
from tests.actions_rewards.conftest import reward_world


def test_quarter_windows() -> None:
    w = periods(datetime(2025, 1, 1))
    assert (w["this"].since, w["this"].until) == (datetime(2024, 10, 1), datetime(2025, 1, 1))
    assert (w["last"].since, w["last"].until) == (datetime(2024, 7, 1), datetime(2024, 10, 1))
    assert w["year_ago"].since == datetime(2023, 10, 1)
    # a quarter in progress is compared over the same number of days: 45 (31 + 14)
    w = periods(datetime(2025, 2, 15))
    assert (w["this"].since, w["last"].since, w["last"].until) == (
        datetime(2025, 1, 1), datetime(2024, 10, 1), datetime(2024, 11, 15))


def test_compare_per_customer_and_in_total(tmp_path: Path) -> None:
    proj = reward_world().project(tmp_path)
    root = proj.root
    proj.close()
    out = CliRunner().invoke(app, ["compare", "--period", "quarter", "--as-of", "2024-12-31",
                                   "--project", str(root), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    last = {c["customer_id"]: c for c in data["last"]}
    year = {c["customer_id"]: c for c in data["year_ago"]}
    # 3 × 60 = 180 in Q4 and in Q3 2024; nothing in Q4 2023
    assert last["C-IDEAL"]["profit_change"] == 0.0
    assert year["C-IDEAL"]["profit_change"] == 180.0
    assert year["C-CHEAP"]["profit_change"] == 120.0  # 3 × 40
    # biggest movers first
    changes = [abs(c["profit_change"]) for c in data["year_ago"]]
    assert changes == sorted(changes, reverse=True)
    assert data["totals"]["year_ago"]["profit"] <= data["totals"]["this"]["profit"]
