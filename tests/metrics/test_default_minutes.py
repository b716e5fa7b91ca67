"""[costs] ticket_default_minutes: tickets with neither logged minutes nor staff replies get
a configured default by priority or channel — only when configured, and always reported
as estimated (scorecard, coverage, scoring facts)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from goodfit.config import CostSettings
from goodfit.project import Project

CUSTOMERS = "customer_id,signup_at\nC1,2024-01-01\nC2,2024-01-01\n"
# T1 logged 30 min; T2 urgent (default by priority 45); T3 phone, normal (channel 20);
# T4 web, low (neither listed: "default" 15); T5 urgent by phone: priority wins (45).
TICKETS = """ticket_id,customer_id,opened_at,priority,channel,staff_minutes
T1,C1,2024-03-01 10:00:00,normal,email,30
T2,C1,2024-03-02 10:00:00,urgent,email,
T3,C1,2024-03-03 10:00:00,normal,phone,
T4,C2,2024-03-04 10:00:00,low,web,
T5,C2,2024-03-05 10:00:00,urgent,phone,
"""


def project(tmp_path: Path, defaults: str | None) -> Project:
    proj = Project.init(tmp_path / "p")
    if defaults is not None:
        toml = proj.root / "goodfit.toml"
        toml.write_text(toml.read_text().replace("ticket_default_minutes = {}",
                                                 f"ticket_default_minutes = {defaults}"))
        proj.close()
        proj = Project.open(tmp_path / "p")
    (tmp_path / "customers.csv").write_text(CUSTOMERS)
    (tmp_path / "tickets.csv").write_text(TICKETS)
    proj.import_file("customers", tmp_path / "customers.csv")
    proj.import_file("tickets", tmp_path / "tickets.csv")
    return proj


def card(proj: Project) -> dict[str, dict[str, object]]:
    rows = proj.metrics.scorecard(as_of="2024-04-01", since="2024-03-01").to_pyarrow()
    return {r["customer_id"]: r for r in rows.to_pylist()}


def test_off_by_default_no_guess(tmp_path: Path) -> None:
    assert CostSettings().ticket_default_minutes == {}
    proj = project(tmp_path, None)
    try:
        c = card(proj)
        assert (c["C1"]["support_minutes"], c["C1"]["untimed_tickets"]) == (30.0, 2)
        assert (c["C2"]["support_minutes"], c["C2"]["untimed_tickets"]) == (0.0, 2)
        assert c["C2"]["minutes_estimated"] is False
        cov = proj.metrics.coverage(as_of="2024-04-01", since="2024-03-01").to_dict()
        assert "estimated from the per-ticket default" not in cov["support_cost"]["parts"]
    finally:
        proj.close()


def test_configured_default_by_priority_then_channel_then_default(tmp_path: Path) -> None:
    proj = project(tmp_path, "{ urgent = 45, phone = 20, default = 15 }")
    try:
        c = card(proj)
        # C1: 30 logged + 45 (T2 urgent) + 20 (T3 phone) = 95; C2: 15 (T4) + 45 (T5) = 60
        assert (c["C1"]["support_minutes"], c["C1"]["untimed_tickets"],
                c["C1"]["minutes_estimated"]) == (95.0, 0, True)
        assert (c["C2"]["support_minutes"], c["C2"]["untimed_tickets"],
                c["C2"]["minutes_estimated"]) == (60.0, 0, True)
        # at the default 60/h: 95 min = 95.00, 60 min = 60.00
        assert c["C1"]["support_cost"] == Decimal("95.00")
        cov = proj.metrics.coverage(as_of="2024-04-01", since="2024-03-01").to_dict()
        parts = cov["support_cost"]["parts"]
        assert parts["logged minutes"]["count"] == 1
        assert parts["estimated from the per-ticket default"]["count"] == 4
        assert parts["no minutes and no replies (cost 0)"]["count"] == 0
        assert "per-ticket default on 80%" in cov["support_cost"]["summary"]
    finally:
        proj.close()


def test_a_default_that_does_not_apply_leaves_the_ticket_untimed(tmp_path: Path) -> None:
    proj = project(tmp_path, "{ urgent = 45 }")
    try:
        c = card(proj)
        assert (c["C1"]["support_minutes"], c["C1"]["untimed_tickets"]) == (75.0, 1)  # T3
        assert (c["C2"]["support_minutes"], c["C2"]["untimed_tickets"]) == (45.0, 1)  # T4
    finally:
        proj.close()


def test_unknown_key_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ValueError, match="did you mean 'urgent'"):
        CostSettings(ticket_default_minutes={"urgnet": 30})
