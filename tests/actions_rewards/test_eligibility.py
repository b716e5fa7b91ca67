"""Eligibility by the [rewards] rules, worked out by hand (see conftest.reward_world)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from goodfit.actions import rewards
from goodfit.actions.rewards import months_between, winners_within_budget
from goodfit.project import Project
from goodfit.window import months_before
from tests.actions_rewards.conftest import AS_OF, reward_world


def _plan(project: Project, **settings: object) -> rewards.RewardPlan:
    for k, v in settings.items():
        setattr(project.config.rewards, k, v)
    plan, _ = project.rewards_plan(as_of=AS_OF, save=False)
    return plan


def test_only_customers_meeting_every_rule_are_eligible(world: Project) -> None:
    plan = _plan(world)
    assert [c.customer_id for c in plan.eligible] == ["C-EUR", "C-IDEAL", "C-IDEAL2"]
    assert plan.others == 1  # C-GONE: cancelled and a ticket
    assert plan.idle_source == "snapshot 1"  # the stored run's idle flags, never recomputed


def test_the_funnel_counts_who_passes_each_gate_and_all_before(world: Project) -> None:
    # 10 customers; each near-miss drops out at its own gate, C-GONE at "active"
    funnel = dict(_plan(world).funnel)
    assert funnel["enough_data"] == 10
    assert funnel["active"] == 9  # C-GONE
    assert funnel["tenure"] == 8  # C-NEW
    assert funnel["profitable"] == 8
    assert funnel["spend"] == 7  # C-CHEAP
    assert funnel["few_tickets"] == 6  # C-TICKET
    assert funnel["paid_on_time"] == 5  # C-LATE
    assert funnel["self_service"] == 4  # C-MANUAL
    assert funnel["not_idle"] == 3  # C-IDLE
    assert funnel["not_recent_winner"] == 3


def test_reward_segment_and_eligibility_are_the_same_rule(world: Project) -> None:
    run = world.scoring.run()  # the stored run the fixture scored
    rewarded = set(run.result.scores.query("segment == 'reward'")["customer_id"])
    assert rewarded == {"C-EUR", "C-IDEAL", "C-IDEAL2"}
    plan, _ = world.rewards_plan(save=False)
    assert set(plan.eligible_ids) == rewarded


def test_a_loss_maker_is_never_rewarded(tmp_path: Path) -> None:
    # otherwise ideal, but one ticket of 1,000 logged minutes (1,000 × 60 / 60 = 1,000 USD
    # of support) against 12 × 200 = 2,400 revenue: the ticket fits the revenue
    # (2 allowed) and profit stays positive; at 3,000 minutes (3,000 USD) it is a loss.
    p = reward_world()
    p.customer("C-BIG").monthly("C-BIG", "200").usage("C-BIG").order("C-BIG", "O-BIG")
    p.ticket("C-BIG", "T-BIG", minutes=3000.0)
    proj = p.project(tmp_path)
    try:
        plan, _ = proj.rewards_plan(as_of=AS_OF, save=False)
        big = next(c for c in plan.near_misses if c.customer_id == "C-BIG")
        assert [(r.rule, r.shortfall) for r in big.failed] == [
            ("profitable", "loses 600.00 USD")]
    finally:
        proj.close()


def test_near_misses_name_the_one_rule_and_by_how_much(world: Project) -> None:
    plan = _plan(world)
    missed = {c.customer_id: (c.failed[0].rule, c.failed[0].shortfall) for c in plan.near_misses}
    assert missed == {
        # 2024-03-15 → 2025-01-01 is 9 whole months; 12 needed
        "C-NEW": ("tenure", "3 months short"),
        # two tickets in 2024; the 2023 one is outside the window
        "C-TICKET": ("few_tickets", "2 tickets too many"),
        # 12 × 40 / 12 = 40 a month, 50 needed
        "C-CHEAP": ("spend", "10.00 USD/month short"),
        # June invoice due the 15th, paid the 20th
        "C-LATE": ("paid_on_time", "1 invoice(s) late, up to 5.0 days after due"),
        "C-MANUAL": ("self_service", "2 manual orders too many"),
        # 5 of 1000 GB = 0.5 % of the allowance, no tickets, no orders
        "C-IDLE": ("not_idle", "pays but uses nothing"),
    }


def test_spend_is_converted_and_averaged_over_the_months_present(world: Project) -> None:
    by_id = {c.customer_id: c for c in (*_plan(world).eligible, *_plan(world).near_misses)}
    assert by_id["C-EUR"].monthly_spend == Decimal("54.00")  # 50 EUR × 1.08
    assert by_id["C-NEW"].monthly_spend == Decimal("66.67")  # 600 / 9
    assert by_id["C-IDEAL"].reward == Decimal("60.00")  # a free month


def test_grace_days_forgive_a_short_delay(world: Project) -> None:
    plan = _plan(world, grace_days=5)
    assert "C-LATE" in [c.customer_id for c in plan.eligible]
    plan = _plan(world, grace_days=4)
    assert "C-LATE" not in [c.customer_id for c in plan.eligible]


def test_thresholds_come_from_config(world: Project) -> None:
    plan = _plan(world, min_monthly_spend=Decimal("40"), max_tickets=2, min_tenure_months=9)
    ids = [c.customer_id for c in plan.eligible]
    assert {"C-CHEAP", "C-TICKET", "C-NEW"} <= set(ids)


def test_idle_comes_from_the_stored_run_not_a_table_anyone_may_rewrite(world: Project) -> None:
    """The first release read the warehouse ``flags`` table, which any read command could
    rewrite; the plan now reads the stored run's ``idle`` flags."""
    world.warehouse.write_table("flags", pa.table({
        "customer_id": ["C-IDEAL"], "code": ["idle"], "severity": ["info"], "detail": ["x"],
        "evidence": ["[]"]}))
    plan, _ = world.rewards_plan(as_of=AS_OF, save=False)
    assert plan.idle_source == "snapshot 1"
    ids = [c.customer_id for c in plan.eligible]
    assert "C-IDEAL" in ids and "C-IDLE" not in ids


