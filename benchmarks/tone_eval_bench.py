"""Tone quality on a labelled message set: precision and recall per label, per language.

    PYTHONPATH=src python benchmarks/tone_eval_bench.py [FILE.csv ...] [--mistakes]

Reads goodfit's own set (tests/data/tone_eval.csv: id, text, labels, abusive, domain,
source) or a blind set with columns text, abusive_toward_staff (yes/no) and language.
Prints, per file, abusive precision/recall overall and per language, and for the own set
the per-label table that docs/tone.md shows.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

from goodfit.text.evaluation import evaluate, load_examples
from goodfit.text.language import language_of
from goodfit.text.tone import ToneScorer

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "tone_eval.csv"


def _pr(pairs: list[tuple[bool, bool]]) -> str:
    tp = sum(w and g for w, g in pairs)
    fp = sum(g and not w for w, g in pairs)
    fn = sum(w and not g for w, g in pairs)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"{len(pairs):5d} msgs {tp + fn:4d} abusive  precision {p:.3f}  recall {r:.3f}"


def run(path: Path, show_mistakes: bool) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    scorer = ToneScorer()
    if rows and "abusive_toward_staff" in rows[0]:
        texts = [r["text"] for r in rows]
        want = [r["abusive_toward_staff"].strip().lower() in ("yes", "1", "true") for r in rows]
        langs = [r.get("language", "?").strip().lower() or "?" for r in rows]
    else:
        examples = load_examples(path)
        print(evaluate(examples, scorer).table())
        texts = [e.text for e in examples]
        want = [e.abusive for e in examples]
        langs = [language_of(t) or "other" for t in texts]
    got = [r.abusive for r in scorer.score_many(texts)]
    print(f"{path.name}: abusive toward staff")
    print(f"  all    {_pr(list(zip(want, got, strict=True)))}")
    by: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for lang, w, g in zip(langs, want, got, strict=True):
        by[lang].append((w, g))
    for lang in sorted(by):
        print(f"  {lang:6s} {_pr(by[lang])}")
    if show_mistakes:
        for t, w, g in zip(texts, want, got, strict=True):
            if w != g:
                print(f"  {'missed' if w else 'false alarm'}: {t[:100]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--mistakes", action="store_true")
    args = ap.parse_args(argv)
    for path in args.files:
        run(path, args.mistakes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
