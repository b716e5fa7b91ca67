"""Customer text is data: it never steers an e-mail header, a spreadsheet or the terminal."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.actions import cases, offboarding, users
from goodfit.actions.context import ActionContext
from goodfit.cli import app
from goodfit.cli.safe import strip_control
from goodfit.csvsafe import neutralise
from goodfit.errors import ActionError
from goodfit.project import Project
from tests.actions import provider

NOTICE = date(2026, 1, 30)
FORMULA = "=cmd|' /C calc'!A0"


def _project(root: Path, *, email: str = "billing@c1.example", name: str = "C One GmbH",
             plan: str = "vps-2", subject: str = "Cannot reach my VPS") -> Project:
    customers = ("customer_id,name,signup_at,status,plan,country,email,currency\n"
                 f'C-1,"{name}",2023-04-01 09:30:00,active,vps-2,PL,"{email}",USD\n')
    services = ("service_id,customer_id,product,plan,price_monthly,currency,started_at,"
                f'ended_at\nS-1,C-1,vps,"{plan}",24.00,USD,2023-04-01 09:35:00,\n')
    tickets = ("ticket_id,customer_id,opened_at,closed_at,priority,channel,subject,category\n"
               f'T-1,C-1,2025-01-05 09:00:00,,normal,web,"{subject}",technical\n')
    contacts = "contact_id,customer_id,name,email,role\n"
    old = provider.CUSTOMERS, provider.CONTACTS, provider.SERVICES, provider.TICKETS
    (provider.CUSTOMERS, provider.CONTACTS, provider.SERVICES,
     provider.TICKETS) = customers, contacts, services, tickets
    try:
        p = provider.make_project(root)
    finally:
        provider.CUSTOMERS, provider.CONTACTS, provider.SERVICES, provider.TICKETS = old
    return p


def _ctx(p: Project) -> ActionContext:
    ctx = p.actions_context()
    ctx.today = lambda: NOTICE
    users.add_user(ctx.db, "alice", "owner")
    users.add_user(ctx.db, "carol", "agent", actor="alice")
    return ctx


@pytest.fixture
def formula_project(tmp_path: Path) -> Iterator[Project]:
    p = _project(tmp_path / "acme", name=f"{FORMULA} Ltd".replace(" Ltd", ""), plan=FORMULA,
                 subject=FORMULA)
    yield p
    p.close()


@pytest.mark.parametrize("email, why", [
    ("billing@c1.example\r\nBcc: spy@evil.example", "line break or control character"),
    ("a@c1.example, b@c1.example", "must be exactly one e-mail address"),
    ("a@c1.example; b@c1.example", "must be exactly one e-mail address"),
])
def test_a_bad_address_is_refused_before_anything_is_written(tmp_path: Path, email: str,
                                                             why: str) -> None:
    """Seen: CR/LF crashed `offboard start` (exit 70, orphan folders); a list of two
    addresses showed both in To: while the mail went to the first."""
    p = _project(tmp_path / "acme", email=email)
    try:
        ctx = _ctx(p)
        with pytest.raises(ActionError) as err:
            offboarding.start(ctx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
        assert "customer C-1: billing e-mail" in err.value.message and why in err.value.message
        assert not (ctx.outbox_dir / "offboarding").exists()  # no orphan PDF/zip/CSV folder
        assert cases.list_cases(ctx.db) == []
    finally:
        p.close()


def test_offboarding_csvs_neutralise_formulas(formula_project: Project) -> None:
    """Seen: final-month-credit.csv, services.csv and tickets.csv wrote the formula."""
    ctx = _ctx(formula_project)
    case = offboarding.start(ctx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    folder = ctx.root / case.data["folder"]
    credit = list(csv.DictReader(io.StringIO(
        (folder / "final-month-credit.csv").read_text())))
    assert credit[0]["organisation"] == "'" + FORMULA
    assert credit[0]["amount"] == "-24.00"  # a number stays a number for the billing import
    with zipfile.ZipFile(folder / "transition-pack.zip") as z:
        services = list(csv.DictReader(io.StringIO(z.read("services.csv").decode())))
        tickets = list(csv.DictReader(io.StringIO(z.read("tickets.csv").decode())))
    assert services[0]["plan"] == "'" + FORMULA
    assert tickets[0]["subject"] == "'" + FORMULA


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-12.50", "-12.50"), ("+3", "+3"),
    ("plain", "plain"), ("a=b", "a=b"), (-5, -5),
])
def test_neutralise(cell: object, expected: object) -> None:
    assert neutralise(cell) == expected


def test_no_csv_writer_outside_the_helper() -> None:
    """Every CSV goodfit writes goes through goodfit.csvsafe (one helper)."""
    src = Path(__file__).resolve().parents[2] / "src" / "goodfit"
    offenders = [str(f.relative_to(src)) for f in src.rglob("*.py")
                 if f.name != "csvsafe.py" and any(
                     w in f.read_text(encoding="utf-8")
                     for w in ("csv.writer(", "csv.DictWriter(", ".to_csv("))]
    assert offenders == []


def test_terminal_output_strips_escape_sequences(tmp_path: Path) -> None:
    """Seen: `cases list` and `explain` printed raw ANSI escapes from customer data."""
    evil = "Evil\x1b[2J\x1b[31m Corp\x1b]0;pwned\x07\x9b1m"
    assert strip_control(evil) == "Evil Corp"
    assert strip_control("line one\nline\ttwo") == "line one\nline\ttwo"
    p = _project(tmp_path / "acme", name=evil)
    root = p.root
    try:
        ctx = _ctx(p)
        offboarding.start(ctx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    finally:
        p.close()
    result = CliRunner().invoke(app, ["cases", "list", "-p", str(root)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert "Offboarding Evil Corp │" in result.output  # and the table still lines up
    widths = {len(line) for line in result.output.splitlines() if line}
    assert len(widths) == 1
    shown = CliRunner().invoke(app, ["case", "show", "1", "-p", str(root)],
                               env={"COLUMNS": "200"})
    assert "\x1b" not in shown.output and "Offboarding Evil Corp" in shown.output
