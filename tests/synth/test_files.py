"""The files a synthetic provider is made of: complete, typed, consistent, reproducible."""

from __future__ import annotations

import filecmp
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from goodfit.schema import DEFAULT_RESOLUTION_CODES, TABLES, Kind
from goodfit.synth import SynthSummary, generate
from tests.synth.conftest import CUSTOMERS, scalar


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", customers=150, months=6, seed=11, batch_size=40)
    second = generate(tmp_path / "b", customers=150, months=6, seed=11, batch_size=40)
    names = sorted(p.relative_to(first.out).as_posix() for p in first.out.rglob("*")
                   if p.is_file())
    assert len(names) == len(TABLES) + 3  # tables, README.txt, two ground-truth files
    match, mismatch, errors = filecmp.cmpfiles(first.out, second.out, names, shallow=False)
    assert mismatch == [] and errors == []
    assert len(match) == len(names)


def test_another_seed_gives_another_provider(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", customers=60, months=3, seed=1)
    b = generate(tmp_path / "b", customers=60, months=3, seed=2)
    assert (a.out / "customers.parquet").read_bytes() != (b.out / "customers.parquet").read_bytes()


def test_every_table_has_exactly_the_schema_columns_and_types(provider: SynthSummary) -> None:
    expected_types = {
        Kind.STRING: pa.string(), Kind.ENUM: pa.string(), Kind.TIMESTAMP: pa.timestamp("us"),
        Kind.MONEY: pa.decimal128(18, 4), Kind.INTEGER: pa.int64(), Kind.NUMBER: pa.float64(),
        Kind.BOOLEAN: pa.bool_(),
    }
    for name, table in TABLES.items():
        schema = pq.read_schema(provider.out / f"{name}.parquet")
        assert schema.names == table.column_names, name
        for column in table.columns:
            assert schema.field(column.name).type == expected_types[column.kind], \
                (name, column.name)  # naive timestamps: no time zone on the type
        assert pq.read_metadata(provider.out / f"{name}.parquet").num_rows == \
            provider.rows[name] > 0


def test_required_columns_are_filled_and_enums_allowed(db, provider: SynthSummary) -> None:
    for name, table in TABLES.items():
        for column in table.columns:
            col = f'"{column.name}"'
            if column.required:
                assert scalar(db, f"SELECT count(*) FROM {name} WHERE {col} IS NULL") \
                    == 0, (name, column.name)
            if column.values:
                allowed = ", ".join(f"'{v}'" for v in column.values)
                assert scalar(db, f"SELECT count(*) FROM {name} WHERE {col} IS NOT NULL "
                                  f"AND {col} NOT IN ({allowed})") == 0, (name, column.name)
            if column.min_value is not None:
                assert scalar(db, f"SELECT count(*) FROM {name} "
                                  f"WHERE {col} < {column.min_value}") == 0


def test_keys_are_unique(db) -> None:
    for name, table in TABLES.items():
        key = ", ".join(f'"{k}"' for k in table.key)
        total = scalar(db, f"SELECT count(*) FROM {name}")
        distinct = scalar(db, f"SELECT count(*) FROM (SELECT DISTINCT {key} FROM {name})")
        assert total == distinct, name


def test_every_reference_points_at_an_existing_row(db) -> None:
    links = [
        ("contacts", "customer_id", "customers", "customer_id"),
        ("services", "customer_id", "customers", "customer_id"),
        ("invoices", "customer_id", "customers", "customer_id"),
        ("payments", "customer_id", "customers", "customer_id"),
        ("payments", "invoice_id", "invoices", "invoice_id"),
        ("orders", "customer_id", "customers", "customer_id"),
        ("tickets", "customer_id", "customers", "customer_id"),
        ("messages", "ticket_id", "tickets", "ticket_id"),
        ("usage", "customer_id", "customers", "customer_id"),
        ("usage", "service_id", "services", "service_id"),
        ("costs", "customer_id", "customers", "customer_id"),
        ("persona", "customer_id", "customers", "customer_id"),
        ("truth", "ticket_id", "tickets", "ticket_id"),
    ]
    for child, column, parent, key in links:
        orphans = scalar(db, f"SELECT count(*) FROM {child} c WHERE c.{column} IS NOT NULL AND "
                             f"NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})")
        assert orphans == 0, (child, column)
    # a payment belongs to the customer its invoice was issued to; usage to its service's owner
    assert scalar(db, "SELECT count(*) FROM payments p JOIN invoices i USING (invoice_id) "
                      "WHERE p.customer_id <> i.customer_id") == 0
    assert scalar(db, "SELECT count(*) FROM usage u JOIN services s USING (service_id) "
                      "WHERE u.customer_id <> s.customer_id") == 0
    # every customer has a ground-truth persona, and every ticket a ground-truth row
    assert scalar(db, "SELECT count(DISTINCT customer_id) FROM persona") == CUSTOMERS
    assert scalar(db, "SELECT count(*) FROM truth") == scalar(db, "SELECT count(*) FROM tickets")


def test_time_is_consistent_and_inside_the_window(db) -> None:
    end = "TIMESTAMP '2026-10-31 23:59:59'"
    start = "TIMESTAMP '2024-11-01 00:00:00'"  # 24 whole months ending October 2026
    for table, column in (("tickets", "opened_at"), ("messages", "sent_at"),
                          ("invoices", "issued_at"), ("payments", "at"),
                          ("usage", "period_start"), ("customers", "signup_at")):
        assert scalar(db, f'SELECT max("{column}") <= {end} FROM {table}'), (table, column)
    assert scalar(db, f"SELECT min(issued_at) >= {start} FROM invoices")
    assert scalar(db, f"SELECT min(period_start) = {start} FROM usage")
    assert scalar(db, "SELECT count(*) FROM tickets WHERE closed_at < opened_at OR "
                      "first_response_at < opened_at OR closed_at < first_response_at") == 0
    # messages sit inside their ticket's life, the first one written by the customer
    assert scalar(db, "SELECT count(*) FROM messages m JOIN tickets t USING (ticket_id) "
                      "WHERE m.sent_at < t.opened_at OR m.sent_at > t.closed_at") == 0
    assert scalar(db, "SELECT count(*) FROM (SELECT ticket_id, arg_min(author_role, message_id) r "
                      "FROM messages GROUP BY 1) WHERE r <> 'customer'") == 0
    assert scalar(db, "SELECT count(*) FROM invoices WHERE paid_at < issued_at") == 0


def test_a_later_end_date_moves_the_window_not_today(tmp_path: Path) -> None:
    summary = generate(tmp_path / "p", customers=30, months=2, seed=3, end=date(2021, 3, 15))
    opened = pq.read_table(summary.out / "usage.parquet").column("period_start").to_pylist()
    assert {d.date() for d in opened} <= {date(2021, 2, 1), date(2021, 3, 1)}


def test_ticket_fields_follow_the_helpdesk_conventions(db) -> None:
    codes = {r[0] for r in db.execute("SELECT DISTINCT resolution_code FROM tickets "
                                      "WHERE resolution_code IS NOT NULL").fetchall()}
    assert codes <= set(DEFAULT_RESOLUTION_CODES)
    assert len(codes) >= 8
    coded = scalar(db, "SELECT avg((resolution_code IS NOT NULL)::INT) FROM tickets "
                       "WHERE closed_at IS NOT NULL")
    assert 0.62 <= coded <= 0.78  # ~70% of closed tickets carry a code
    assert scalar(db, "SELECT count(*) FROM tickets WHERE closed_at IS NULL "
                      "AND resolution_code IS NOT NULL") == 0
    logged = scalar(db, "SELECT avg((staff_minutes IS NOT NULL)::INT) FROM tickets")
    assert 0.5 <= logged <= 0.7  # ~60% logged, the rest left to the estimator
    assert scalar(db, "SELECT count(DISTINCT priority) FROM tickets") == 4
    assert scalar(db, "SELECT count(DISTINCT channel) FROM tickets") == 5
    assert scalar(db, "SELECT count(*) FROM tickets WHERE reopened_count > 0") > 0
    assert scalar(db, "SELECT count(DISTINCT satisfaction) FROM tickets") == 5


def test_readme_says_what_the_folder_is(provider: SynthSummary) -> None:
    text = (provider.out / "README.txt").read_text(encoding="utf-8")
    assert "Synthetic provider" in text and "seed: 7" in text
    assert "ground_truth" in text


def test_files_do_not_depend_on_the_process(tmp_path: Path) -> None:
    """Another interpreter with another string-hash seed writes the same bytes."""
    import os
    import subprocess
    import sys

    import goodfit

    here = generate(tmp_path / "here", customers=60, months=3, seed=8)
    env = {**os.environ, "PYTHONPATH": str(Path(goodfit.__file__).parents[1]),
           "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-m", "goodfit", "synth", str(tmp_path / "there"), "-n", "60",
                    "-m", "3", "-s", "8", "--json"], check=True, capture_output=True, env=env)
    for path in sorted(here.out.rglob("*")):
        if path.is_file():
            other = tmp_path / "there" / path.relative_to(here.out)
            assert path.read_bytes() == other.read_bytes(), path.name


def test_only_the_generator_knows_where_ground_truth_lives() -> None:
    """Scoring and metrics never read persona labels: only the generator and evaluation
    modules (named *eval*) may name the folder."""
    import goodfit

    root = Path(goodfit.__file__).parent
    readers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if "ground_truth" in p.read_text(encoding="utf-8"))
    assert readers, "the generator itself must mention ground_truth"
    assert all(r.startswith("synth/") or r == "cli/synth.py" or "eval" in r
               for r in readers), readers
