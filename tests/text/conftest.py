"""Shared fixtures for the text tests: the hand-labelled set and a small project."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from goodfit.project import Project
from goodfit.text.evaluation import Example, load_examples

EVAL_CSV = Path(__file__).parents[1] / "data" / "tone_eval.csv"


@pytest.fixture(scope="session")
def examples() -> list[Example]:
    return load_examples(EVAL_CSV)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


# Customer messages (and one staff reply that must not be scored).
MESSAGES = [
    ["M-1", "T-1", "2026-03-01 10:00:00", "customer", "ada@acme.example",
     "My VPS does not answer ping since 02:00 UTC."],
    ["M-2", "T-1", "2026-03-01 10:20:00", "staff", "sam", "You idiots, said nobody on staff."],
    ["M-3", "T-1", "2026-03-02 09:00:00", "customer", "ada@acme.example",
     "Still waiting. Your support team is useless."],
    ["M-4", "T-2", "2026-03-03 08:00:00", "customer", "bob@beta.example",
     "Fix it today or I'm filing a chargeback!!!"],
    ["M-5", "T-2", "2026-03-03 08:30:00", "customer", "bob@beta.example",
     "Olá, o meu domínio não está a resolver desde ontem. Podem verificar a zona DNS?"],
    ["M-6", "T-2", "2026-03-03 09:00:00", "customer", "bob@beta.example",
     "Thanks, works now.\n\nOn Tue, Support <s@x.example> wrote:\n> Please do not file a "
     "chargeback, you idiots."],
]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = _project(tmp_path / "duckdb", None)
    yield p
    p.close()


@pytest.fixture
def postgres_project(tmp_path: Path, postgres_url: str) -> Iterator[Project]:
    p = _project(tmp_path / "postgres", postgres_url)
    yield p
    p.close()


def _project(tmp_path: Path, warehouse_url: str | None) -> Project:
    p = Project.init(tmp_path / "proj", warehouse_url=warehouse_url)
    d = tmp_path / "data"
    d.parent.mkdir(parents=True, exist_ok=True)
    d.mkdir()
    _write(d / "customers.csv", ["customer_id", "name", "signup_at"],
           [["C-1", "Acme", "2025-01-01 00:00:00"], ["C-2", "Beta", "2025-02-01 00:00:00"]])
    _write(d / "tickets.csv", ["ticket_id", "customer_id", "opened_at"],
           [["T-1", "C-1", "2026-03-01 10:00:00"], ["T-2", "C-2", "2026-03-03 08:00:00"]])
    _write(d / "messages.csv", ["message_id", "ticket_id", "sent_at", "author_role", "author",
                                "body"], MESSAGES)
    p.import_directory(d)
    return p
