"""What the text models read of a message: the customer's words, not the e-mail around them."""

from __future__ import annotations

from goodfit.text.cleaning import message_content, strip_greeting


def test_greeting_signature_and_quoted_reply_are_left_out() -> None:
    text = ("Hi team,\n\nIs PostgreSQL 16 supported?  I need it.\n\nThanks in advance,\n"
            "Scott Payne\nDiaz Legal\n\n> Hello,\n> our guide explains it.")
    assert message_content(text) == "Is PostgreSQL 16 supported? I need it."


def test_a_greeting_that_runs_into_the_question_is_kept() -> None:
    assert message_content("Hi, my site is down") == "Hi, my site is down"
    assert message_content("Hello? Anyone there?") == "Hello? Anyone there?"
    assert message_content("Dear Sir/Madam,\nsite down\nThx\nMo") == "site down"


def test_greeting_is_blanked_in_place() -> None:
    text = "Hello Priya,\nthe site is down"
    # same length, same offsets: the tone scorer's spans stay valid on this text too
    assert strip_greeting(text) == " " * 12 + "\nthe site is down"
