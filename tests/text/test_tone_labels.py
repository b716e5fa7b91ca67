"""Every labelled tone set follows one definition of "abusive" (docs/tone.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data"
# The sets labelled before the definition was written down, relabelled to follow it. A
# blind set written afterwards was labelled by its author with the definition in hand; its
# free-text kinds also name "reports of threatening content", which are not threats.
SETS = ["tone_blind_2026-12-01.csv", "tone_blind_2026-12-01b.csv", "tone_blind_2026-12-01c.csv",
        "tone_train_2026-12-01.csv", "tone_train_2026-12-01c.csv", "tone_train_2026-12-01d.csv",
        "tone_train_2026-12-01e.csv"]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _abusive(row: dict[str, str]) -> bool:
    value = row.get("abusive_toward_staff", row.get("label", ""))
    return value.strip().lower() in ("yes", "1")


@pytest.mark.parametrize("name", SETS)
def test_a_row_whose_kind_is_a_threat_is_abusive(name: str) -> None:
    # a first-person threat (chargeback, lawyer, consumer body, review, violence) is abusive
    wrong = [r["text"][:60] for r in _rows(name) if "threat" in r["kind"] and not _abusive(r)]
    assert wrong == []


@pytest.mark.parametrize(("name", "relabelled"), [
    ("tone_blind_2026-12-01.csv", 4), ("tone_blind_2026-12-01b.csv", 24),
    ("tone_blind_2026-12-01c.csv", 23), ("tone_train_2026-12-01.csv", 8),
    ("tone_train_2026-12-01c.csv", 54), ("tone_train_2026-12-01d.csv", 0),
    ("tone_train_2026-12-01e.csv", 0),
])
def test_the_relabelled_rows_are_the_ones_docs_count_and_all_are_abusive(
        name: str, relabelled: int) -> None:
    rows = [r for r in _rows(name) if "relabelled 2026-12-01" in r["kind"]]
    assert len(rows) == relabelled  # the table in docs/tone.md, "What counts as abusive"
    assert all(_abusive(r) for r in rows)


def test_cancelling_and_asking_about_disputes_stay_not_abusive() -> None:
    rows = _rows("tone_train_2026-12-01d.csv")
    for kind in ("cancellation", "dispute_question", "legal_topic", "regulator_notice",
                 "hosted_site_report", "banter", "shouting_civil"):
        chosen = [r for r in rows if r["kind"] == kind]
        assert chosen and not any(_abusive(r) for r in chosen), kind
