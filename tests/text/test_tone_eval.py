"""Precision and recall on the hand-labelled set (tests/data/tone_eval.csv, see its .md)."""

from __future__ import annotations

import pytest

from goodfit.text.evaluation import Example, evaluate
from goodfit.text.tone import LABELS, ToneScorer


def _round(e: Example) -> str:
    for name in ("round2", "round3", "blind"):
        if e.source.endswith("/" + name):
            return name
    return "round1"


def test_evaluation_set_is_large_varied_and_well_formed(examples: list[Example]) -> None:
    assert len(examples) >= 400
    assert len({e.id for e in examples}) == len(examples)
    assert {e.domain for e in examples} == {"hosting", "vps", "saas", "msp"}
    hard = [e for e in examples if "hard-negative" in e.source]
    assert len(hard) >= 100 and all(not e.abusive for e in hard)
    for e in examples:
        assert e.labels <= set(LABELS), e.id
        # abusive toward staff = an insult or a threat (profanity at people is an insult)
        assert e.abusive == bool(e.labels & {"insult", "threat"}), e.id


def test_abusive_toward_staff_meets_precision_and_recall_targets(examples: list[Example]) -> None:
    report = evaluate(examples)
    print(f"\nall {report.examples} messages\n{report.table()}")
    for name in ("round1", "round2", "round3", "blind"):
        part = [e for e in examples if _round(e) == name]
        print(f"\n{name}: {len(part)} messages\n{evaluate(part).table()}")
    abusive = report.row("abusive")
    assert abusive.precision >= 0.9
    assert abusive.recall >= 0.8


def test_blind_set_keeps_precision(examples: list[Example]) -> None:
    """Messages written after the lexicon froze: recall drops (see docs/tone.md), precision holds."""
    blind = evaluate([e for e in examples if _round(e) == "blind"])
    assert blind.row("abusive").precision >= 0.9


def test_every_label_is_precise_on_the_whole_set(examples: list[Example]) -> None:
    report = evaluate(examples)
    for label in LABELS:
        assert report.row(label).precision >= 0.9, label


def test_other_languages_are_reported_not_guessed(examples: list[Example]) -> None:
    """German, French, Spanish, Dutch and Italian are read; others are reported unsupported."""
    scorer = ToneScorer()
    foreign = [e for e in examples if "non-english" in e.source]
    results = {e.id: scorer.score(e.text) for e in foreign}
    # Portuguese (E0423, F0655), Russian (E0425), Japanese (E0426): not read, no labels.
    for eid in ("E0423", "E0425", "E0426", "F0655"):
        assert not results[eid].language_supported and not results[eid].labels, eid
    # Frustration in a supported language is not abuse; insults in one are.
    for e in foreign:
        assert results[e.id].abusive == bool(e.abusive), e.id
    english = [scorer.score(e.text) for e in examples if "non-english" not in e.source]
    assert all(r.language_supported for r in english)


def test_word_gate_never_changes_a_result(examples: list[Example]) -> None:
    scorer = ToneScorer()
    for e in examples:
        assert scorer.score(e.text) == scorer.score_ungated(e.text), e.id


@pytest.mark.slow
def test_batch_over_processes_equals_one_process(examples: list[Example]) -> None:
    from goodfit.text.tone import score_tone_batch

    texts = [e.text for e in examples] * 30  # enough to be split over processes
    assert score_tone_batch(texts, workers=2) == score_tone_batch(texts)
