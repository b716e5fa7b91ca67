"""Tone lint: outgoing text must not blame or bad-mouth the customer.

A small, configurable phrase lexicon (``[actions] blame_phrases``), matched on whole
words, case-insensitively, with any run of spaces or line breaks between words. It is
deliberately simple and explainable: each finding names the phrase and where it is, so a
person can reword the text or (manager, owner) approve it with a written reason.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from goodfit.config import ActionsSettings


@dataclass(frozen=True)
class Finding:
    phrase: str
    start: int
    end: int
    text: str  # the words as written

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def lint(text: str, settings: ActionsSettings) -> list[Finding]:
    """Every blaming phrase in ``text``, in order of appearance."""
    allowed = [(m.start(), m.end()) for p in settings.allow_phrases
               for m in _pattern(p).finditer(text)]
    found: list[Finding] = []
    for phrase in settings.blame_phrases:
        if not phrase.strip():
            continue
        for m in _pattern(phrase).finditer(text):
            if any(a <= m.start() and m.end() <= b for a, b in allowed):
                continue
            found.append(Finding(phrase, m.start(), m.end(), m.group(0)))
    found.sort(key=lambda f: (f.start, -f.end))
    return found


def describe(findings: list[Finding]) -> str:
    return "; ".join(f"'{f.text}' (at {f.start})" for f in findings)
