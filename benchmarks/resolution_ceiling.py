"""How well could any model code the demo's tickets? The ceiling, from the ground truth.

    python benchmarks/resolution_ceiling.py DEMO_PROJECT

`goodfit synth` draws each ticket's resolution code at random from its *intent*
(goodfit.synth.text.INTENT_CODES: a bug ticket is software_bug_open or software_bug_fixed
by a coin flip, a billing ticket information_request, other or reassigned), after its
text is written, so nothing in a ticket says more about its code than its intent does.
A model that knew every coded ticket's intent exactly is therefore as good as any model
can be. This script reads the coded tickets from the project's warehouse and their
intent from ``synthetic-data/ground_truth/tickets.csv`` and prints, for such a model:

- answering each intent's commonest code (the best accuracy);
- the best deterministic intent → code mapping for macro-F1 (local search);
- the best *randomised* one (per intent, a mix of codes; macro-F1 rewards guessing a
  rare code sometimes), optimised over expected counts from several starts.

The last is the ceiling for macro-F1 (up to the sampling noise of a finite split).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import numpy as np
from scipy.optimize import minimize


def macro_f1(n: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """Expected macro-F1 and accuracy when intent i answers code c with probability
    q[i, c]; n[i, c] counts coded tickets of intent i with code c."""
    tp = (n * q).sum(0)
    predicted = (n.sum(1)[:, None] * q).sum(0)
    actual = n.sum(0)
    f1 = np.where(predicted + actual > 0, 2 * tp / np.maximum(predicted + actual, 1e-12), 0)
    return float(f1.mean()), float(tp.sum() / n.sum())


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    project = Path(sys.argv[1])
    truth_file = project / "synthetic-data" / "ground_truth" / "tickets.csv"
    with truth_file.open(newline="") as f:
        intent = {r["ticket_id"]: r["intent"] for r in csv.DictReader(f)}
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as con:
        coded = con.execute("SELECT ticket_id, resolution_code FROM tickets "
                            "WHERE resolution_code IS NOT NULL").fetchall()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for ticket, code in coded:
        counts[intent[ticket]][code] += 1
    intents, codes = sorted(counts), sorted({c for _, c in coded})
    n = np.array([[counts[i][c] for c in codes] for i in intents], dtype=float)

    def one_hot(mapping: dict[str, str]) -> np.ndarray:
        return np.eye(len(codes))[[codes.index(mapping[i]) for i in intents]]

    commonest = {i: counts[i].most_common(1)[0][0] for i in intents}
    best, best_f1 = dict(commonest), macro_f1(n, one_hot(commonest))[0]
    improved = True
    while improved:  # change one intent's answer at a time while macro-F1 rises
        improved = False
        for i in intents:
            for c in codes:
                trial = {**best, i: c}
                f1 = macro_f1(n, one_hot(trial))[0]
                if f1 > best_f1 + 1e-12:
                    best, best_f1, improved = trial, f1, True

    def loss(theta: np.ndarray) -> float:
        z = theta.reshape(n.shape)
        q = np.exp(z - z.max(1, keepdims=True))
        return -macro_f1(n, q / q.sum(1, keepdims=True))[0]

    rng = np.random.default_rng(0)
    starts = [np.log(one_hot(best) * 0.9 + 0.01).ravel(),
              np.log(n / n.sum(1, keepdims=True) + 1e-3).ravel(),
              *(rng.normal(0, 0.5, n.size) for _ in range(30))]
    result = min((minimize(loss, x0, method="L-BFGS-B") for x0 in starts),
                 key=lambda r: float(r.fun))
    z = result.x.reshape(n.shape)
    q = np.exp(z - z.max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)

    print(f"{len(coded):,} coded tickets, {len(intents)} intents, {len(codes)} codes")
    f1, acc = macro_f1(n, one_hot(commonest))
    print(f"intent known, its commonest code:            macro-F1 {f1:.3f}, accuracy {acc:.3f}")
    f1, acc = macro_f1(n, one_hot(best))
    print(f"intent known, best fixed answer for macro-F1: macro-F1 {f1:.3f}, accuracy {acc:.3f}")
    f1, acc = macro_f1(n, q)
    print(f"intent known, best mixed answer (ceiling):    macro-F1 {f1:.3f}, accuracy {acc:.3f}")
    for i, row in zip(intents, q, strict=True):
        mix = ", ".join(f"{c} {p:.2f}" for c, p in zip(codes, row, strict=True) if p > 0.01)
        print(f"  {i}: {mix}")


if __name__ == "__main__":
    main()
