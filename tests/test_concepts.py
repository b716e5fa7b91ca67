"""Each shared concept is defined once: small providers worked out by hand.

Every test builds a few rows, works the expected figure out in its comments and checks
that every part of goodfit that uses the concept gives that same figure.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import ibis
import pytest

from goodfit.actions.whatif import evaluate, parse_price, whatif
from goodfit.config import Config, FeeSettings, SegmentSettings, load_config
from goodfit.errors import ConfigError, UnknownCustomer
from goodfit.metrics.common import require_customer
from goodfit.metrics.concentration import concentration
from goodfit.metrics.fees import FeeBasis, customer_fees
from goodfit.metrics.orders import is_manual_channel, order_counts
from goodfit.metrics.scorecard import scorecard
from goodfit.report.data import concentration as report_concentration
from goodfit.scoring.flags import compute_flags
from goodfit.scoring.inputs import ScoringInputs
from goodfit.scoring.reward_rule import gates, reward_facts
from goodfit.scoring.segments import Load, fee_revenue, segment
from goodfit.window import Window, whole_months
from tests.metrics.builders import provider
from tests.metrics.conftest import load

# -- manual order ------------------------------------------------------------------------


def _orders_world() -> dict[str, ibis.Table]:
    # One customer, four orders in March 2024, no logged handling minutes:
    #   api → the customer's own automation, self-service: no staff time, no fee
    #   email → manual: 15 minutes × 60/h = 15.00 order handling
    #   self_service → self-service
    #   no channel → nothing says staff placed it: self-service
    p = (provider().customer("a", signup_at="2023-01-01")
         .invoice("100", "2024-03-01")
         .order("2024-03-01 10:00", "api").order("2024-03-02 10:00", "email")
         .order("2024-03-03 10:00", "self_service").order("2024-03-04 10:00", None))
    return load(ibis.duckdb.connect(), p)


WINDOW = Window(as_of=datetime(2024, 7, 1), since=datetime(2024, 1, 1),
                until=datetime(2024, 7, 1))


def test_api_orders_are_self_service_for_cost_counts_whatif_and_rewards() -> None:
    tables, config = _orders_world(), Config()
    card = scorecard(tables, config, WINDOW).to_pyarrow().to_pylist()[0]
    assert card["order_handling_cost"] == Decimal("15.00")  # the e-mail order only
    counts = order_counts(tables, config, WINDOW).to_pyarrow().to_pylist()
    assert counts == [{"customer_id": "a", "manual_orders": 1, "custom_orders": 0}]
    # a manual_order fee of 7 is charged once (7.00), not on the API order as well (14.00)
    r = whatif(scorecard(tables, config, WINDOW), tables["orders"], tables["services"],
               {"manual_order": Decimal("7")}, since=WINDOW.since, until=WINDOW.until,
               self_service=config.costs.self_service_channels,
               included_support_hours_per_month=1.0)
    assert r.customers[0].fee_income == {"manual_order": Decimal("7.00")}
    # rewards (the one reward rule's facts): the e-mail order is the only manual one,
    # so the self_service gate misses by exactly 1 order
    facts = reward_facts(tables, [card], {}, {}, config, as_of=WINDOW.as_of,
                         since=WINDOW.since, until=WINDOW.until)
    assert facts["a"].manual_orders == 1
    (self_service,) = [g for g in gates(facts["a"], config.rewards, "USD")
                       if g.rule == "self_service"]
    assert not self_service.passed and self_service.shortfall == "1 manual order too many"


def test_the_predicate_itself() -> None:
    channels = Config().costs.self_service_channels
    assert channels == ["self_service", "api"]
    assert [is_manual_channel(c, channels) for c in
            ("api", "self_service", "email", "phone", "chat", None)] == [
        False, False, True, True, True, False]


def test_the_old_flag_key_for_self_service_channels_names_its_new_place(tmp_path: Path) -> None:
    cfg = tmp_path / "goodfit.toml"
    # the old default, as older files hold it: loads, the new key has the same value
    cfg.write_text('[flags.manual_orders]\nself_service_channels = ["self_service", "api"]\n',
                   encoding="utf-8")
    assert load_config(cfg).costs.self_service_channels == ["self_service", "api"]
    # a choice made under the old key must be moved, not silently dropped
    cfg.write_text('[flags.manual_orders]\nself_service_channels = ["self_service"]\n',
                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[costs\] self_service_channels"):
        load_config(cfg)
    cfg.write_text('[costs]\nself_service_channels = ["self_service"]\n', encoding="utf-8")
    assert load_config(cfg).costs.self_service_channels == ["self_service"]


# -- one fee model -------------------------------------------------------------------------


def test_segments_and_whatif_charge_the_same_fees_for_the_same_load() -> None:
    # March–May 2024 (3 months in the window): 2 manual orders, 1 custom order, 5 hours of
    # logged support, 10.00 of usage beyond allowance, 4.00 of licences. [fees] defaults:
    #   manual_order 2 × 15 = 30; custom_setup 1 × 60 = 60;
    #   support_hour (5 h − 1 h/month × 3 months) × 60 = 120; usage 10 × 1.5 = 15;
    #   direct_costs 4 × 1 = 4  → 229.00
    basis = FeeBasis(manual_orders=2, custom_orders=1, support_minutes=Decimal(300),
                     months=Decimal(3), usage_cost=Decimal(10), direct_cost=Decimal(4))
    fees = FeeSettings()
    assert customer_fees(basis, fees.amounts(), fees.included_support_hours_per_month) == {
        "manual_order": Decimal("30.00"), "custom_setup": Decimal("60.00"),
        "support_hour": Decimal("120.00"), "usage": Decimal("15.00"),
        "direct_costs": Decimal("4.00")}
    load = Load(revenue=100, profit=-50, support_cost=300, support_minutes=300, months=3,
                manual_orders=2, custom_orders=1, usage_cost=10, order_cost=90,
                answerable_share=0, direct_cost=4, basis=basis)
    assert fee_revenue(load, fees) == 229.0
    seg, reason = segment(load, [], SegmentSettings(), fees=fees)
    # (−50 + 229) / (100 + 229) = 54 % ≥ the 10 % target
    assert (seg, reason) == ("reprice", "margin -50%; fees for the load it creates (229.00) "
                                        "would bring margin to 54%")


def test_a_price_change_alone_adds_no_fee(tmp_path: Path) -> None:
    tables, config = _orders_world(), Config()
    r = evaluate(tables, config, WINDOW, prices=[parse_price("web-1=+10%")])
    assert r.fees == {} and r.customers[0].fee_income == {}
    r = evaluate(tables, config, WINDOW, fee_model=True)
    # the one e-mail order × 15 (the [fees] manual_order), nothing else in this world
    assert sum(r.customers[0].fee_income.values()) == Decimal("15.00")


def test_old_fee_keys_load_at_their_old_default_and_name_fees_otherwise(tmp_path: Path) -> None:
    cfg = tmp_path / "goodfit.toml"
    cfg.write_text("[segments]\nmanual_order_fee = 15\nusage_markup = 1.5\n[whatif]\n"
                   "fees = { manual_order = 7, support_hour = 100, custom_setup = 50 }\n",
                   encoding="utf-8")
    assert load_config(cfg).fees.manual_order == Decimal("15")
    cfg.write_text("[segments]\nmanual_order_fee = 20\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[fees\] manual_order"):
        load_config(cfg)
    cfg.write_text("[whatif]\nfees = { manual_order = 9 }\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[fees\]"):
        load_config(cfg)


# -- one window convention -----------------------------------------------------------------


def test_scoring_and_metrics_share_the_half_open_window() -> None:
    # tickets at since (in), just before until (in) and at until (out: the next window's)
    p = (provider().customer("a", signup_at="2023-01-01")
         .ticket("2024-01-01 00:00").ticket("2024-06-30 23:59:59").ticket("2024-07-01 00:00"))
    tables = load(ibis.duckdb.connect(), p)
    card = scorecard(tables, Config(), WINDOW)
    assert card.to_pyarrow().to_pylist()[0]["tickets"] == 2
    inp = ScoringInputs(tables=tables, scorecard=card, since=WINDOW.since, until=WINDOW.until)
    assert inp.in_window("tickets", "opened_at").count().to_pyarrow().as_py() == 2
    assert inp.tickets().count().to_pyarrow().as_py() == 2


def test_as_of_a_date_means_the_end_of_that_day_for_every_resolver() -> None:
    w = Window.resolve({}, as_of="2026-06-30")
    assert (w.as_of, w.until, w.since) == (datetime(2026, 7, 1), datetime(2026, 7, 1),
                                           datetime(2025, 7, 1))
    r = Window.resolve({}, as_of="2026-06-30", months=6)  # rewards / education windows
    assert (r.until, r.since) == (datetime(2026, 7, 1), datetime(2026, 1, 1))


# -- tenure --------------------------------------------------------------------------------


def test_whole_months_count_the_time_of_day() -> None:
    end = datetime(2026, 7, 1)
    assert whole_months(datetime(2024, 7, 1, 10, 0), end) == 23  # 10:00 not yet reached
    assert whole_months(datetime(2024, 7, 1, 0, 0), end) == 24
    assert whole_months(datetime(2024, 6, 30, 23, 59), end) == 24
    assert whole_months(datetime(2024, 1, 31), datetime(2024, 2, 29)) == 0
    assert whole_months(datetime(2024, 1, 31), datetime(2024, 3, 1)) == 1
    assert whole_months(datetime(2027, 1, 1), end) == 0  # signed up later


def test_scorecard_and_rewards_tenure_agree_at_the_boundary() -> None:
    # as of 2026-07-01 00:00: signed up 2024-07-01 10:00 → 23 months; at 00:00 → 24;
    # 2024-07-02 → 23 (the 2nd not reached)
    p = (provider().customer("late", signup_at="2024-07-01 10:00")
         .customer("midnight", signup_at="2024-07-01 00:00")
         .customer("next_day", signup_at="2024-07-02 00:00"))
    tables = load(ibis.duckdb.connect(), p)
    w = Window(as_of=datetime(2026, 7, 1), since=datetime(2025, 7, 1),
               until=datetime(2026, 7, 1))
    card = {r["customer_id"]: r["tenure_months"]
            for r in scorecard(tables, Config(), w).to_pyarrow().to_pylist()}
    assert card == {"late": 23, "midnight": 24, "next_day": 23}
    rows = scorecard(tables, Config(), w).to_pyarrow().to_pylist()
    facts = reward_facts(tables, rows, {}, {}, Config(), as_of=w.as_of, since=w.since,
                         until=w.until)
    assert {cid: f.tenure_months for cid, f in facts.items()} == card


# -- load concentration --------------------------------------------------------------------


def test_heavy_load_concentration_and_report_name_the_same_top_set() -> None:
    # support minutes 500, 300, 100, 50, 50 (total 1000): 500 + 300 = 80 % → {a, b}
    p = provider()
    for cid, minutes in (("a", 500), ("b", 300), ("c", 100), ("d", 50), ("e", 50)):
        p.customer(cid, signup_at="2023-01-01").ticket("2024-03-01", staff_minutes=minutes)
    tables = load(ibis.duckdb.connect(), p)
    card = scorecard(tables, Config(), WINDOW)
    conc = concentration(card, "minutes")
    assert [(t.load_share, t.customers) for t in conc.top] == [(0.5, 1), (0.8, 2), (0.9, 3)]
    inp = ScoringInputs(tables=tables, scorecard=card, since=WINDOW.since, until=WINDOW.until)
    config = Config()
    flagged = {f.customer_id for f in compute_flags(inp, config) if f.code == "heavy_load"}
    assert flagged == {"a", "b"}
    _, sets = report_concentration(card.to_pandas(), config.flags.heavy_load.load)
    assert [(s["share"], s["customers"]) for s in sets] == [(0.5, 1), (0.8, 2), (0.9, 3)]


def test_heavy_load_speaks_the_concentration_vocabulary(tmp_path: Path) -> None:
    cfg = tmp_path / "goodfit.toml"
    cfg.write_text('[flags.heavy_load]\nload = "support_minutes"\n', encoding="utf-8")
    assert load_config(cfg).flags.heavy_load.load == "minutes"  # the old name, same load
    cfg.write_text('[flags.heavy_load]\nload = "support_cost"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="tickets, minutes or cost"):
        load_config(cfg)


# -- customer exists -----------------------------------------------------------------------


def test_one_customer_lookup_names_close_matches() -> None:
    tables = load(ibis.duckdb.connect(), provider().customer("C-000836").customer("C-000837"))
    require_customer(tables["customers"], "C-000836")  # known: nothing happens
    with pytest.raises(UnknownCustomer, match="C-000836"):
        require_customer(tables["customers"], "C-00836")
