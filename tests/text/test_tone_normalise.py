"""Disguised abusive words are read as the words they disguise, and nothing else moves."""

from __future__ import annotations

import pytest

from goodfit.text import score_tone
from goodfit.text.tone_model import model_text
from goodfit.text.tone_normalise import unmask


@pytest.mark.parametrize(("text", "same_length", "any_length"), [
    ("You a$$hole!", "You asshole!", "You asshole!"),
    ("Du A****loch.", "Du Arschloch.", "Du Arschloch."),
    ("eres un g1l1pollas", "eres un gilipollas", "eres un gilipollas"),
    ("je bent een kl00tzak", "je bent een klootzak", "je bent een klootzak"),
    ("sei uno str0nzo", "sei uno stronzo", "sei uno stronzo"),
    # an asterisk run of another length, and stretched letters: the model's input only
    ("ma vaff******o", "ma vaff******o", "ma vaffanculo"),
    ("fuuuuck you idiooooot", "fuuuuck you idiooooot", "fuck you idiot"),
    # slurs, and a look-alike opening the word
    ("ihr seid beh1ndert", "ihr seid behindert", "ihr seid behindert"),
    ("sois unos retr@sados", "sois unos retrasados", "sois unos retrasados"),
    ("siete r1tardati", "siete ritardati", "siete ritardati"),
    ("Listen, 1d1ot", "Listen, idiot", "Listen, idiot"),
    # sixth round: "!" inside a word, and words added to the list
    ("Thanks for nothing, dipsh!t.", "Thanks for nothing, dipshit.",
     "Thanks for nothing, dipshit."),
    ("la c0ncha de tu madre", "la concha de tu madre", "la concha de tu madre"),
    ("Minchi0ne che non sei altro", "Minchione che non sei altro", "Minchione che non sei altro"),
    # a look-alike closing a word, and "®" for r: the model's input only (the lexicon's
    # cheap test is unchanged)
    ("DE PUT4 devolvedme", "DE PUT4 devolvedme", "DE Puta devolvedme"),
    ("bande d'ab®utis", "bande d'ab®utis", "bande d'abrutis"),
])
def test_disguised_abusive_words_are_written_out(text: str, same_length: str,
                                                 any_length: str) -> None:
    assert unmask(text, keep_length=True) == same_length
    assert len(unmask(text, keep_length=True)) == len(text)
    assert unmask(text, keep_length=False) == any_length


@pytest.mark.parametrize("text", [
    "Login p@ssw0rd rejected on v2.1, ec2 instance, ERR0R 0x80 and h264 stream",
    "Mail bob@example.com about the $50 invoice #123, 100% done, 3x faster",
    "Sooo good, thanks!!! Yesss, it works",
    "The *** in the log hides the token: abc***xyz",
    "Order 4711 shipped to the b2b portal via 2fa",
    "On the 1st and 3rd, 4k video at 1080p, 3des off, 5g modem, 0815 setup, $HOME and @home",
    "log4j on ec2, win10 and mp3 in s3, SHA256 and Web® 2.0, call0 and test1",
])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert unmask(text, keep_length=True) == text
    assert unmask(text, keep_length=False) == text


def test_the_lexicon_reads_a_masked_german_insult_and_keeps_the_span_on_the_original() -> None:
    text = "Du bist ein A****loch."
    r = score_tone(text)
    assert r.abusive
    spans = [s for s in r.spans if s.label == "insult"]
    assert spans and all(s.text == text[s.start:s.end] for s in spans)
    assert any("A****loch" in s.text for s in spans)


def test_the_model_reads_the_written_out_word() -> None:
    assert model_text("Ma  vaff******o!\n") == "Ma vaffanculo!"


def test_the_model_reads_a_shouted_message_in_lower_case_and_ordinary_capitals_as_typed() -> None:
    # 33 letters, all capitals: shouted, so lower-cased (shouting is the lexicon's label)
    assert model_text("FOR THE FOURTH TIME: SEND ME THE AUTH CODE.") == \
        "for the fourth time: send me the auth code."
    # 7 capitals among 31 letters: acronyms in an ordinary sentence stay as typed
    assert model_text("Our DNS and SSL broke after the update.") == \
        "Our DNS and SSL broke after the update."
