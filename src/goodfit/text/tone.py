"""Tone toward staff: labels a person can check, with the exact words that raised them.

``score_tone(text)`` reads one customer-authored message and returns a ``ToneResult``:
labels among profanity, insult, threat, shouting and demand, a score per label and
overall, ``abusive`` (an insult or a threat aimed at staff; profanity aimed at people is
an insult), and spans ``(label, start, end, text)`` that index the ORIGINAL text, so
``text[start:end] == span.text`` always. Quoted replies and signatures are blanked out
before reading (see cleaning.py). English, German, French, Spanish, Dutch and Italian
are read; a message in another language gets no labels and ``language_supported=False``:
we say so instead of guessing.

These are flags for a person to read, never a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from goodfit.config import ToneSettings
from goodfit.text import lexicon
from goodfit.text.cleaning import strip_quotes_and_signatures
from goodfit.text.language import language_supported
from goodfit.text.shouting import find_shouting
from goodfit.text.tone_normalise import unmask

LABELS: tuple[str, ...] = ("profanity", "insult", "threat", "shouting", "demand")
ABUSIVE_LABELS = frozenset({"insult", "threat"})


@dataclass(frozen=True, slots=True)
class Span:
    label: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class ToneResult:
    labels: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    abusive: bool = False
    spans: tuple[Span, ...] = ()
    language_supported: bool = True
    # The tone model's probability of abuse toward staff (None: the model did not run).
    model_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "labels": list(self.labels),
            "scores": dict(self.scores),
            "score": self.score,
            "abusive": self.abusive,
            "spans": [s.to_dict() for s in self.spans],
            "language_supported": self.language_supported,
        }
        if self.model_score is not None:
            out["model_score"] = self.model_score
        return out


CLEAN = ToneResult()
UNSUPPORTED = ToneResult(language_supported=False)

_WORDS = re.compile(r"[^\W_]+")  # letters and digits of any alphabet: "scheiße", "êtes"
_ASCII_WORDS = re.compile(r"[a-z0-9]+")  # the same on ASCII text, faster
_COMMON_ENGLISH = frozenset(("the", "and", "to", "you", "my", "it", "your", "please", "this"))


@dataclass(frozen=True, slots=True)
class _Rule:
    label: str
    weight: float
    pattern: re.Pattern[str]
    kind: str = "plain"  # "inherent": not said of oneself; "intent": first person in sentence


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.lower()))


class ToneScorer:
    """A compiled tone model for one ``[tone]`` configuration; reuse it for many texts."""

    def __init__(self, settings: ToneSettings | None = None) -> None:
        self.settings = s = settings or ToneSettings()
        L = lexicon
        entries: list[tuple[_Rule, frozenset[str]]] = []

        def add(label: str, patterns: Iterable[tuple[float, str]], anchors: Iterable[str],
                kind: str = "plain") -> None:
            for (w, p), a in zip(patterns, anchors, strict=True):
                entries.append((_Rule(label, w, re.compile(p), kind), _words(a)))

        def add_phrases(label: str, phrases: Iterable[str]) -> None:
            for phrase in phrases:
                words = _WORDS.findall(phrase.lower())
                if words:  # matched literally, as whole words, any case
                    rule = _Rule(label, 0.8, re.compile(r"\b" + re.escape(phrase.lower()) + r"\b"))
                    entries.append((rule, frozenset(words[:1])))

        add("profanity", [(0.8, L.PROFANE_WORD)], [L.PROFANITY_ANCHORS])
        add("insult", L.INSULT, L.INSULT_ANCHORS)
        add("insult", [(0.85, L.INHERENT_INSULT)], [L.INHERENT_ANCHORS], "inherent")
        add("threat", L.THREAT_ALWAYS, L.THREAT_ALWAYS_ANCHORS)
        add("threat", L.THREAT_WITH_INTENT, L.THREAT_WITH_INTENT_ANCHORS, "intent")
        add("demand", L.DEMAND, L.DEMAND_ANCHORS)
        for label, kind, weight, pattern, words in L.MORE:
            add(label, [(weight, pattern)], [words], kind)
        add_phrases("profanity", s.extra_profanity)
        add_phrases("insult", s.extra_insult_phrases)
        add_phrases("threat", s.extra_threat_phrases)
        add_phrases("demand", s.extra_demand_phrases)
        self._rules = [rule for rule, _ in entries]
        index: dict[str, list[int]] = {}
        for i, (_, anchors) in enumerate(entries):
            for word in anchors:
                index.setdefault(word, []).append(i)
        self._index = {word: tuple(ids) for word, ids in index.items()}
        self._anchors = frozenset(index)
        self._self_before = re.compile(L.SELF_BEFORE)
        self._self_after = re.compile(L.SELF_AFTER)
        self._intent = re.compile(L.INTENT)
        self._threat_not = re.compile(L.THREAT_NOT)

    # -- one message ------------------------------------------------------------
    def score(self, text: str) -> ToneResult:
        if not text or text.isspace():
            return CLEAN
        cleaned = strip_quotes_and_signatures(text)
        low = unmask(_lower_same_length(cleaned), keep_length=True)  # "a$$hole": same offsets
        words = (_ASCII_WORDS if low.isascii() else _WORDS).findall(low)
        # Most messages show two common English words at once; only the rest are counted.
        if not (cleaned.isascii() and len(_COMMON_ENGLISH.intersection(words)) >= 2) \
                and not language_supported(cleaned):
            return UNSUPPORTED
        hits: list[tuple[str, int, int, float]] = []
        present = self._anchors.intersection(words)
        if present:
            ids: set[int] = set()
            for word in present:
                ids.update(self._index[word])
            for i in sorted(ids):
                self._apply(self._rules[i], low, hits)
        s = self.settings
        hits.extend(("shouting", a, b, w) for a, b, w in find_shouting(
            cleaned, min_caps_words=s.shouting_min_caps_words,
            min_exclamations=s.shouting_min_exclamations, extra_acronyms=s.acronyms))
        if not hits:
            return CLEAN
        return self._result(text, hits)

    def _apply(self, rule: _Rule, low: str, hits: list[tuple[str, int, int, float]]) -> None:
        found = 0
        for m in rule.pattern.finditer(low):
            if found == _MAX_HITS_PER_RULE:  # enough evidence; keeps pasted floods linear
                return
            a, b = m.start(), m.end()
            if rule.kind == "inherent" and self._said_of_oneself(low, a, b):
                continue
            if rule.kind == "intent":
                sentence = _sentence(low, a, b)
                if not self._intent.search(sentence) or self._threat_not.search(sentence):
                    continue
            hits.append((rule.label, a, b, rule.weight))
            found += 1

    def score_ungated(self, text: str) -> ToneResult:
        """Every pattern on every text: the reference the word gate must agree with (tests)."""
        saved = self._anchors
        try:
            self._anchors = _AllWords(self._index)  # type: ignore[assignment]
            return self.score(text)
        finally:
            self._anchors = saved

    def score_many(self, texts: Iterable[str | None]) -> list[ToneResult]:
        score = self.score
        return [score(t) if t else CLEAN for t in texts]

    # -- helpers ----------------------------------------------------------------
    def _said_of_oneself(self, low: str, start: int, end: int) -> bool:
        before = low[max(0, start - 40):start]
        return bool(self._self_before.search(before) or self._self_after.search(low[end:end + 40]))

    def _result(self, text: str, hits: list[tuple[str, int, int, float]]) -> ToneResult:
        by_label: dict[str, list[tuple[int, int, float]]] = {}
        for label, a, b, w in hits:
            by_label.setdefault(label, []).append((a, b, w))
        scores: dict[str, float] = {}
        spans: list[Span] = []
        for label in LABELS:
            found = by_label.get(label)
            if not found:
                continue
            miss = 1.0
            for _, _, w in found:
                miss *= 1.0 - w
            value = round(1.0 - miss, 3)
            if value < self.settings.min_score:
                continue
            scores[label] = value
            spans.extend(Span(label, a, b, text[a:b]) for a, b in _merge(found))
        if not scores:
            return CLEAN
        spans.sort(key=lambda sp: (sp.start, sp.end, sp.label))
        labels = tuple(label for label in LABELS if label in scores)
        return ToneResult(labels=labels, scores=scores, score=max(scores.values()),
                          abusive=any(label in ABUSIVE_LABELS for label in labels),
                          spans=tuple(spans), language_supported=True)


class _AllWords:
    """Stands in for the anchor set: every pattern is 'present'."""

    def __init__(self, index: dict[str, tuple[int, ...]]) -> None:
        self._all = set(index)

    def intersection(self, _words: object) -> set[str]:
        return self._all


def _merge(found: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Overlapping spans of one label become one, so evidence is quoted once."""
    out: list[tuple[int, int]] = []
    for a, b, _ in sorted(found):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


