"""The tone lint finds blame and insults, on whole words, and is configurable."""

from __future__ import annotations

from goodfit.actions.tone_lint import lint
from goodfit.config import ActionsSettings


def test_finds_blame_and_insults_case_insensitively() -> None:
    text = "As we said, You Are Abusive and this is your   fault. Stupid!"
    found = lint(text, ActionsSettings())
    assert [(f.phrase, text[f.start:f.end]) for f in found] == [
        ("you are abusive", "You Are Abusive"), ("your fault", "your   fault"),
        ("stupid", "Stupid")]


def test_courteous_text_passes() -> None:
    text = ("Thank you for working with us. We have decided not to continue our agreement "
            "and will help you move; young people and stupidity-free reviews aside.")
    assert lint(text, ActionsSettings()) == []  # whole words: "young people", "stupidity"


def test_lexicon_and_exemptions_come_from_config() -> None:
    settings = ActionsSettings(blame_phrases=["hopeless"], allow_phrases=["Hopeless Wanderer"])
    assert [f.text for f in lint("hopeless case", settings)] == ["hopeless"]
    assert lint("our Hopeless Wanderer plan", settings) == []
    assert lint("your fault", settings) == []  # the default list was replaced
