"""Round trip and idempotency hold for arbitrary tables (hypothesis)."""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodfit.project import Project

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    max_size=30).filter(lambda s: s.strip() != "" and s == s.strip())
rows = st.lists(
    st.tuples(
        st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True),
        names,
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1))
        .map(lambda d: d.replace(microsecond=0)),
        st.sampled_from(["active", "suspended", "cancelled"]),
        st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    ),
    min_size=1, max_size=40, unique_by=lambda r: r[0],
)


def write_services(path: Path, data: list[tuple[str, str, datetime, str, Decimal]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["service_id", "customer_id", "product", "started_at", "plan", "price_monthly"])
        for sid, name, when, status, price in data:
            w.writerow([sid, "C1", name, when.isoformat(sep=" "), status, str(price)])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rows, change=st.sets(st.integers(min_value=0, max_value=39)))
def test_round_trip_reimport_and_change_counts(data: list[tuple[str, str, datetime, str,
                                                               Decimal]],
                                               change: set[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = Project.init(root / "p")
        try:
            (root / "c.csv").write_text("customer_id,signup_at\nC1,2020-01-01\n", encoding="utf-8")
            project.import_file("customers", root / "c.csv")
            write_services(root / "s.csv", data)
            first = project.import_file("services", root / "s.csv")
            assert (first.inserted, first.rejected) == (len(data), 0)
            got = {r["service_id"]: r for r in project.table("services").to_pyarrow().to_pylist()}
            for sid, name, when, plan, price in data:
                assert got[sid]["product"] == name
                assert got[sid]["started_at"] == when
                assert got[sid]["plan"] == plan
                assert got[sid]["price_monthly"] == price

            again = project.import_file("services", root / "s.csv")
            assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(data))

            changed = [(sid, name + "!", when, plan, price) if i in change else
                       (sid, name, when, plan, price) for i, (sid, name, when, plan, price)
                       in enumerate(data)]
            write_services(root / "s2.csv", changed)
            third = project.import_file("services", root / "s2.csv")
            n_changed = len([i for i in change if i < len(data)])
            assert (third.inserted, third.updated, third.unchanged) == (
                0, n_changed, len(data) - n_changed)
            assert project.table("services").count().execute() == len(data)
        finally:
            project.close()
