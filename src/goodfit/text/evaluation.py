"""Precision and recall of the tone labels against a hand-labelled set.

The set (tests/data/tone_eval.csv) is written and labelled by people; see its .md file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from goodfit.config import ToneSettings
from goodfit.text.tone import LABELS, ToneResult, ToneScorer


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    labels: frozenset[str]
    abusive: bool
    domain: str
    source: str


@dataclass(frozen=True)
class LabelQuality:
    label: str
    support: int  # examples that carry the label
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class ToneEvaluation:
    examples: int
    rows: list[LabelQuality]
    # (example id, expected labels, predicted labels) where they differ, for reading.
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)

    def row(self, label: str) -> LabelQuality:
        return next(r for r in self.rows if r.label == label)

    def table(self) -> str:
        lines = ["| label | support | precision | recall |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {r.label} | {r.support} | {r.precision:.3f} | {r.recall:.3f} |"
                  for r in self.rows]
        return "\n".join(lines)


def load_examples(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [Example(r["id"], r["text"], frozenset(x for x in r["labels"].split(";") if x),
                        r["abusive"] == "1", r["domain"], r["source"])
                for r in csv.DictReader(fh)]


def evaluate(examples: Iterable[Example], scorer: ToneScorer | None = None) -> ToneEvaluation:
    scorer = scorer or ToneScorer()
    examples = list(examples)
    results: list[ToneResult] = scorer.score_many([e.text for e in examples])
    rows = []
    for label in (*LABELS, "abusive"):
        tp = fp = fn = support = 0
        for e, r in zip(examples, results, strict=True):
            want = e.abusive if label == "abusive" else label in e.labels
            got = r.abusive if label == "abusive" else label in r.labels
            support += want
            tp += want and got
            fp += got and not want
            fn += want and not got
        rows.append(LabelQuality(label, support, tp, fp, fn))
    mistakes = [(e.id, ";".join(sorted(e.labels)), ";".join(sorted(r.labels)))
                for e, r in zip(examples, results, strict=True)
                if set(r.labels) != set(e.labels) or r.abusive != e.abusive]
    return ToneEvaluation(len(examples), rows, mistakes)


@dataclass(frozen=True)
class AbuseQuality:
    """Precision and recall of "abusive toward staff" on one group of messages."""

    group: str  # "all" or a language code
    messages: int
    abusive: int  # messages labelled abusive by hand
    tp: int
    fp: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.abusive if self.abusive else 1.0


def evaluate_abuse_file(path: Path, settings: ToneSettings | None = None) -> list[AbuseQuality]:
    """Abusive-toward-staff precision/recall of a labelled CSV, overall and per language.

    The CSV is goodfit's own set (tests/data/tone_eval.csv) or a blind-style set with
    columns text, language and abusive_toward_staff (yes/no); see load_labelled.
    ``settings`` decide lexicon or model (``[tone] model``).
    """
    from goodfit.text.tone import score_tone_batch
    from goodfit.text.tone_model import load_labelled

    examples = load_labelled(path)
    results = score_tone_batch([e.text for e in examples], settings)
    groups: dict[str, list[int]] = {"all": list(range(len(examples)))}
    for i, e in enumerate(examples):
        groups.setdefault(e.language, []).append(i)
    out = []
    for group in ["all", *sorted(g for g in groups if g != "all")]:
        idx = groups[group]
        out.append(AbuseQuality(
            group, len(idx), sum(examples[i].abusive for i in idx),
            sum(examples[i].abusive and results[i].abusive for i in idx),
            sum(results[i].abusive and not examples[i].abusive for i in idx)))
    return out
