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

from goodfit.actions import rewards
from goodfit.actions.whatif import whatif
from goodfit.config import Config, load_config
from goodfit.errors import ConfigError
from goodfit.metrics import Window, scorecard
from goodfit.metrics.orders import is_manual_channel, order_counts
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
               self_service=config.costs.self_service_channels)
    assert r.customers[0].fee_income == {"manual_order": Decimal("7.00")}
    # rewards: with no spend minimum, the one rule it misses is self_service, by 1 order
    config.rewards.min_monthly_spend = Decimal("0")
    plan = rewards.plan(tables, config, as_of=datetime(2024, 7, 1))
    (near,) = plan.near_misses
    assert (near.manual_orders, near.failed[0].shortfall) == (1, "1 manual order too many")


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
