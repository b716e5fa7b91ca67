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

Which article answers a ticket (what an education digest sends, what a topic links) is a
separate, stricter question, and goodfit abstains when unsure. The article staff linked
in a reply (its URL, or its id when the id is distinctive, like ``KB-012``) is the
answer. Otherwise the question's best match is, when it is sure: its score and its lead
over the second article reach the pair at which, on the provider's own tickets with a
linked article, the question alone picks the linked article ``[text]
kb_article_precision`` of the time (tickets whose reply linked nothing count as having
no article, so a billing question that happens to score well is a miss). With too few
linked tickets the fixed ``kb_article_score`` and ``kb_article_margin`` apply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
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
    # rank-1 rows only: this article answers the ticket (linked by staff, or a sure match)
    ("confident", pa.bool_()),
])
# A cited article id must look like an identifier (letters and digits, 4+ characters),
# so that "1" or "faq" in a reply is not taken for a link.
_DISTINCTIVE_ID = re.compile(r"^(?=.*[a-z])(?=.*\d)[\w.-]{4,}$", re.IGNORECASE)
_MARGINS = (0.0, 0.02, 0.05, 0.1, 0.15)
# Pieces of a reply between spaces, quotes and brackets that hold a digit or a slash:
# every URL and distinctive id does. The lead-in is possessive (``*+``): it cannot hold a
# digit or slash, so giving characters back never helps, and not trying is 40% faster.
_PIECES = re.compile(r"(?<![^\s<>\"'()\[\]{}])[^\s<>\"'()\[\]{}\d/]*+[\d/][^\s<>\"'()\[\]{}]*")
_SCHEME = re.compile(r"^https?://")
_TRAILING = ".,;:!?*_"


@dataclass(frozen=True)
class Article:
    article_id: str
    title: str
    body: str = ""
    tags: str = ""
    url: str = ""

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

    def score_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """The 0–1 score of every article for every text (texts × articles)."""
        q, ceiling = self._queries(texts)
        scores = (q @ self.weights.T).toarray()
        scores /= np.where(ceiling > 0, ceiling, 1.0)[:, None]
        return np.asarray(scores)

    def search(self, texts: Sequence[str], k: int = TOP_K) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the k best articles per text (best first) and their 0–1 scores."""
        k = min(k, len(self.articles))
        if not texts or k == 0:
            return np.zeros((len(texts), 0), dtype=int), np.zeros((len(texts), 0))
        return top_k(self.score_matrix(texts), k)

    def _citation_keys(self) -> dict[str, int]:
        """Lower-case URL (without scheme or trailing slash) or distinctive id → article."""
        keys: dict[str, int] = {}
        for i, a in enumerate(self.articles):
            url = _SCHEME.sub("", a.url.strip().lower()).rstrip("/")
            if url:
                keys.setdefault(url, i)
            if _DISTINCTIVE_ID.match(a.article_id):
                keys.setdefault(a.article_id.lower(), i)
        return keys

    def cited(self, replies: Sequence[str]) -> list[list[int]]:
        """Per staff reply text, the articles it links (by URL or distinctive id), in order.

        A reply is cut at spaces, quotes and brackets; each piece with a digit or a slash,
        without its scheme and trailing punctuation, must be a whole URL, id or last URL
        segment equal to an id (so ``KB-0123`` is not ``KB-012``).
        """
        keys = self._citation_keys()
        out: list[list[int]] = []
        for text in replies:
            found: list[int] = []
            if keys and text:
                for piece in _PIECES.findall(text.lower()):
                    key = piece.strip(_TRAILING)
                    if key.startswith("http"):
                        key = _SCHEME.sub("", key)
                    key = key.rstrip("/").strip(_TRAILING)
                    i = keys.get(key)
                    if i is None and "/" in key:
                        i = keys.get(key.rsplit("/", 1)[1])
                    if i is not None and i not in found:
                        found.append(i)
            out.append(found)
        return out


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best columns per row, best first (ties: lower column first), and their scores."""
    if k < scores.shape[1]:
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        top = np.tile(np.arange(scores.shape[1]), (len(scores), 1))
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.lexsort((top, -top_scores), axis=1)
    return np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)


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
class ArticleCalibration:
    """When the question alone is sure enough of its best article to name it."""

    threshold: float  # best score needed
    margin: float  # lead of the best article's score over the second's needed
    source: str  # "config" or "calibrated"
    linked_tickets: int = 0  # tickets whose staff reply links an article
    replied_tickets: int = 0  # tickets with a staff reply: the calibration set
    # On the calibration set at (threshold, margin): of the tickets the question alone
    # names an article for, the share where it is the linked one...
    precision: float | None = None
    # ...and the share of linked tickets the question alone gets right.
    coverage: float | None = None


