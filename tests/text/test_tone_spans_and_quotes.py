"""Evidence spans index the original text; quoted replies and signatures are not scored."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodfit.text import score_tone
from goodfit.text.cleaning import strip_quotes_and_signatures
from goodfit.text.evaluation import Example


def test_every_span_is_the_exact_slice_of_the_original(examples: list[Example]) -> None:
    checked = 0
    for e in examples:
        for span in score_tone(e.text).spans:
            assert e.text[span.start:span.end] == span.text, e.id
            checked += 1
    assert checked > 300


def test_span_positions_worked_out_by_hand() -> None:
    text = "Hello. You fucking idiots rebooted the wrong server."
    r = score_tone(text)
    # "fucking" starts after "Hello. You " (11 characters) and is 7 long.
    assert ("profanity", 11, 18, "fucking") in [(s.label, s.start, s.end, s.text) for s in r.spans]
    insult = [s for s in r.spans if s.label == "insult"]
    # profanity aimed at "You" is an insult: the span starts at "You", after "Hello. " (7)
    assert insult and insult[0].start == 7 and insult[0].end == 25  # "You fucking idiots"
    assert r.abusive and r.labels == ("profanity", "insult")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
@settings(max_examples=300, deadline=None)
def test_spans_stay_inside_any_text(text: str) -> None:
    for span in score_tone(text).spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_stripping_never_moves_a_character(text: str) -> None:
    cleaned = strip_quotes_and_signatures(text)
    assert len(cleaned) == len(text)
    assert [i for i, c in enumerate(cleaned) if c in "\r\n"] == \
        [i for i, c in enumerate(text) if c in "\r\n"]


def test_abuse_before_a_quote_is_found_at_its_original_offset() -> None:
    text = ("Did you even read my ticket? You morons.\n\n"
            "On Tue, 3 Mar 2026 at 10:02, Support <s@host.example> wrote:\n"
            "> Have you tried clearing your cache? Please do not file a chargeback.\n")
    r = score_tone(text)
    assert r.labels == ("insult",)  # the quoted "chargeback" is staff text
    morons = next(s for s in r.spans if "morons" in s.text)  # "You morons": aimed at "You"
    assert (morons.start, morons.end) == (text.index("You morons"),
                                          text.index("morons") + len("morons"))


@pytest.mark.parametrize("text", [
    "Thanks!\n\n> YOU ARE ALL IDIOTS AND I WILL SUE YOU!!!",
    "Ok.\n\nOn Mon, 2 Mar 2026, Support wrote:\nStill waiting? You idiots, I'll file a chargeback",
    "Done.\n\n-----Original Message-----\nFrom: Billing\nWe will take legal action, idiots.",
    "Done.\n\nFrom: Helpdesk <h@x.example>\nSent: 4 March 2026\nReply ASAP, still waiting!!!",
    "Confirmed.\n\n-- \nJo | NOC\nCONFIDENTIAL AND PRIVILEGED, DO NOT FORWARD!!!",
    "Great, thanks.\n\nBest regards,\nTom\nBEST BREAD IN TOWN!!!",
    "Yes, go ahead.\n\nSent from my iPhone",
])
def test_quoted_staff_text_and_signatures_raise_nothing(text: str) -> None:
    r = score_tone(text)
    assert r.labels == () and not r.abusive and r.spans == ()


def test_quoted_lines_are_blanked_and_the_reply_kept() -> None:
    text = "Fine by me.\n> you idiots\nSee you Monday."
    cleaned = strip_quotes_and_signatures(text)
    assert cleaned == "Fine by me.\n" + " " * len("> you idiots") + "\nSee you Monday."
