"""Tone quality on a labelled message set: abusive precision/recall overall and per language.

    PYTHONPATH=src python benchmarks/tone_eval_bench.py --file PATH.csv [--file ...]
        [--model embedding|lexicon|auto] [--mistakes] [--speed N]

A file is goodfit's own set (tests/data/tone_eval.csv: id, text, labels, abusive, ...) or
a blind-style set with columns text, language and abusive_toward_staff (yes/no). With no
--file, goodfit's own set is read and its per-label table (docs/tone.md) printed too.

--model chooses who decides abuse: "embedding" (the tone model; needs
pip install 'goodfit[tone-model]'), "lexicon" (the word list), "auto" (default: the
model when installed). --speed N times N messages of the first file (repeated to N) for
the chosen path and prints messages per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from goodfit.config import ToneSettings
from goodfit.text.evaluation import evaluate, evaluate_abuse_file, load_examples
from goodfit.text.tone import ToneScorer, score_tone_batch
from goodfit.text.tone_model import load_labelled, use_model

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "tone_eval.csv"


def run(path: Path, settings: ToneSettings, show_mistakes: bool) -> None:
    if path.name == DEFAULT.name and settings.model == "lexicon":
        print(evaluate(load_examples(path), ToneScorer(settings)).table())
    print(f"{path.name}: abusive toward staff ({'model' if use_model(settings) else 'lexicon'})")
    print("| language | messages | abusive | precision | recall |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for q in evaluate_abuse_file(path, settings):
        print(f"| {q.group} | {q.messages} | {q.abusive} | {q.precision:.3f} | {q.recall:.3f} |")
    if show_mistakes:
        examples = load_labelled(path)
        results = score_tone_batch([e.text for e in examples], settings)
        for e, r in zip(examples, results, strict=True):
            if e.abusive != r.abusive:
                kind = "missed" if e.abusive else "false alarm"
                print(f"  {kind} [{e.language}] p={r.model_score}: {e.text[:110]!r}")


def speed(path: Path, settings: ToneSettings, n: int) -> None:
    texts = [e.text for e in load_labelled(path)]
    texts = (texts * (n // max(len(texts), 1) + 1))[:n]
    score_tone_batch(texts[:2], settings)  # load the model outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    score_tone_batch(texts, settings)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"speed ({'model' if use_model(settings) else 'lexicon'}): {n} messages in "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU of this process: {n / wall:,.1f} messages/s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="same as --file")
    ap.add_argument("--file", dest="more", action="append", type=Path, default=[])
    ap.add_argument("--model", choices=("embedding", "lexicon", "auto"), default="auto")
    ap.add_argument("--mistakes", action="store_true")
    ap.add_argument("--speed", type=int, default=0, metavar="N")
    args = ap.parse_args(argv)
    settings = ToneSettings(model=args.model)
    if args.model == "auto" and not use_model(settings):
        print("the tone model is not installed (pip install 'goodfit[tone-model]'): "
              "measuring the lexicon", file=sys.stderr)
    paths = [*args.files, *args.more] or [DEFAULT]
    for path in paths:
        run(path, settings, args.mistakes)
    if args.speed:
        speed(paths[0], settings, args.speed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
