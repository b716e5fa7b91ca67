"""Resolution codes: ways to lift macro-F1 that goodfit tried and did not keep, measured
again on any labelled ticket CSV (or a demo seed) against goodfit's own choice and the
plain pipeline, on text_bench.py's held-out split.

    PYTHONPATH=src python benchmarks/resolution_variants.py --tickets-csv all_tickets.csv \
        --text-cols title body --label-col business_service \
        [--field-cols category=category priority=urgency]
    PYTHONPATH=src python benchmarks/resolution_variants.py --seed 42

Every variant learns from the same 80% (the tickets goodfit keeps of it) and is scored on
the same 20%; nothing it tunes sees the 20%:

- each candidate alone (the three goodfit tries, and two more: C 0.3 balanced, C 1);
- goodfit's choice: the candidate with the best cross-validated macro-F1 + accuracy;
- per-code offsets: a number added to each code's score, tuned by coordinate ascent on
  the 80%'s out-of-fold scores to maximise macro-F1 + accuracy (macro-F1 rewards
  answering rare codes more often), then added to the test tickets' scores;
- the ensemble: the sum of the three candidates' log-probabilities (scores scaled by
  their out-of-fold spread), with and without offsets;
- with ``--vectors FILE.npy``: the tone model's e5-small sentence vectors (384 numbers
  per ticket, one row per CSV row, made by ``--embed FILE.npy`` once: about 65 ms a
  ticket on 2 cores) beside the TF-IDF features, at weights 0.5 and 1, each candidate
  and the choice among them.

Macro-F1 is scikit-learn's over the codes in the test tickets' truth or predictions, as
in text_bench.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from goodfit.config import TextSettings
from goodfit.text.corpus import TicketTexts
from goodfit.text.resolution import (
    CANDIDATES,
    Candidate,
    _features,
    _fit_linear,
    _linear_logits,
    _softmax,
    code_order,
    picked_training_set,
    training_rows,
)

sys.path.insert(0, str(Path(__file__).parent))
import text_bench  # noqa: E402  (the same CSV reader, split and plain pipeline)

EXTRA = (Candidate("svm", 0.3, True), Candidate("svm", 1.0, False))
GRID = np.linspace(-1.0, 1.0, 41)


def f1_plus_accuracy(y: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Macro-F1 (over codes present in ``y``) + accuracy, from counts: fast enough to
    call thousands of times while tuning offsets."""
    tp = np.bincount(y[pred == y], minlength=k).astype(float)
    denom = np.bincount(pred, minlength=k) + np.bincount(y, minlength=k)
    f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    return float(f1[np.bincount(y, minlength=k) > 0].mean() + tp.sum() / len(y))


def tune_offsets(z: np.ndarray, y: np.ndarray, passes: int = 3) -> np.ndarray:
    """Per-code offsets on scores ``z`` (spread about 1), one code at a time: only the
    tickets whose answer moves between that code and their best other one change."""
    k = z.shape[1]
    b = np.zeros(k)
    for _ in range(passes):
        moved = False
        for j in range(k):
            others = z + b
            others[:, j] = -np.inf
            top, arg = others.max(axis=1), others.argmax(axis=1)
            values = [f1_plus_accuracy(y, np.where(z[:, j] + g > top, j, arg), k)
                      for g in GRID]
            best = float(GRID[int(np.argmax(values))])
            moved |= best != b[j]
            b[j] = best
        if not moved:
            break
    return b


