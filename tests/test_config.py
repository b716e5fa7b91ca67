"""goodfit.toml: the commented file equals the defaults; mistakes are named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from goodfit.config import Config, default_config_text, load_config
from goodfit.errors import ConfigError


def test_commented_config_file_equals_the_defaults() -> None:
    from_file = Config.model_validate(tomllib.loads(default_config_text()))
    assert from_file == Config()


def test_unknown_key_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "goodfit.toml"
    path.write_text("[costs]\nstaff_hourly_rat = 80\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "costs.staff_hourly_rat" in str(err.value)
    assert "did you mean 'staff_hourly_rate'" in str(err.value)


def test_mapping_to_unknown_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "goodfit.toml"
    path.write_text('[mapping.tickets]\nTicketID = "tiket_id"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'ticket_id'"):
        load_config(path)


def test_invalid_toml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "goodfit.toml"
    path.write_text("[costs\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_config_hash_changes_with_any_value() -> None:
    a, b = Config(), Config()
    b.costs.staff_hourly_rate = b.costs.staff_hourly_rate + 1
    assert a.hash() == Config().hash() and a.hash() != b.hash()


def test_config_hash_leaves_out_how_goodfit_runs() -> None:
    """More DuckDB memory (the fix the out-of-memory error names), a longer busy wait, a
    mail relay or a web port must not rerun the analysis nor mark snapshots as made under
    another configuration; the warehouse URL (other data) still counts."""
    base = Config()
    tuned = Config()
    tuned.warehouse.memory_limit = "6GB"
    tuned.warehouse.busy_timeout_seconds = 120
    tuned.smtp.host = "mail.example.net"
    tuned.web.port = 8123
    tuned.text.batch_tickets = 7
    tuned.tone.workers = 8
    assert tuned.hash() == base.hash()
    moved = Config()
    moved.warehouse.url = "postgresql://db.example.net/goodfit"
    assert moved.hash() != base.hash()


def test_a_goodfit_toml_of_the_first_release_still_loads(tmp_path: Path) -> None:
    """Keys the first release's `goodfit init` wrote, at their defaults, load; a changed
    value names where the setting lives now."""
    cfg = tmp_path / "goodfit.toml"
    cfg.write_text("[segments]\nreward_min_score = 75.0\nreward_min_tenure_months = 3.0\n"
                   "reward_max_tickets_per_month = 0.5\nreward_blocking_severity = \"low\"\n"
                   "manual_order_fee = 15\n", encoding="utf-8")
    load_config(cfg)
    cfg.write_text("[segments]\nreward_min_tenure_months = 6\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"set \[rewards\] min_tenure_months instead"):
        load_config(cfg)
