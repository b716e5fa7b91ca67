"""Never a different number: for random amounts and dates written in each notation, the
import reads exactly the values written, or stops with the ambiguity error (hypothesis)."""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodfit.errors import AmbiguousValues
from goodfit.project import Project

EXAMPLES = int(os.environ.get("GOODFIT_PROPERTY_EXAMPLES", "20"))


def _grouped(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def write_amount(value: Decimal, notation: str, thousands: bool, currency: str) -> str:
    """``value`` (≥ 0, at most 2 places) the way an export in ``notation`` writes it."""
    whole, _, frac = f"{value:f}".partition(".")
    point, group = (",", ".") if notation == "comma" else (".", ",")
    text = _grouped(whole, group) if thousands else whole
    if frac:
        text += point + frac
    if currency == "prefix":
        return "€" + text
    if currency == "suffix":
        return text + " EUR"
    return text


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False,
                      allow_infinity=False).map(lambda d: d.normalize() if d == d.to_integral()
                                                else d)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.tuples(amounts, days), min_size=1, max_size=12),
       notation=st.sampled_from(["point", "comma"]), thousands=st.booleans(),
       currency=st.sampled_from(["none", "prefix", "suffix"]),
       order=st.sampled_from(["dmy", "mdy", "iso"]), delimiter=st.sampled_from([",", ";"]),
       encoding=st.sampled_from(["utf-8", "latin-1"]))
def test_amounts_and_dates_read_exactly_or_refused(
        values: list[tuple[Decimal, date]], notation: str, thousands: bool, currency: str,
        order: str, delimiter: str, encoding: str) -> None:
    if encoding == "latin-1" and currency == "prefix":
        currency = "suffix"  # no € in Latin-1
    with tempfile.TemporaryDirectory() as tmp:
        proj = Project.init(Path(tmp) / "p")
        try:
            proj.config.import_.encoding = encoding
            cust = Path(tmp) / "customers.csv"
            cust.write_text("customer_id,signup_at\nC1,2020-01-01\n", encoding="utf-8")
            proj.import_file("customers", cust)
            path = Path(tmp) / "invoices.csv"
            fmt = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y", "iso": "%Y-%m-%d"}[order]
            with path.open("w", newline="", encoding=encoding) as f:
                w = csv.writer(f, delimiter=delimiter)
                w.writerow(["invoice_id", "customer_id", "issued_at", "amount"])
                for i, (amount, day) in enumerate(values):
                    w.writerow([f"I{i:03d}", "C1", day.strftime(fmt),
                                write_amount(amount, notation, thousands, currency)])
            try:
                result = proj.import_file("invoices", path)
            except AmbiguousValues:
                return  # refused: allowed, a wrong reading is not
            assert result.rejected == 0
            got = proj.table("invoices").order_by("invoice_id").to_pyarrow().to_pylist()
            assert [r["amount"] for r in got] == [a for a, _d in values]
            assert [r["issued_at"].date() for r in got] == [d for _a, d in values]
        finally:
            proj.close()