def calibrate_articles(top1: np.ndarray, best: np.ndarray, second: np.ndarray,
                       linked: np.ndarray, replied: np.ndarray,
                       settings: TextSettings) -> ArticleCalibration:
    """The (score, lead) pair that names the most linked articles right at the precision.

    ``linked`` is the article staff linked per ticket (-1: none); tickets with a staff
    reply that links nothing count as having no article. A cut needs at least
    ``kb_min_calibration_tickets`` tickets above it. When no pair reaches the precision
    the question alone is never sure: only a perfect match (score 1 and lead 1) would be.
    """
    n_linked, n_replied = int((linked >= 0).sum()), int(replied.sum())
    if n_linked < settings.kb_min_calibration_tickets:
        return ArticleCalibration(settings.kb_article_score, settings.kb_article_margin,
                                  "config", n_linked, n_replied)
    x, lead = best[replied], (best - second)[replied]
    right = (top1 == linked)[replied] & (linked[replied] >= 0)
    chosen: tuple[int, float, float, float] | None = None  # hits, threshold, margin, precision
    for m in _MARGINS:
        keep = lead >= m
        order = np.argsort(-x[keep], kind="stable")
        xs, rs = x[keep][order], right[keep][order]
        if not len(xs):
            continue
        hits = np.cumsum(rs)
        sent = np.arange(1, len(xs) + 1)
        cut = np.r_[xs[1:] != xs[:-1], True]  # a threshold keeps every tie or none
        good = np.flatnonzero(cut & (hits >= settings.kb_article_precision * sent)
                              & (sent >= settings.kb_min_calibration_tickets) & (xs > 0))
        if not len(good):
            continue
        j = int(good[np.argmax(hits[good])])
        if chosen is None or int(hits[j]) > chosen[0]:
            chosen = (int(hits[j]), float(xs[j]), m, float(hits[j] / sent[j]))
    if chosen is None:
        return ArticleCalibration(1.0, 1.0, "calibrated", n_linked, n_replied, None, 0.0)
    hits_, threshold, margin, precision = chosen
    return ArticleCalibration(threshold, margin, "calibrated", n_linked, n_replied,
                              precision, hits_ / n_linked)


@dataclass(frozen=True)
class KbMatches:
    table: pa.Table  # rows for ticket_kb_match
    calibration: Calibration
    tickets: int
    answerable: int
    article_calibration: ArticleCalibration | None = None
    # per ticket (texts order): the article that answers it, or None when unsure
    answers: tuple[str | None, ...] = ()
    linked: int = 0  # tickets whose answer staff linked
    matched: int = 0  # tickets whose answer is a sure match of the question


@dataclass(frozen=True)
class RawMatches:
    """Per ticket, before any calibration: the top articles (the staff-linked one first)
    and what the question alone matched. Spark computes these batch by batch and
    calibrates once over all of them, as :func:`match_tickets` does in one process."""

    tops: np.ndarray  # (tickets, k) article positions
    scores: np.ndarray  # (tickets, k)
    q_top1: np.ndarray  # the question's best article
    q_best: np.ndarray  # its score
    q_second: np.ndarray  # the runner-up's score
    linked: np.ndarray  # the article staff linked (-1: none)
    replied: np.ndarray  # a staff reply exists


def raw_matches(index: KbIndex, texts: TicketTexts,
                progress: Progress = NO_PROGRESS) -> RawMatches:
    n = len(texts)
    k = min(TOP_K, len(index))
    tops = np.zeros((n, k), dtype=int)
    scores = np.zeros(tops.shape)
    q_top1, q_best, q_second = (np.zeros(n, dtype=int), np.zeros(n), np.zeros(n))
    links = index.cited(texts.staff_replies())
    linked = np.full(n, -1)
    progress("matching tickets to articles", 0, n)
    for start in range(0, n, _BATCH):
        stop = min(start + _BATCH, n)
        if not k:
            break
        matrix = index.score_matrix(texts.question[start:stop])
        top, sc = top_k(matrix, k)
        q_top1[start:stop], q_best[start:stop] = top[:, 0], sc[:, 0]
        if k > 1:
            q_second[start:stop] = sc[:, 1]
        for row in range(stop - start):
            found = links[start + row]
            if not found:
                continue
            j = max(found, key=lambda a: (matrix[row, a], -a))  # the one the question fits
            linked[start + row] = j
            if top[row, 0] != j:
                top[row] = [j, *[a for a in top[row] if a != j][: k - 1]]
                sc[row] = matrix[row, top[row]]
        tops[start:stop], scores[start:stop] = top, sc
        progress("matching tickets to articles", stop, n)
    replied = np.array([bool(r.strip()) for r in texts.staff_replies()], dtype=bool)
    return RawMatches(tops, scores, q_top1, q_best, q_second, linked, replied)


