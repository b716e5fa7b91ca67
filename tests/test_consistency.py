"""Every command tells the same story: one synthetic provider, several commands, one truth.

A small synthetic provider (60 customers, 12 months) is imported once; each test asks two
or more commands the same question and checks they give the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest

from goodfit.money import cents
from goodfit.project import Project
from goodfit.synth import generate


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("consistency")
    p = Project.init(root / "p")
    generate(root / "data", customers=60, months=12, seed=7)
    p.import_directory(root / "data")
    yield p
    p.close()


def test_scorecard_total_profit_is_whatif_baseline_and_the_monthly_trends_sum(
        project: Project) -> None:
    card = project.scorecard().to_pyarrow().to_pylist()
    total = cents(sum((Decimal(str(r["profit"])) for r in card), Decimal(0)))
    w = project.whatif()
    assert w.fees == {}  # nothing asked for: nothing charged
    assert w.totals.profit == total == w.totals.new_profit
    # the per-customer monthly trends (computed from the rows, month by month) add up to
    # the same profit for every customer, so to the same total
    trend_total = Decimal(0)
    for r in card[:15]:
        b = project.customer(str(r["customer_id"]))
        months = b.monthly.to_pylist()
        mine = sum((Decimal(str(m["profit"])) for m in months), Decimal(0))
        assert cents(mine) == cents(Decimal(str(r["profit"]))), r["customer_id"]
        assert b.window == project.window()
        trend_total += Decimal(str(b.summary["profit"]))
    assert trend_total == sum((Decimal(str(r["profit"])) for r in card[:15]), Decimal(0))


_FEES = re.compile(r"fees(?: for the load it creates)? \(([\d,]+\.\d\d)\)")


def test_explains_fee_fix_is_what_whatif_charges_with_the_same_fees(project: Project) -> None:
    run = project.score()
    w = {c.customer_id: c for c in project.whatif(fee_model=True).customers}
    checked = 0
    for row in run.result.scores.to_dict("records"):
        m = _FEES.search(str(row["reason"]))
        if not m:
            continue
        named = Decimal(m.group(1).replace(",", ""))
        explained = run.explain(str(row["customer_id"]))
        assert m.group(0) in explained.reason
        assert sum(w[row["customer_id"]].fee_income.values(), Decimal(0)) == named, row
        checked += 1
    assert checked >= 1, "no customer's reason names a fee fix: the check proved nothing"


def test_as_of_a_date_ends_every_window_at_the_end_of_that_day(project: Project) -> None:
    end = datetime(2026, 7, 1)
    assert project.window(as_of="2026-06-30").until == end
    run = project.score(as_of="2026-06-30")
    assert (run.as_of, run.until) == (end, end)
    plan, _ = project.rewards_plan(as_of="2026-06-30", save=False)
    assert plan.as_of == end
    assert project.customer(str(run.scorecard["customer_id"].iloc[0]),
                            as_of="2026-06-30").window.until == end
