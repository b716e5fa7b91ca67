"""The words search and topics read: forms of a word meet, filler is dropped."""

from __future__ import annotations

from goodfit.text.analyzer import stem, terms


def test_forms_of_a_word_share_a_stem() -> None:
    assert len({stem(w) for w in ("update", "updates", "updated", "updating")}) == 1
    assert stem("passwords") == stem("password")
    assert stem("policies") == stem("policy")
    assert stem("running") == "run"
    assert stem("files") == stem("file")


def test_short_words_numbers_and_names_are_kept() -> None:
    assert terms("VPS ssl 22.04 wp-config.php") == ["vps", "ssl", "22.04", "wp-config.php"]
    assert stem("dns") == "dns" and stem("status") == "status"


def test_greetings_and_stop_words_are_dropped() -> None:
    assert terms("Hi team, thanks! Could you please help me with the invoice ASAP?") == [
        "invoic"]
