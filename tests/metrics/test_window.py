"""The window: defaults from the data, whole-day dates, and windows that make no sense."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import ibis
import pytest

from goodfit.errors import InvalidWindow, MissingCurrencyRate, UnknownCustomer
from goodfit.metrics import Window
from goodfit.project import Project
from tests.metrics.builders import provider
from tests.metrics.conftest import load


def test_defaults_come_from_the_newest_data() -> None:
    p = provider().customer("a").ticket("2024-03-10 14:00").invoice("5", "2024-05-31 23:59")
    tables = load(ibis.duckdb.connect(), p)
    w = Window.resolve(tables)
    # newest: the invoice's 2024-05-31 23:59 → as_of is the end of that day
    assert w == Window(as_of=datetime(2024, 6, 1), since=datetime(2023, 6, 1),
                       until=datetime(2024, 6, 1))


def test_dates_are_whole_days_and_until_sets_as_of() -> None:
    w = Window.resolve({}, since="2024-01-01", until="2024-12-31")
    assert (w.since, w.until, w.as_of) == (datetime(2024, 1, 1), datetime(2025, 1, 1),
                                           datetime(2025, 1, 1))
    w = Window.resolve({}, as_of=date(2024, 2, 29))
    assert (w.since, w.until) == (datetime(2023, 3, 1), datetime(2024, 3, 1))
    w = Window.resolve({}, since="2024-01-01 10:00+02:00", until="2024-01-02")
    assert w.since == datetime(2024, 1, 1, 8, 0)  # naive UTC, like the warehouse
    w = Window.resolve({}, as_of="2024-03-31", until="2024-02-29")
    assert w.since == datetime(2023, 3, 1)  # one year before 2024-03-01


@pytest.mark.parametrize("kw", [
    {"since": "2024-05-01", "until": "2024-04-01"},
    {"as_of": "2024-01-01", "until": "2024-06-30"},
    {"since": "first of may"},
])
def test_impossible_windows_are_clear_errors(kw: dict[str, str]) -> None:
    with pytest.raises(InvalidWindow):
        Window.resolve({}, **{"as_of": "2024-12-31", **kw})


def _project(tmp_path: Path, customers: str, invoices: str) -> Project:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "customers.csv").write_text(customers, encoding="utf-8")
    (tmp_path / "in" / "invoices.csv").write_text(invoices, encoding="utf-8")
    proj = Project.init(tmp_path / "p")
    proj.import_directory(tmp_path / "in")
    return proj


def test_project_scorecard_is_a_composable_ibis_table(tmp_path: Path) -> None:
    with _project(tmp_path, "customer_id,signup_at\na,2024-01-01\nb,2024-01-01\n",
                  "invoice_id,customer_id,issued_at,amount,status\n"
                  "I1,a,2024-02-01,10,paid\nI2,b,2024-02-01,30,paid\n") as proj:
        card = proj.scorecard(since="2024-01-01", until="2024-12-31")
        top = card.filter(card.revenue > 20).select("customer_id", "revenue_share")
        assert top.to_pandas().to_dict("records") == [{"customer_id": "b",
                                                       "revenue_share": 0.75}]
        assert card.to_pyarrow().num_rows == 2
        with pytest.raises(UnknownCustomer, match="Did you mean 'a'"):
            proj.customer("A")


def test_a_currency_without_a_rate_stops_with_advice(tmp_path: Path) -> None:
    proj = _project(tmp_path, "customer_id,signup_at\na,2024-01-01\n",
                    "invoice_id,customer_id,issued_at,amount,currency,status\n"
                    "I1,a,2024-02-01,10,CHF,paid\n")
    with proj, pytest.raises(MissingCurrencyRate, match="CHF"):
        proj.scorecard()