def variants(texts: TicketTexts, vectors: np.ndarray | None = None) -> None:
    settings = TextSettings()
    coded, labels, _ = training_rows(texts.resolution_code, settings)
    data = texts.take(coded)
    fields = data.field_tokens()
    has_fields = any(fields)
    train, test = train_test_split(np.arange(len(labels)), test_size=0.2, stratify=labels,
                                   random_state=0)
    picked, picked_labels, excluded = training_rows([labels[i] for i in train], settings)
    train = np.array([int(train[i]) for i in picked])
    features, X = _features(picked_training_set(data.take(list(train)), picked_labels,
                                                excluded))
    classes = code_order(picked_labels, settings)
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[c] for c in picked_labels])
    Xt = features.transform([data.full[i] for i in test],
                            [fields[i] for i in test] if has_fields else None)
    truth = [labels[i] for i in test]
    folds = list(StratifiedKFold(settings.cv_folds, shuffle=True, random_state=0)
                 .split(np.zeros(len(y)), y))
    k = len(classes)

    def fit(X: sp.csr_matrix, Xt: sp.csr_matrix, candidates: list[Candidate]
            ) -> tuple[dict[Candidate, np.ndarray], dict[Candidate, np.ndarray]]:
        """Each candidate's out-of-fold scores on the 80% and its scores on the 20%."""
        oof = {c: np.zeros((len(y), k)) for c in candidates}
        scores = {}
        for c in candidates:
            for tr, te in folds:
                oof[c][te] = _linear_logits(X[te], *_fit_linear(X[tr], y[tr], c))
            scores[c] = _linear_logits(Xt, *_fit_linear(X, y, c))
        return oof, scores

    def choose(oof: dict[Candidate, np.ndarray]) -> Candidate:
        """goodfit's rule (resolution._cross_validate): the best out-of-fold macro-F1 +
        accuracy, the earlier candidate on a tie."""
        return max(CANDIDATES, key=lambda c: (f1_plus_accuracy(y, oof[c].argmax(axis=1), k),
                                              -CANDIDATES.index(c)))

    candidates = list(CANDIDATES) + list(EXTRA)
    oof, scores = fit(X, Xt, candidates)

    def line(name: str, z_oof: np.ndarray, z_test: np.ndarray) -> None:
        po = z_oof.argmax(axis=1)
        pred = [classes[j] for j in z_test.argmax(axis=1)]
        print(f"  {name:34s} out-of-fold {f1_score(y, po, average='macro', zero_division=0):.3f}"
              f" / {accuracy_score(y, po):.3f}   held-out "
              f"{f1_score(truth, pred, average='macro', zero_division=0):.3f} / "
              f"{accuracy_score(truth, pred):.3f}", flush=True)

    docs = text_bench.plain_docs(list(data.full), fields)
    plain = text_bench._plain(has_fields).fit([docs[i] for i in train], picked_labels)
    bpred = list(plain.predict([docs[i] for i in test]))
    print(f"{len(y):,} training tickets, {len(test):,} held out, {k} codes"
          f"{', text + fields' if has_fields else ''} (macro-F1 / accuracy)")
    print(f"  {'plain TF-IDF + LinearSVC':34s} {'':28s} held-out "
          f"{f1_score(truth, bpred, average='macro', zero_division=0):.3f} / "
          f"{accuracy_score(truth, bpred):.3f}")
    for c in candidates:
        line(c.label + ("" if c in CANDIDATES else " (not a candidate)"), oof[c], scores[c])
    chosen = choose(oof)
    line(f"goodfit's choice ({chosen.label})", oof[chosen], scores[chosen])
    for c in candidates:
        spread = float(oof[c].std())
        b = tune_offsets(oof[c] / spread, y)
        line(f"{c.label} + offsets", oof[c] / spread + b, scores[c] / spread + b)
    ens_oof = sum(np.log(_softmax(3 * oof[c] / oof[c].std())) for c in CANDIDATES)
    ens_test = sum(np.log(_softmax(3 * scores[c] / oof[c].std())) for c in CANDIDATES)
    assert isinstance(ens_oof, np.ndarray) and isinstance(ens_test, np.ndarray)
    line("ensemble of the three", ens_oof, ens_test)
    spread = float(ens_oof.std())
    b = tune_offsets(ens_oof / spread, y)
    line("ensemble + offsets", ens_oof / spread + b, ens_test / spread + b)
    if vectors is None:
        return
    v = vectors[np.array(coded)]
    for weight in (0.5, 1.0):
        Xv = sp.hstack([X, sp.csr_matrix(weight * v[train])], format="csr")
        Xtv = sp.hstack([Xt, sp.csr_matrix(weight * v[test])], format="csr")
        oof_v, test_v = fit(Xv, Xtv, list(CANDIDATES))
        for c in CANDIDATES:
            line(f"{c.label} + vectors x{weight:g}", oof_v[c], test_v[c])
        pick = choose(oof_v)
        line(f"choice + vectors x{weight:g} ({pick.label})", oof_v[pick], test_v[pick])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tickets-csv", type=Path)
    ap.add_argument("--text-cols", nargs="+", default=["title", "body"])
    ap.add_argument("--label-col", default="business_service")
    ap.add_argument("--field-cols", nargs="*", default=[])
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, help="a demo seed instead of a CSV")
    ap.add_argument("--customers", type=int, default=1500)
    ap.add_argument("--embed", type=Path, help="write the tickets' e5 vectors here, then stop")
    ap.add_argument("--vectors", type=Path, help="e5 vectors written by --embed")
    args = ap.parse_args(argv)
    if args.tickets_csv:
        texts = text_bench.csv_texts(args.tickets_csv, args.text_cols, args.label_col,
                                     args.sample, text_bench.field_cols_arg(args.field_cols))
    elif args.seed is not None:
        texts, _ = text_bench.synth_texts(args.seed, args.customers)
    else:
        ap.error("give --tickets-csv FILE or --seed N")
    if args.embed:
        from goodfit.text.tone_model import embedder

        np.save(args.embed, embedder().embed(list(texts.full)))
        return 0
    vectors = None if args.vectors is None else np.load(args.vectors)
    if vectors is not None and len(vectors) != len(texts.full):
        ap.error(f"--vectors {args.vectors}: {len(vectors)} rows for {len(texts.full)} tickets")
    variants(texts, vectors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
