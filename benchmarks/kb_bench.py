"""Knowledge-base matching benchmark: goodfit's vectorised BM25 vs the bm25s library.

    python benchmarks/kb_bench.py [--tickets 200000]

Both run in this process on the same tickets and the same 31-article knowledge base
(tests/data/kb_eval): tickets/s for tokenising + scoring + top-3 (goodfit also builds the
``ticket_kb_match`` Arrow table), goodfit's time as a ratio of bm25s's, recall@1/@3 of
both on the hand-written evaluation questions, and peak RSS. Target: ≥5,000 tickets/s.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import bm25s  # noqa: E402
import numpy as np  # noqa: E402

from goodfit.config import TextSettings  # noqa: E402
from goodfit.text.corpus import TicketTexts  # noqa: E402
from goodfit.text.kb import Article, KbIndex, match_tickets, recall_at  # noqa: E402

KB_EVAL = HERE.parent / "tests" / "data" / "kb_eval"
CHATTER = ["Hi team,", "Thanks in advance.", "This is urgent, our shop is down!",
           "Regards, Ada", "I already tried twice.", "Sent from my phone", "",
           "We have been customers for years.", "Please advise."]


def read(name: str) -> list[dict[str, str]]:
    with (KB_EVAL / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tickets(n: int, questions: list[dict[str, str]]) -> TicketTexts:
    """Evaluation questions wrapped in everyday chatter, so no two tickets are equal."""
    rng = random.Random(0)
    ids, subjects, texts = [], [], []
    for i in range(n):
        q = rng.choice(questions)
        body = " ".join([rng.choice(CHATTER), q["body"], rng.choice(CHATTER)])
        ids.append(f"T{i}")
        subjects.append(q["subject"])
        texts.append(f"{q['subject']}\n{body}")
    return TicketTexts(ticket_id=ids, customer_id=[f"C{i % 5000}" for i in range(n)],
                       resolution_code=[None] * n, subject=subjects, question=texts,
                       full=texts, staff_minutes=[0.0] * n, minutes_estimated=[True] * n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    args = parser.parse_args()
    rows, questions = read("articles.csv"), read("questions.csv")
    articles = [Article(r["article_id"], r["title"], r["body"], r["tags"]) for r in rows]
    data = tickets(args.tickets, questions)

    start = time.perf_counter()
    index = KbIndex(articles)
    result = match_tickets(index, data, TextSettings())
    ours = time.perf_counter() - start
    assert result.table.num_rows == 3 * args.tickets
    rss_ours = peak_rss_mb()

    start = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([a.text() for a in articles], stopwords="en",
                                   show_progress=False), show_progress=False)
    tokens = bm25s.tokenize(data.question, stopwords="en", show_progress=False)
    docs, _ = retriever.retrieve(tokens, k=3, show_progress=False)
    theirs = time.perf_counter() - start
    rss_theirs = peak_rss_mb()

    texts = [f"{q['subject']}\n{q['body']}" for q in questions]
    right = [q["article_id"] for q in questions]
    ours_recall = recall_at(index, texts, right)
    ids = np.array([a.article_id for a in articles])
    top, _ = retriever.retrieve(bm25s.tokenize(texts, stopwords="en", show_progress=False),
                                k=3, show_progress=False)
    hits = ids[top] == np.array(right)[:, None]
    theirs_recall = {1: float(hits[:, :1].any(axis=1).mean()), 3: float(hits.any(axis=1).mean())}

    n = args.tickets
    print(f"KB matching, {n:,} tickets against {len(articles)} articles")
    print(f"  goodfit BM25 (+ Arrow table): {n / ours:>10,.0f} tickets/s  {ours:6.2f} s  "
          f"recall@1 {ours_recall[1]:.3f}  recall@3 {ours_recall[3]:.3f}  "
          f"peak RSS {rss_ours:,.0f} MB")
    print(f"  bm25s (baseline):             {n / theirs:>10,.0f} tickets/s  {theirs:6.2f} s  "
          f"recall@1 {theirs_recall[1]:.3f}  recall@3 {theirs_recall[3]:.3f}  "
          f"peak RSS {rss_theirs:,.0f} MB")
    print(f"  goodfit time / bm25s time: {ours / theirs:.2f}   target ≥5,000 tickets/s: "
          f"{'met' if n / ours >= 5000 else 'NOT met'}")


if __name__ == "__main__":
    main()
