"""A small provider, built by hand, whose reward eligibility is worked out in the tests.

As of 2025-01-01 the window is 2024-01-01 … 2025-01-01. Every "good" customer signed up
on 2022-06-01 (30 months), pays 60 USD a month (issued on the 1st, due on the 15th, paid
on the 3rd), placed one self-service order in March 2024 and uses 100 of 1000 GB a month.
Each near-miss differs from that in exactly one way.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from goodfit.project import Project
from goodfit.window import Window

AS_OF = datetime(2025, 1, 1)


class Provider:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **row: Any) -> Provider:
        self.rows.setdefault(table, []).append(row)
        return self

    def customer(self, cid: str, *, signup: str = "2022-06-01 10:00:00", status: str = "active",
                 currency: str = "", email: str | None = None, plan: str = "vps-2") -> Provider:
        return self.add("customers", customer_id=cid, name=f"{cid} Ltd", signup_at=signup,
                        status=status, plan=plan, currency=currency,
                        email=email if email is not None else f"billing@{cid.lower()}.example")

    def monthly(self, cid: str, amount: str = "60", *, months: range = range(1, 13),
                currency: str = "", late_month: int | None = None, late_days: int = 5,
                year: int = 2024) -> Provider:
        for m in months:
            paid_day = 15 + late_days if m == late_month else 3
            self.add("invoices", invoice_id=f"{cid}-{year}-{m:02d}", customer_id=cid,
                     issued_at=f"{year}-{m:02d}-01 00:00:00", amount=amount, currency=currency,
                     kind="recurring", status="paid", due_at=f"{year}-{m:02d}-15 00:00:00",
                     paid_at=f"{year}-{m:02d}-{paid_day:02d} 00:00:00")
        return self

    def usage(self, cid: str, quantity: float = 100.0, allowance: float = 1000.0) -> Provider:
        for m in range(1, 13):
            self.add("usage", customer_id=cid, service_id=f"S-{cid}",
                     period_start=f"2024-{m:02d}-01 00:00:00", metric="egress_gb",
                     quantity=quantity, allowance=allowance)
        return self

    def order(self, cid: str, oid: str, *, when: str = "2024-03-10 12:00:00",
              channel: str = "self_service", custom: bool = False,
              handling_minutes: float | None = None) -> Provider:
        return self.add("orders", order_id=oid, customer_id=cid, placed_at=when,
                        channel=channel, custom="true" if custom else "false",
                        handling_minutes="" if handling_minutes is None else handling_minutes)

    def ticket(self, cid: str, tid: str, *, when: str = "2024-05-02 09:00:00",
               subject: str = "Question", minutes: float | None = 30.0) -> Provider:
        return self.add("tickets", ticket_id=tid, customer_id=cid, opened_at=when,
                        subject=subject, channel="email",
                        staff_minutes="" if minutes is None else minutes)

    def good(self, cid: str, **kw: Any) -> Provider:
        self.customer(cid, **kw).monthly(cid).usage(cid).order(cid, f"O-{cid}")
        return self

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for table, rows in self.rows.items():
            cols: list[str] = []
            for r in rows:
                cols += [c for c in r if c not in cols]
            with (directory / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=cols)
                w.writeheader()
                w.writerows(rows)
        return directory

    def project(self, root: Path, warehouse_url: str | None = None) -> Project:
        proj = Project.init(root / "proj", warehouse_url=warehouse_url)
        proj.import_directory(self.write(root / "data"), strict=True)
        score_world(proj)
        return proj


def score_world(proj: Project) -> None:
    """Rewards read the idle flag of a stored scoring run: score the world's window."""
    proj.scoring.score(window=Window(as_of=AS_OF, since=datetime(2024, 1, 1), until=AS_OF))


def reward_world() -> Provider:
    p = Provider()
    p.good("C-IDEAL").good("C-IDEAL2")
    # 50 EUR a month at 1.08 USD per EUR = 54.00 USD a month
    p.customer("C-EUR", currency="EUR").monthly("C-EUR", "50", currency="EUR") \
        .usage("C-EUR").order("C-EUR", "O-C-EUR")
    # signed up 2024-03-15: 9 whole months by 2025-01-01; 10 invoices of 60 / 9 months
    p.customer("C-NEW", signup="2024-03-15 10:00:00").monthly("C-NEW", months=range(3, 13)) \
        .usage("C-NEW").order("C-NEW", "O-C-NEW", when="2024-03-15 10:05:00")
    p.good("C-TICKET").ticket("C-TICKET", "T-1").ticket("C-TICKET", "T-2") \
        .ticket("C-TICKET", "T-OLD", when="2023-05-01 09:00:00")  # before the window
    p.customer("C-CHEAP").monthly("C-CHEAP", "40").usage("C-CHEAP").order("C-CHEAP", "O-CH")
    p.customer("C-LATE").monthly("C-LATE", late_month=6, late_days=5).usage("C-LATE") \
        .order("C-LATE", "O-LATE")
    p.good("C-MANUAL").order("C-MANUAL", "O-M1", channel="email", when="2024-07-01 10:00:00") \
        .order("C-MANUAL", "O-M2", channel="phone", when="2024-08-01 10:00:00")
    # pays, no tickets, no orders, 5 of 1000 GB a month (0.5 % <= 2 %): idle
    p.customer("C-IDLE").monthly("C-IDLE").usage("C-IDLE", quantity=5.0)
    # cancelled, with a ticket: fails two rules
    p.good("C-GONE", status="cancelled").ticket("C-GONE", "T-G")
    return p


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Imported once per session; each test gets its own copy of the folder."""
    proj = reward_world().project(tmp_path_factory.mktemp("world"))
    proj.close()
    return proj.root


@pytest.fixture
def world(tmp_path: Path, world_template: Path) -> Iterator[Project]:
    root = tmp_path / "proj"
    shutil.copytree(world_template, root)
    proj = Project.open(root)
    yield proj
    proj.close()
