"""Which knowledge-base articles answer a ticket: BM25 over the articles, vectorised.

Articles are indexed once (title and tags count double: they say what an article is
about). A ticket's question (subject + first customer message) becomes a sparse term
vector, and one sparse product scores every ticket against every article, so matching
runs at tens of thousands of tickets per second.

``score`` is the BM25 score divided by the most the question could score (every one of
its terms matched at saturation): the share of the question's search weight that the
article covers, between 0 and 1, comparable across short and long tickets. A ticket is
documentation-answerable when it is coded ``documentation``, or, when it has no code,
when its best score reaches ``[text] kb_answerable_score`` — or the threshold calibrated
on the provider's own coded tickets when there are enough of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from goodfit.config import TextSettings
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.text.analyzer import terms
from goodfit.text.corpus import TicketTexts

K1, B = 1.2, 0.75
TOP_K = 3
DOCUMENTATION = "documentation"
_BATCH = 20_000

KB_MATCH_SCHEMA = pa.schema([
    ("ticket_id", pa.string()), ("customer_id", pa.string()), ("article_id", pa.string()),
    ("score", pa.float64()), ("rank", pa.int64()), ("answerable", pa.bool_()),
])


@dataclass(frozen=True)
class Article:
    article_id: str
    title: str
    body: str = ""
    tags: str = ""

    def text(self) -> str:
        # Title and tags twice: they name the topic; the body also explains side issues.
        return f"{self.title}\n{self.title}\n{self.tags}\n{self.tags}\n{self.body}"


class KbIndex:
    """BM25 weights of the articles, as a sparse (articles × terms) matrix."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = list(articles)
        docs = [terms(a.text()) for a in self.articles]
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for d, words in enumerate(docs):
            counts: dict[int, int] = {}
            for w in words:
                t = vocab.setdefault(w, len(vocab))
                counts[t] = counts.get(t, 0) + 1
            for t, c in counts.items():
                rows.append(d)
                cols.append(t)
                vals.append(c)
        n = max(len(docs), 1)
        tf = sp.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocab)), dtype=float)
        df = np.bincount(cols, minlength=len(vocab)) if cols else np.zeros(0)
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        # The weight a term can reach at most; unknown words weigh like the rarest term.
        self.max_idf = math.log(1.0 + (n + 0.5) / 0.5)
        lengths = np.array([len(d) for d in docs], dtype=float)
        avg = lengths.mean() if len(docs) and lengths.mean() > 0 else 1.0
        tf = tf.tocoo()
        norm = K1 * (1 - B + B * lengths[tf.row] / avg)
        weights = self.idf[tf.col] * tf.data * (K1 + 1) / (tf.data + norm)
        self.weights = sp.csr_matrix((weights, (tf.row, tf.col)), shape=tf.shape)
        self.vocab = vocab

    def __len__(self) -> int:
        return len(self.articles)

    def _queries(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Binary query vectors and each query's best possible score."""
        indptr, indices = [0], []
        ceiling = np.zeros(len(texts))
        for i, text in enumerate(texts):
            seen = set(terms(text))
            bound = 0.0
            for w in seen:
                t = self.vocab.get(w)
                if t is None:
                    bound += self.max_idf
                else:
                    indices.append(t)
                    bound += self.idf[t]
            ceiling[i] = bound * (K1 + 1)
            indptr.append(len(indices))
        q = sp.csr_matrix((np.ones(len(indices)), indices, indptr),
                          shape=(len(texts), len(self.vocab)))
        return q, ceiling

    def search(self, texts: Sequence[str], k: int = TOP_K) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the k best articles per text (best first) and their 0–1 scores."""
        k = min(k, len(self.articles))
        if not texts or k == 0:
            return np.zeros((len(texts), 0), dtype=int), np.zeros((len(texts), 0))
        q, ceiling = self._queries(texts)
        scores = (q @ self.weights.T).toarray()
        scores /= np.where(ceiling > 0, ceiling, 1.0)[:, None]
        if k < scores.shape[1]:
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        else:
            top = np.tile(np.arange(scores.shape[1]), (len(texts), 1))
        top_scores = np.take_along_axis(scores, top, axis=1)
        # stable order: best score first, then article order for ties
        order = np.lexsort((top, -top_scores), axis=1)
        return np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order,
                                                                          axis=1)


@dataclass(frozen=True)
class Calibration:
    threshold: float
    source: str  # "config" or "calibrated"
    documentation_tickets: int = 0
    other_tickets: int = 0
    precision: float | None = None  # on the coded tickets, at the threshold
    recall: float | None = None


def calibrate(best_scores: np.ndarray, codes: Sequence[str | None],
              settings: TextSettings) -> Calibration:
    """The threshold on the best score that best separates 'documentation' tickets (F1)."""
    coded = np.array([c is not None for c in codes])
    is_doc = np.array([c == DOCUMENTATION for c in codes])
    n_doc, n_other = int(is_doc.sum()), int((coded & ~is_doc).sum())
    if min(n_doc, n_other) < settings.kb_min_calibration_tickets:
        return Calibration(settings.kb_answerable_score, "config", n_doc, n_other)
    x, y = best_scores[coded], is_doc[coded]
    best = (-1.0, settings.kb_answerable_score, 0.0, 0.0)
    for t in np.unique(np.round(x, 3)):
        pred = x >= t
        tp = float((pred & y).sum())
        if tp == 0:
            continue
        p, r = tp / pred.sum(), tp / y.sum()
        f1 = 2 * p * r / (p + r)
        if f1 > best[0]:
            best = (f1, float(t), float(p), float(r))
    return Calibration(best[1], "calibrated", n_doc, n_other, best[2], best[3])


@dataclass(frozen=True)
class KbMatches:
    table: pa.Table  # rows for ticket_kb_match
    calibration: Calibration
    tickets: int
    answerable: int


def match_tickets(index: KbIndex, texts: TicketTexts, settings: TextSettings,
                  progress: Progress = NO_PROGRESS) -> KbMatches:
    """Top-3 articles per ticket with scores, and whether the docs answer the ticket."""
    n = len(texts)
    tops = np.zeros((n, min(TOP_K, len(index))), dtype=int)
    scores = np.zeros(tops.shape)
    progress("matching tickets to articles", 0, n)
    for start in range(0, n, _BATCH):
        stop = min(start + _BATCH, n)
        tops[start:stop], scores[start:stop] = index.search(texts.question[start:stop])
        progress("matching tickets to articles", stop, n)
    best = scores[:, 0] if scores.shape[1] else np.zeros(n)
    cal = calibrate(best, texts.resolution_code, settings)
    answerable = [c == DOCUMENTATION if c is not None else bool(s >= cal.threshold)
                  for c, s in zip(texts.resolution_code, best, strict=True)]
    k = tops.shape[1]
    ids = [a.article_id for a in index.articles]
    table = pa.table({
        "ticket_id": np.repeat(np.array(texts.ticket_id, dtype=object), k).tolist(),
        "customer_id": np.repeat(np.array(texts.customer_id, dtype=object), k).tolist(),
        "article_id": [ids[j] for j in tops.ravel()],
        "score": scores.ravel().tolist(),
        "rank": np.tile(np.arange(1, k + 1), n).tolist(),
        "answerable": np.repeat(np.array(answerable, dtype=bool), k).tolist(),
    }, schema=KB_MATCH_SCHEMA)
    return KbMatches(table, cal, n, int(sum(answerable)))


def recall_at(index: KbIndex, questions: Sequence[str], right: Sequence[str],
              ks: Sequence[int] = (1, 3)) -> dict[int, float]:
    """Share of questions whose right article is among the top k, for each k."""
    top, _ = index.search(questions, k=max(ks))
    ids = np.array([a.article_id for a in index.articles])[top]
    hits = ids == np.array(right)[:, None]
    return {k: float(hits[:, :k].any(axis=1).mean()) for k in ks}
