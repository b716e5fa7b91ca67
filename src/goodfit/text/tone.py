"""Tone toward staff: labels a person can check, with the exact words that raised them.

``score_tone(text)`` reads one customer-authored message and returns a ``ToneResult``:
labels among profanity, insult, threat, shouting and demand, a score per label and
overall, ``abusive`` (an insult or a threat aimed at staff; profanity aimed at people is
an insult), and spans ``(label, start, end, text)`` that index the ORIGINAL text, so
``text[start:end] == span.text`` always. Quoted replies and signatures are blanked out
before reading (see cleaning.py). A message that is not in a supported language gets
no labels and ``language_supported=False``: we say so instead of guessing.

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "scores": dict(self.scores),
            "score": self.score,
            "abusive": self.abusive,
            "spans": [s.to_dict() for s in self.spans],
            "language_supported": self.language_supported,
        }


CLEAN = ToneResult()
UNSUPPORTED = ToneResult(language_supported=False)

_Pattern = tuple[float, re.Pattern[str]]


def _compile(entries: Iterable[tuple[float, str]]) -> list[_Pattern]:
    return [(w, re.compile(p)) for w, p in entries]


def _phrases(words: Iterable[str], weight: float = 0.8) -> list[_Pattern]:
    """Extra phrases from goodfit.toml: matched literally, as whole words, any case."""
    return [(weight, re.compile(r"\b" + re.escape(w.lower()) + r"\b")) for w in words if w]


class ToneScorer:
    """A compiled tone model for one ``[tone]`` configuration; reuse it for many texts."""

    def __init__(self, settings: ToneSettings | None = None) -> None:
        self.settings = s = settings or ToneSettings()
        self._profanity = _compile([(0.8, lexicon.PROFANE_WORD)]) + _phrases(s.extra_profanity)
        self._insult = _compile(lexicon.INSULT) + _phrases(s.extra_insult_phrases)
        self._inherent = re.compile(lexicon.INHERENT_INSULT)
        self._self_before = re.compile(lexicon.SELF_BEFORE)
        self._self_after = re.compile(lexicon.SELF_AFTER)
        self._threat_intent = _compile(lexicon.THREAT_WITH_INTENT)
        self._threat_always = _compile(lexicon.THREAT_ALWAYS) + _phrases(s.extra_threat_phrases)
        self._intent = re.compile(lexicon._INTENT)
        self._threat_not = re.compile(lexicon.THREAT_NOT)
        self._demand = _compile(lexicon.DEMAND) + _phrases(s.extra_demand_phrases)

    # -- one message ------------------------------------------------------------
    def score(self, text: str) -> ToneResult:
        if not text or text.isspace():
            return CLEAN
        cleaned = strip_quotes_and_signatures(text)
        if not language_supported(cleaned):
            return UNSUPPORTED
        low = _lower_same_length(cleaned)
        hits: list[tuple[str, int, int, float]] = []
        for w, p in self._profanity:
            hits.extend(("profanity", m.start(), m.end(), w) for m in p.finditer(low))
        for w, p in self._insult:
            hits.extend(("insult", m.start(), m.end(), w) for m in p.finditer(low))
        for m in self._inherent.finditer(low):
            if not self._said_of_oneself(low, m.start(), m.end()):
                hits.append(("insult", m.start(), m.end(), 0.85))
        for w, p in self._threat_always:
            hits.extend(("threat", m.start(), m.end(), w) for m in p.finditer(low))
        for w, p in self._threat_intent:
            for m in p.finditer(low):
                sentence = _sentence(low, m.start(), m.end())
                if self._intent.search(sentence) and not self._threat_not.search(sentence):
                    hits.append(("threat", m.start(), m.end(), w))
        for w, p in self._demand:
            hits.extend(("demand", m.start(), m.end(), w) for m in p.finditer(low))
        s = self.settings
        hits.extend(("shouting", a, b, w) for a, b, w in find_shouting(
            cleaned, min_caps_words=s.shouting_min_caps_words,
            min_exclamations=s.shouting_min_exclamations, extra_acronyms=s.acronyms))
        if not hits:
            return CLEAN
        return self._result(text, hits)

    def score_many(self, texts: Iterable[str | None]) -> list[ToneResult]:
        score = self.score
        return [score(t) if t else CLEAN for t in texts]

    # -- helpers ----------------------------------------------------------------
    def _said_of_oneself(self, low: str, start: int, end: int) -> bool:
        before = low[max(0, start - 40):start]
        return bool(self._self_before.search(before) or self._self_after.search(low[end:]))

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


def _merge(found: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Overlapping spans of one label become one, so evidence is quoted once."""
    out: list[tuple[int, int]] = []
    for a, b, _ in sorted(found):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _sentence(low: str, start: int, end: int) -> str:
    """The sentence around a match: intent ("I'll …") must be in the same sentence."""
    s = max(low.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (low.find(c, end) for c in ".!?\n") if i != -1]
    return low[s:min(ends) if ends else len(low)]


def _lower_same_length(text: str) -> str:
    """Lower-case without moving offsets (a few characters lower-case to two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=8)
def _scorer_for(settings_json: str) -> ToneScorer:
    return ToneScorer(ToneSettings.model_validate_json(settings_json))


def scorer(settings: ToneSettings | None = None) -> ToneScorer:
    """The compiled scorer for ``settings`` (cached: compiling takes milliseconds)."""
    return _scorer_for((settings or ToneSettings()).model_dump_json())


def score_tone(text: str, settings: ToneSettings | None = None) -> ToneResult:
    """Tone labels, scores and evidence spans for one customer-authored message."""
    return scorer(settings).score(text)


def score_tone_batch(texts: Sequence[str | None],
                     settings: ToneSettings | None = None) -> list[ToneResult]:
    """``score_tone`` for many messages (None and empty texts are clean)."""
    return scorer(settings).score_many(texts)