def sure_answers(raw: RawMatches, acal: ArticleCalibration) -> np.ndarray:
    """Per ticket: staff linked the article, or the question's match is sure."""
    matched = (raw.linked < 0) & (raw.q_best > 0) & (raw.q_best >= acal.threshold) \
        & (raw.q_best - raw.q_second >= acal.margin)
    return np.asarray((raw.linked >= 0) | matched)


def match_tickets(index: KbIndex, texts: TicketTexts, settings: TextSettings,
                  progress: Progress = NO_PROGRESS) -> KbMatches:
    """Top-3 articles per ticket with scores, whether the docs answer the ticket, and the
    article that does when goodfit is sure (linked by staff first, at rank 1)."""
    return match_batches(index, [texts], settings, progress)


def match_batches(index: KbIndex, batches: Iterable[TicketTexts], settings: TextSettings,
                  progress: Progress = NO_PROGRESS, tickets: int = 0) -> KbMatches:
    """:func:`match_tickets` over batches of tickets (``tickets``: how many in all, for
    progress): each batch's text is read once and dropped; the calibrations see every
    ticket's scores."""
    matcher = KbMatcher(index, progress, tickets)
    for texts in batches:
        matcher.add(texts)
    return matcher.finish(settings)


class KbMatcher:
    """Collects each batch's raw matches (a few numbers per ticket), then calibrates once
    over all of them and builds the matches, as one batch would."""

    def __init__(self, index: KbIndex, progress: Progress = NO_PROGRESS,
                 tickets: int = 0) -> None:
        self.index, self._progress, self._total = index, progress, tickets
        self._raw: list[RawMatches] = []
        self.ticket_id: list[str] = []
        self.customer_id: list[str] = []
        self.codes: list[str | None] = []

    def add(self, texts: TicketTexts) -> None:
        before = len(self.ticket_id)
        everything = max(self._total, before + len(texts))

        def step(stage: str, done: int, total: int | None = None) -> None:
            self._progress(stage, before + done, everything)

        self._raw.append(raw_matches(self.index, texts, step))
        self.ticket_id.extend(texts.ticket_id)
        self.customer_id.extend(texts.customer_id)
        self.codes.extend(texts.resolution_code)

    def raw(self) -> RawMatches:
        k = min(TOP_K, len(self.index))
        if not self._raw:
            empty = np.zeros(0)
            return RawMatches(np.zeros((0, k), dtype=int), np.zeros((0, k)),
                              empty.astype(int), empty, empty, empty.astype(int),
                              empty.astype(bool))
        return RawMatches(*(np.concatenate([getattr(r, f) for r in self._raw])
                            for f in RawMatches.__dataclass_fields__))

    def finish(self, settings: TextSettings) -> KbMatches:
        index, n = self.index, len(self.ticket_id)
        k = min(TOP_K, len(index))
        raw = self.raw()
        self._raw = [raw]
        tops, scores = raw.tops, raw.scores
        cal = calibrate(raw.q_best, self.codes, settings)
        answerable = np.array([c == DOCUMENTATION if c is not None else bool(s >= cal.threshold)
                               for c, s in zip(self.codes, raw.q_best, strict=True)],
                              dtype=bool)
        acal = calibrate_articles(raw.q_top1, raw.q_best, raw.q_second, raw.linked,
                                  raw.replied, settings)
        sure = sure_answers(raw, acal)
        ids = np.array([a.article_id for a in index.articles] or [""], dtype=object)
        answers = tuple(ids[int(tops[i, 0])] if sure[i] and k else None for i in range(n))
        confident = np.zeros((n, k), dtype=bool)
        if k:
            confident[:, 0] = sure
        tid = pa.array(self.ticket_id, pa.string())
        cid = pa.array(self.customer_id, pa.string())
        take = pa.array(np.repeat(np.arange(n), k))
        table = pa.table({
            "ticket_id": tid.take(take),
            "customer_id": cid.take(take),
            "article_id": pa.array(ids[tops.ravel()] if k else [], pa.string()),
            "score": pa.array(scores.ravel(), pa.float64()),
            "rank": pa.array(np.tile(np.arange(1, k + 1), n), pa.int64()),
            "answerable": pa.array(np.repeat(answerable, k), pa.bool_()),
            "confident": pa.array(confident.ravel(), pa.bool_()),
        }, schema=KB_MATCH_SCHEMA)
        return KbMatches(table, cal, n, int(answerable.sum()), acal, answers,
                         int((raw.linked >= 0).sum()), int((sure & (raw.linked < 0)).sum()))


def recall_at(index: KbIndex, questions: Sequence[str], right: Sequence[str],
              ks: Sequence[int] = (1, 3)) -> dict[int, float]:
    """Share of questions whose right article is among the top k, for each k."""
    top, _ = index.search(questions, k=max(ks))
    ids = np.array([a.article_id for a in index.articles])[top]
    hits = ids == np.array(right)[:, None]
    return {k: float(hits[:, :k].any(axis=1).mean()) for k in ks}
