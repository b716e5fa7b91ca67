"""Kinds of abuse beyond the word list, and their hard negatives (the issue's examples)."""

from __future__ import annotations

import pytest

from goodfit.text.tone import score_tone


@pytest.mark.parametrize(("text", "label"), [
    ("You have the brains of a goldfish.", "insult"),
    ("Not a single functioning brain cell on your team.", "insult"),
    ("You spineless little liar.", "insult"),
    ("Refund me, you worthless fraud.", "insult"),
    ("Congratulations, Einstein, you broke it again.", "insult"),
    ("Do they pay you to sit there all day?", "insult"),
    ("Fix it or see what happens to you. You've been warned.", "threat"),
    ("I found out your home address.", "threat"),
    ("I will make sure you never work in IT again.", "threat"),
    ("You are an a$$hole", "insult"),
    ("Phuck off", "insult"),
    ("you fucking clowns", "insult"),
    ("Ihr seid total inkompetent, ihr Idioten!", "insult"),
    ("Vous êtes des incompétents, bande de nuls.", "insult"),
    ("Sois unos inútiles.", "insult"),
    ("Jullie zijn een stelletje prutsers", "insult"),
    ("Siete degli incompetenti.", "insult"),
    ("Ich werde Sie verklagen.", "threat"),
])
def test_abuse_aimed_at_staff_is_found_with_its_words(text: str, label: str) -> None:
    r = score_tone(text)
    assert r.abusive and label in r.labels and r.language_supported
    assert all(text[s.start:s.end] == s.text for s in r.spans)


def test_disguised_profanity_about_a_situation_is_profanity_not_abuse() -> None:
    r = score_tone("This is a f*cking joke")
    assert r.labels == ("profanity",) and not r.abusive
    assert [s.text for s in r.spans] == ["f*cking"]


@pytest.mark.parametrize("text", [
    "Our idiot intern deleted the production table, can you restore last night's backup?",
    "Let's see what happens after the reboot.",
    "Thanks mate, great help",
    "The memory of a VPS is shown in the panel.",
    "Das ist eine Frechheit! Ich warte seit drei Tagen auf eine Antwort.",
])
def test_hard_negatives_stay_clean_of_abuse(text: str) -> None:
    assert not score_tone(text).abusive