_MAX_HITS_PER_RULE = 50
_SENTENCE_REACH = 300  # characters looked at on each side: bounded work on run-on text


def _sentence(low: str, start: int, end: int) -> str:
    """The sentence around a match: intent ("I'll …") must be in the same sentence."""
    lo = max(0, start - _SENTENCE_REACH)
    hi = min(len(low), end + _SENTENCE_REACH)
    s = max(low.rfind(c, lo, start) for c in ".!?\n") + 1 or lo
    ends = [i for i in (low.find(c, end, hi) for c in ".!?\n") if i != -1]
    return low[max(s, lo):min(ends) if ends else hi]


def _lower_same_length(text: str) -> str:
    """Lower-case without moving offsets (a few characters lower-case to two)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("\u2019", "'")  # typographic apostrophe: "don’t" reads as "don't"


@lru_cache(maxsize=8)
def _scorer_for(settings_json: str) -> ToneScorer:
    return ToneScorer(ToneSettings.model_validate_json(settings_json))


def scorer(settings: ToneSettings | None = None) -> ToneScorer:
    """The compiled scorer for ``settings`` (cached: compiling takes milliseconds)."""
    return _scorer_for((settings or ToneSettings()).model_dump_json())


def score_tone(text: str, settings: ToneSettings | None = None) -> ToneResult:
    """Tone labels, scores and evidence spans for one customer-authored message."""
    return score_tone_batch([text], settings)[0]


def score_tone_batch(texts: Sequence[str | None], settings: ToneSettings | None = None, *,
                     workers: int = 1) -> list[ToneResult]:
    """``score_tone`` for many messages (None and empty texts are clean).

    ``workers`` > 1 splits large batches over that many processes (scoring is pure
    Python, so processes, not threads, use more cores). With ``[tone] model`` set to
    "embedding" (or "auto" with the model installed) the tone model decides abuse
    toward staff (tone_model.py); the lexicon alone otherwise.
    """
    from goodfit.text.tone_model import apply_model, use_model

    settings = settings or ToneSettings()
    lexicon_results = _lexicon_batch(texts, settings, workers)
    if use_model(settings):
        return apply_model(texts, lexicon_results, settings)
    return lexicon_results


def _lexicon_batch(texts: Sequence[str | None], settings: ToneSettings,
                   workers: int) -> list[ToneResult]:
    if workers <= 1 or len(texts) < 4 * _CHUNK:
        return scorer(settings).score_many(texts)
    import multiprocessing as mp

    settings_json = settings.model_dump_json()
    chunks = [(settings_json, list(texts[i:i + _CHUNK])) for i in range(0, len(texts), _CHUNK)]
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers) as pool:
        parts = pool.map(_score_chunk, chunks)
    # Clean results travel as None (cheap to send between processes) and are shared here.
    return [r if r is not None else CLEAN for part in parts for r in part]


_CHUNK = 5_000


def _score_chunk(job: tuple[str, list[str | None]]) -> list[ToneResult | None]:
    settings_json, texts = job
    results = _scorer_for(settings_json).score_many(texts)
    return [None if r is CLEAN else r for r in results]