def test_a_customer_without_usage_rows_is_not_called_idle(tmp_path: Path) -> None:
    p = reward_world()
    p.customer("C-NOUSE").monthly("C-NOUSE")
    proj = p.project(tmp_path)
    try:
        plan, _ = proj.rewards_plan(as_of=AS_OF, save=False)
        assert "C-NOUSE" in [c.customer_id for c in plan.eligible]
    finally:
        proj.close()


def test_billing_contact_is_preferred_for_the_address(tmp_path: Path) -> None:
    p = reward_world()
    p.add("contacts", contact_id="P-1", customer_id="C-IDEAL", name="Ada",
          email="ada@c-ideal.example", role="billing")
    proj = p.project(tmp_path)
    try:
        plan, _ = proj.rewards_plan(as_of=AS_OF, save=False)
        by_id = {c.customer_id: c for c in plan.eligible}
        assert by_id["C-IDEAL"].email == "ada@c-ideal.example"
        assert by_id["C-IDEAL2"].email == "billing@c-ideal2.example"
    finally:
        proj.close()


def test_a_budget_lowers_the_winners_until_any_draw_fits(world: Project) -> None:
    # rewards 60, 60, 54: three cost up to 174, two up to 120
    plan = _plan(world, budget=Decimal("120"))
    assert plan.winners == 2
    assert any("budget" in n for n in plan.notes)
    assert _plan(world, budget=Decimal("119.99")).winners == 1
    assert _plan(world, budget=Decimal("0")).winners == 3


def test_winners_within_budget_by_hand() -> None:
    r = [Decimal("10"), Decimal("30"), Decimal("20")]
    assert winners_within_budget(r, 3, Decimal("60")) == 3
    assert winners_within_budget(r, 3, Decimal("59")) == 2  # 30 + 20 = 50
    assert winners_within_budget(r, 3, Decimal("29")) == 0
    assert winners_within_budget(r, 5, Decimal("0")) == 3


def test_whole_calendar_months() -> None:
    from datetime import datetime as dt

    assert months_between(dt(2024, 1, 31), dt(2024, 2, 29)) == 0
    assert months_between(dt(2024, 1, 31), dt(2024, 3, 1)) == 1
    assert months_between(dt(2022, 6, 1, 10), dt(2025, 1, 1)) == 30
    assert months_before(dt(2024, 3, 31), 1) == dt(2024, 2, 29)


def test_the_same_plan_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    proj = reward_world().project(tmp_path, warehouse_url=postgres_url)
    try:
        plan, _ = proj.rewards_plan(as_of=AS_OF, save=False)
        assert [c.customer_id for c in plan.eligible] == ["C-EUR", "C-IDEAL", "C-IDEAL2"]
        assert {c.customer_id: c.failed[0].rule for c in plan.near_misses} == {
            "C-NEW": "tenure", "C-TICKET": "few_tickets", "C-CHEAP": "spend",
            "C-LATE": "paid_on_time", "C-MANUAL": "self_service", "C-IDLE": "not_idle"}
        assert [c.monthly_spend for c in plan.eligible] == [
            Decimal("54.00"), Decimal("60.00"), Decimal("60.00")]
        r = proj.whatif(as_of=AS_OF, fees={"manual_order": Decimal("7")})
        by = {c.customer_id: c for c in r.customers}
        assert by["C-MANUAL"].fee_income["manual_order"] == Decimal("14.00")  # 2 × 7
    finally:
        proj.close()
