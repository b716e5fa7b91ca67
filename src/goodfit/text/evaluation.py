"""Precision and recall of the tone labels against a hand-labelled set.

The set (tests/data/tone_eval.csv) is written and labelled by people; see its .md file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

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
