"""The metric commands as a user types them, on a real project with imported CSV files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.project import Project

runner = CliRunner()

FILES = {
    "customers.csv": """customer_id,name,signup_at,currency
acme,=HYPERLINK("http://x"),2023-01-15,USD
beta,Beta GmbH,2024-01-01,EUR
calm,Calm Co,2022-06-10,USD
""",
    "invoices.csv": """invoice_id,customer_id,issued_at,amount,currency,status,paid_at,refunded_amount
I1,acme,2024-02-01,100.00,USD,paid,2024-02-01,
I2,beta,2024-03-01,50.00,EUR,paid,2024-03-01,
I3,calm,2024-04-01,300.00,USD,paid,2024-04-01,
""",
    "tickets.csv": """ticket_id,customer_id,opened_at,channel,staff_minutes
T1,acme,2024-02-10,email,30
T2,acme,2024-03-10,email,90
T3,beta,2024-05-10,chat,
""",
    "messages.csv": """message_id,ticket_id,sent_at,author_role,body
M1,T3,2024-05-10 10:00,staff,hello
M2,T3,2024-05-10 11:00,staff,done
""",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "proj"
    src = root.parent / "data"
    src.mkdir()
    for name, text in FILES.items():
        (src / name).write_text(text, encoding="utf-8")
    with Project.init(root) as proj:
        results = proj.import_directory(src)
        assert all(r.rejected == 0 for r in results), results
    return root


WINDOW = ["--since", "2024-01-01", "--until", "2024-12-31"]


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_scorecard_json_sorted_by_least_profit(project: Path) -> None:
    code, out = invoke("scorecard", "-p", str(project), *WINDOW, "--json")
    assert code == 0, out
    data = json.loads(out)
    # a date as --until is that whole day: the half-open window ends at the next midnight
    assert data["window"]["since"] == "2024-01-01 00:00:00"
    assert data["window"]["until"] == "2025-01-01 00:00:00"
    rows = data["customers"]
    # acme: 100 − (30 + 90) min × 1.00 = −20; beta: 54.00 − 2 × 6 min = 42; calm: 300
    assert [(r["customer_id"], r["profit"]) for r in rows] == [
        ("acme", "-20.0000"), ("beta", "42.0000"), ("calm", "300.0000")]


def test_scorecard_top_and_sort_by_tickets(project: Path) -> None:
    code, out = invoke("scorecard", "-p", str(project), *WINDOW, "--sort", "tickets",
                       "--top", "1", "--format", "json")
    assert code == 0, out
    assert [r["customer_id"] for r in json.loads(out)["customers"]] == ["acme"]


def test_csv_for_spreadsheets_neutralises_formulas(project: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "card.csv"
    code, out = invoke("scorecard", "-p", str(project), *WINDOW, "--format", "csv",
                       "--out", str(out_file))
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    by_id = {r["customer_id"]: r for r in rows}
    assert by_id["acme"]["name"] == "'=HYPERLINK(\"http://x\")"
    assert by_id["acme"]["profit"] == "-20.0000"  # numbers stay numbers


def test_parquet_output(project: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "card.parquet"
    code, out = invoke("scorecard", "-p", str(project), *WINDOW, "--out", str(out_file))
    assert code == 0, out
    assert pq.read_table(out_file).num_rows == 3


def test_scorecard_table_shows_every_customer(project: Path) -> None:
    code, out = invoke("scorecard", "-p", str(project), *WINDOW)
    assert code == 0, out
    assert "calm" in out and "beta" in out and "HYPERLINK" in out
    assert "estimated" in out


def test_customer_breakdown_names_its_rows(project: Path) -> None:
    code, out = invoke("customer", "beta", "-p", str(project), *WINDOW, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert [t["ticket_id"] for t in data["tickets"]] == ["T3"]
    assert data["tickets"][0]["staff_replies"] == 2 and data["tickets"][0]["estimated"]
    assert [i["invoice_id"] for i in data["invoices"]] == ["I2"]
    assert data["summary"]["revenue"] == "54.0000"  # 50 EUR × 1.08
    assert [m["month"][:7] for m in data["monthly"]] == ["2024-03", "2024-05"]
    code, out = invoke("customer", "beta", "-p", str(project), *WINDOW)
    assert code == 0 and "Monthly trend" in out and "T3" in out


def test_unknown_customer_suggests_close_matches(project: Path) -> None:
    result = runner.invoke(app, ["customer", "acm", "-p", str(project)])
    assert result.exit_code != 0
    assert result.exception is not None and "Did you mean 'acme'" in str(result.exception)


def test_concentration_chart(project: Path) -> None:
    code, out = invoke("concentration", "-p", str(project), *WINDOW, "--by", "tickets")
    assert code == 0, out
    # loads 2, 1, 0: Gini = 2·(0·1 + 1·2 + 2·3)/(3·3) − 4/3 = 16/9 − 12/9 = 0.444
    assert "Gini 0.444" in out
    assert "Knee: the top 1 customers" in out
    code, out = invoke("concentration", "-p", str(project), *WINDOW, "--by", "minutes", "--json")
    data = json.loads(out)
    # minutes 120 (acme), 12 (beta), 0: acme alone carries 120/132 = 90.9% ≥ 90%
    assert [t["customers"] for t in data["top"]] == [1, 1, 1]
    # acme's revenue 100 of 100 + 54 + 300 = 454
    assert data["top"][0]["revenue_share"] == pytest.approx(100 / 454)
