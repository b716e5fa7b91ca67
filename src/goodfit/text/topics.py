"""Repeat topics: what customers keep asking, ranked by the staff time it costs.

Tickets' questions (subject + first customer message) become TF-IDF vectors over the
same stemmed words the knowledge-base search uses, reduced with LSA (truncated SVD) and
grouped with k-means. ``[text] topic_count`` fixes the number of groups; 0 chooses
√(tickets / 2), between 2 and 100. Groups smaller than ``[text] topic_min_tickets`` are
not recurring and are left out. Each topic carries a readable label (its most
distinctive words, as customers spell them), three example tickets (closest to the
centre), and the knowledge-base article that answers most of it, if one does, or "no
article — write one" — the list of what to document or automate next. A ticket's article
is the one ``goodfit kb match`` is sure of (linked by staff, or a sure match of the
question; ``goodfit.text.kb``); a topic links an article when it answers at least
``ARTICLE_SHARE`` of the topic's tickets, so a topic never links an article that answers
only a few of its questions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from goodfit.config import TextSettings
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.text.analyzer import STOP_WORDS, TOKEN, stem, terms
from goodfit.text.corpus import TicketTexts

# Up to 40 groups merged different questions on the demo (4 of its 10 costliest topics
# had one dominant KB article or none); √(tickets / 2) uncapped to 100 gives 58 groups
# there and 8 of 10 coherent, for 0.2 s more CPU.
MAX_AUTO_TOPICS = 100
FULL_KMEANS_TICKETS = 20_000
# 64 LSA dimensions and 3 k-means restarts instead of 100 and 10: 2.5x less CPU on the
# demo, and topics as pure or purer against its ground truth (share of tickets in their
# topic's commonest intent 0.871 vs 0.858; commonest intent + article 0.649 vs 0.599).
SVD_DIMS = 64
KMEANS_RESTARTS = 3
LABEL_TERMS = 3
# Words that recur in any helpdesk whatever the problem: they neither group tickets nor
# name a topic. Stop words and greetings are gone already (analyzer, cleaning); these are
# the polite filler and vague verbs customers wrap every question in.
_FILLER = frozenset(stem(w) for w in (
    "issue", "issues", "problem", "problems", "sorry", "bother", "advise", "possible",
    "explain", "step", "rush", "stupid", "similar", "asked", "before",
    "service", "id", "set", "thing", "things", "work", "working", "works", "fine", "new",
    "add", "able", "again", "thx", "hours", "days", "week", "fast", "quick", "quickly",
    "kind", "best", "wishes", "cheers", "request", "having", "sure", "maybe",
))
# Service and invoice numbers (S-0000031, 2026-00017) name one customer's thing, not a topic.
_IDENTIFIER = re.compile(r"^[a-z]*-?\d{4,}|\d+-\d+")
EXAMPLES = 3
# A topic links the article that answers at least this share of its tickets.
ARTICLE_SHARE = 0.5

TOPICS_SCHEMA = pa.schema([
    ("topic_id", pa.int64()), ("label", pa.string()), ("tickets", pa.int64()),
    ("staff_minutes", pa.float64()), ("customers", pa.int64()),
    ("example_ticket_ids", pa.string()), ("article_id", pa.string()),
])
TICKET_TOPIC_SCHEMA = pa.schema([("ticket_id", pa.string()), ("topic_id", pa.int64())])


@dataclass(frozen=True)
class Topic:
    topic_id: int  # 1 = the topic that costs the most staff time
    label: str
    tickets: int
    staff_minutes: float
    minutes_estimated: bool  # some minutes come from replies × [costs] reply_minutes
    customers: int
    example_ticket_ids: list[str]
    example_subjects: list[str]
    article_id: str | None  # None: no article answers most of it — write one
    article_title: str | None
    article_share: float = 0.0  # share of the topic's tickets the article answers


@dataclass(frozen=True)
class TopicsResult:
    topics: list[Topic]
    ticket_topic: pa.Table
    tickets: int
    unassigned: int  # tickets in groups too small to be a recurring topic

    def topics_table(self) -> pa.Table:
        return pa.Table.from_pylist([
            {"topic_id": t.topic_id, "label": t.label, "tickets": t.tickets,
             "staff_minutes": t.staff_minutes, "customers": t.customers,
             "example_ticket_ids": ",".join(t.example_ticket_ids), "article_id": t.article_id}
            for t in self.topics], schema=TOPICS_SCHEMA)


def topic_count(tickets: int, settings: TextSettings) -> int:
    if settings.topic_count:
        return max(1, min(settings.topic_count, tickets))
    return max(1, min(tickets, max(2, min(MAX_AUTO_TOPICS, round(math.sqrt(tickets / 2))))))


def _analyze(text: str) -> list[str]:
    words = [w for w in terms(text) if w not in _FILLER]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _surface_forms(texts: list[str]) -> dict[str, str]:
    """The commonest spelling of each stem, so labels read 'password', not 'passwor'."""
    words = Counter(w for text in texts for w in TOKEN.findall(text.lower()))
    best: dict[str, tuple[int, str]] = {}
    for w, n in words.items():  # each distinct word stemmed once
        if w in STOP_WORDS:
            continue
        s = stem(w)
        if s not in best or n > best[s][0] or (n == best[s][0] and w < best[s][1]):
            best[s] = (n, w)  # the commonest spelling; ties: the first in order
    return {s: w for s, (_, w) in best.items()}


def no_topics(n: int) -> TopicsResult:
    """The result for ``n`` tickets among which nothing recurs."""
    return TopicsResult([], pa.table({"ticket_id": [], "topic_id": []},
                                     schema=TICKET_TOPIC_SCHEMA), n, n)


def _docs(texts: TicketTexts) -> list[str]:
    # Subject twice: it is the customer's own one-line summary of the problem.
    return [f"{s}\n{q}" for s, q in zip(texts.subject, texts.question, strict=True)]


def _normalize(Z: np.ndarray) -> np.ndarray:
    """Rows to unit length (all-zero rows stay zero)."""
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    return np.asarray(Z / np.where(norms == 0, 1.0, norms))


def _row_norms(X: sp.csr_matrix) -> np.ndarray:
    """Each row's length (1 for an empty row), its squares summed left to right as
    scikit-learn's ``normalize`` does, so the vectors are equal to the last bit: the SVD
    of a tiny helpdesk can hinge on it (equal singular values)."""
    lengths = np.diff(X.indptr)
    order = np.argsort(-lengths, kind="stable")  # longest rows first
    starts, sorted_lengths = X.indptr[:-1][order], lengths[order]
    squares = X.data * X.data
    acc = np.zeros(len(order))
    for j in range(int(lengths.max()) if len(lengths) else 0):  # one term position at a time
        m = int(np.searchsorted(-sorted_lengths, -j, side="left"))  # rows longer than j
        acc[:m] += squares[starts[:m] + j]
    total = np.empty_like(acc)
    total[order] = acc
    return np.where(total == 0, 1.0, np.sqrt(total))


@dataclass
class Tfidf:
    """TF-IDF over ``_analyze`` terms: 1 + log(tf), smoothed idf, rows unit length (the
    scikit-learn recipe with ``sublinear_tf``, without importing scikit-learn: its import
    alone cost 1.5 s of a 5 s budget)."""

    vocab: dict[str, int]
    idf: np.ndarray

    @staticmethod
    def _counts(docs: list[str], vocab: dict[str, int] | None
                ) -> tuple[sp.csr_matrix, dict[str, int]]:
        grow = vocab is None
        index: dict[str, int] = {} if vocab is None else vocab
        indptr, cols, vals = [0], [], []
        for doc in docs:
            c = Counter(_analyze(doc))
            for term, n in c.items():
                j = index.get(term)
                if j is None:
                    if not grow:
                        continue
                    j = index[term] = len(index)
                cols.append(j)
                vals.append(n)
            indptr.append(len(cols))
        X = sp.csr_matrix((np.array(vals, dtype=float), np.array(cols, dtype=np.int64),
                           np.array(indptr, dtype=np.int64)), shape=(len(docs), len(index)))
        X.sort_indices()
        return X, index

    @classmethod
    def fit(cls, docs: list[str], min_df: int, max_df: float
            ) -> tuple[Tfidf, sp.csr_matrix] | None:
        X, index = cls._counts(docs, None)
        df = np.bincount(X.indices, minlength=X.shape[1])
        keep = (df >= min_df) & (df <= max_df * len(docs))
        if not keep.any():
            return None
        names = sorted(t for t, j in index.items() if keep[j])  # alphabetical, stable
        old = np.array([index[t] for t in names], dtype=np.int64)
        X = X[:, old]
        idf = np.log((1 + len(docs)) / (1 + df[old])) + 1
        model = cls({t: i for i, t in enumerate(names)}, idf)
        return model, model._weigh(X)

    def _weigh(self, X: sp.csr_matrix) -> sp.csr_matrix:
        X = X.tocsr(copy=True)
        X.data = (1 + np.log(X.data)) * self.idf[X.indices]
        X.data /= np.repeat(_row_norms(X), np.diff(X.indptr))
        return X

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        return self._weigh(self._counts(docs, self.vocab)[0])

    def names(self) -> np.ndarray:
        out = np.empty(len(self.vocab), dtype=object)
        for t, i in self.vocab.items():
            out[i] = t
        return out


def _svd(X: sp.csr_matrix, dims: int, seed: int = 0, n_iter: int = 3,
         oversamples: int = 10) -> np.ndarray:
    """The LSA projection (terms × dims): scikit-learn's ``TruncatedSVD(dims, n_iter=3,
    random_state=0)`` step for step (Halko et al.'s randomized SVD on the smaller side,
    LU-normalised power iterations, the same seeded draws, signs fixed by each
    component's largest entry), so topics are the ones it finds, without importing it."""
    from scipy import linalg  # loaded by fit_topics before its thread limit

    rs = np.random.RandomState(seed)
    transpose = X.shape[0] < X.shape[1]
    M = X.T if transpose else X
    Q = rs.normal(size=(M.shape[1], dims + oversamples))
    for _ in range(n_iter):
        Q, _l = linalg.lu(M @ Q, permute_l=True, check_finite=False)
        Q, _l = linalg.lu(M.T @ Q, permute_l=True, check_finite=False)
    Q, _r = linalg.qr(M @ Q, mode="economic", check_finite=False)
    u, _s, vt = linalg.svd(np.asarray(Q.T @ M), full_matrices=False, lapack_driver="gesdd",
                           check_finite=False)
    V = (Q @ u[:, :dims]).T if transpose else vt[:dims]  # components, one per row
    signs = np.sign(V[np.arange(len(V)), np.abs(V).argmax(axis=1)])
    return np.asarray((V * signs[:, None]).T)


def _kmeans_pp(Z: np.ndarray, k: int, rs: np.random.RandomState) -> np.ndarray:
    """Greedy k-means++ seeding, 2 + log k candidates per centre (scikit-learn's draws)."""
    n = len(Z)
    norms = np.einsum("ij,ij->i", Z, Z)
    ZT = np.ascontiguousarray(Z.T)  # a third faster products than the transposed view
    tries = 2 + int(np.log(k))
    first = rs.choice(n, p=np.ones(n) / n)
    centres = np.empty((k, Z.shape[1]))
    centres[0] = Z[first]
    closest = np.maximum(-2 * (Z[first] @ ZT) + norms[first] + norms, 0)
    pot = closest.sum()
    for c in range(1, k):
        cand = np.searchsorted(np.cumsum(closest), rs.uniform(size=tries) * pot)
        cand = np.minimum(cand, n - 1)
        d = -2 * (Z[cand] @ ZT)
        d += norms[cand][:, None]
        d += norms[None, :]
        np.maximum(d, 0, out=d)
        np.minimum(closest, d, out=d)
        pots = d.sum(axis=1)
        best = int(np.argmin(pots))
        pot, closest = pots[best], d[best]
        centres[c] = Z[cand[best]]
    return centres


def _nearest(Z: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Each row's nearest centre (the first on a tie)."""
    d = Z @ np.ascontiguousarray(-2 * C.T)
    d += np.einsum("ij,ij->i", C, C)
    return np.asarray(d.argmin(axis=1))


def _lloyd(Z: np.ndarray, C: np.ndarray, tol: float, max_iter: int
           ) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd iterations until no ticket changes group or the centres move less than
    ``tol`` (squared, summed); an emptied group takes the ticket farthest from its
    centre, as scikit-learn does. (labels, centres, inertia)"""
    k = len(C)
    old = np.full(len(Z), -1)
    labels = old
    stable = False
    for _it in range(max_iter):
        labels = _nearest(Z, C)
        counts = np.bincount(labels, minlength=k).astype(float)
        sums = np.asarray(sp.csr_matrix((np.ones(len(Z)), (labels, np.arange(len(Z)))),
                                        shape=(k, len(Z))) @ Z)
        empty = np.flatnonzero(counts == 0)
        if len(empty):
            far = ((Z - C[labels]) ** 2).sum(axis=1)
            if far.max() > 0:
                for new_id, i in zip(empty, np.argpartition(far, -len(empty))
                                     [:-len(empty) - 1:-1], strict=True):
                    sums[labels[i]] -= Z[i]
                    counts[labels[i]] -= 1
                    sums[new_id], counts[new_id] = Z[i], 1
        biggest = int(np.argmax(counts))
        new = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None],
                       sums[biggest] / max(counts[biggest], 1))
        shift = float(((new - C) ** 2).sum())
        C = new
        if np.array_equal(labels, old):
            stable = True
            break
        if shift <= tol:
            break
        old = labels
    if not stable:  # labels that match the final centres
        labels = _nearest(Z, C)
    return labels, C, float(((Z - C[labels]) ** 2).sum())


def _same_grouping(a: np.ndarray, b: np.ndarray) -> bool:
    first = np.full(a.max() + 1, -1)
    first[a[::-1]] = b[::-1]  # b's label at each group's first row
    return bool(np.array_equal(first[a], b))


def _kmeans(Z: np.ndarray, k: int, restarts: int, seed: int = 0, max_iter: int = 300,
            batch: int | None = None) -> tuple[np.ndarray, float]:
    """Seeded k-means: scikit-learn's ``KMeans(k, n_init=restarts, random_state=seed)``
    (k-means++ then Lloyd to convergence, tolerance 1e-4 × the mean variance, the best
    restart by inertia) step for step. ``batch``: the restarts fit on one seeded sample
    of that many rows (large helpdesks); the centres then assign every row. (centres,
    inertia of the rows fitted)"""
    rs = np.random.RandomState(seed)
    if batch is not None and len(Z) > batch:
        Z = Z[np.sort(rs.choice(len(Z), batch, replace=False))]
    mean = Z.mean(axis=0)
    fit = Z - mean  # centred, for accurate distances (as scikit-learn does)
    tol = 1e-4 * float(np.var(fit, axis=0).mean())
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _ in range(restarts):
        labels, C, inertia = _lloyd(fit, _kmeans_pp(fit, k, rs), tol, max_iter)
        if best is None or (inertia < best[0] and not _same_grouping(labels, best[2])):
            best = (inertia, C + mean, labels)
    assert best is not None
    return best[1], best[0]


@dataclass
class TopicModel:
    """Topics fitted on a set of tickets (all of them, or a sample of a large helpdesk):
    the vocabulary, the LSA projection and the k-means centres, and the fitted tickets'
    own vectors (labels and examples are read from them)."""

    sample: TicketTexts
    vectorizer: Tfidf
    svd: np.ndarray | None  # the LSA projection (terms × dims)
    centres: np.ndarray  # the k-means centres in the reduced space
    X: Any  # the sample's TF-IDF rows
    Z: np.ndarray  # ...reduced and unit length
    assign: np.ndarray  # the sample's topic (k-means group) per ticket
    k: int

    def assign_texts(self, texts: TicketTexts) -> np.ndarray:
        """The nearest topic of each ticket (any tickets, the same vocabulary)."""
        if not len(texts):
            return np.zeros(0, dtype=int)
        X = self.vectorizer.transform(_docs(texts))
        with threadpool_limits(limits=1):
            return _nearest(_reduce(X, self.svd), self.centres)


def _reduce(X: sp.csr_matrix, svd: np.ndarray | None) -> np.ndarray:
    return _normalize(np.asarray(X @ svd) if svd is not None else X.toarray())


def fit_topics(texts: TicketTexts, settings: TextSettings, tickets: int | None = None
               ) -> TopicModel | None:
    """Fit topics on these tickets; None when nothing recurs (too few tickets or words).

    ``tickets``: how many tickets the topics are for, when these are a sample of them
    (the number of topics follows the helpdesk, not the sample)."""
    n = len(texts)
    if n < max(2, settings.topic_min_tickets):
        return None
    docs = _docs(texts)
    fitted = Tfidf.fit(docs, min_df=2 if n >= 20 else 1, max_df=0.5)
    if fitted is None:  # no word occurs in two tickets: nothing recurs
        return None
    vec, X = fitted
    dims = min(SVD_DIMS, X.shape[1] - 1, n - 1)
    k = min(topic_count(tickets or n, settings), n)
    # One BLAS thread: these matrices are small, and threads that spin for a busy core
    # cost 3x the CPU (demo: 5.9 s CPU / 19.8 s wall with them, 1.4 s / 4.3 s without,
    # on 2 shared cores). Full k-means while it is cheap; sampled fits for large helpdesks.
    # scipy.linalg brings its own LAPACK: loaded first, or the thread limit misses it
    # (demo: 2.5 s for the SVD instead of 0.2 s on a busy machine).
    import scipy.linalg  # noqa: F401
    with threadpool_limits(limits=1):
        svd = _svd(X, dims) if dims >= 2 else None
        Z = _reduce(X, svd)
        centres, _ = _kmeans(Z, k, KMEANS_RESTARTS,
                             batch=None if n <= FULL_KMEANS_TICKETS else FULL_KMEANS_TICKETS)
        assign = _nearest(Z, centres)
    return TopicModel(texts, vec, svd, centres, X, Z, np.asarray(assign), k)


def find_topics(texts: TicketTexts, settings: TextSettings,
                answers: tuple[str | None, ...] | None = None,
                titles: dict[str, str] | None = None,
                progress: Progress = NO_PROGRESS) -> TopicsResult:
    """Group tickets into recurring topics and rank them by total staff minutes.

    ``answers`` holds, per ticket, the article that surely answers it (None: unsure or
    none); ``titles`` the articles' titles. Without them no topic links an article.
    """
    n = len(texts)
    progress("finding topics", 0, 4)
    model = fit_topics(texts, settings)
    if model is None:
        return no_topics(n)
    progress("finding topics", 2, 4)
    return summarise_topics(model, model.assign, texts.ticket_id, texts.customer_id,
                            np.array(texts.staff_minutes, dtype=float),
                            np.array(texts.minutes_estimated, dtype=bool),
                            settings, answers, titles, progress)


def summarise_topics(model: TopicModel, assign: np.ndarray, ticket_id: list[str],
                     customer_id: list[str], minutes: np.ndarray, estimated: np.ndarray,
                     settings: TextSettings,
                     answers: tuple[str | None, ...] | None = None,
                     titles: dict[str, str] | None = None,
                     progress: Progress = NO_PROGRESS) -> TopicsResult:
    """Topics ranked by staff minutes from every ticket's topic (``assign``, aligned with
    the other per-ticket arguments). Labels and examples come from the fitted tickets;
    counts, minutes, customers and articles from all."""
    n = len(ticket_id)
    sample, X, Z = model.sample, model.X, model.Z
    vocab = model.vectorizer.names()
    forms = _surface_forms(_docs(sample))
    overall = np.asarray(X.mean(axis=0)).ravel()
    groups = []
    for c in range(model.k):
        rows = np.flatnonzero(assign == c)
        fitted = np.flatnonzero(model.assign == c)
        # a group no fitted ticket fell in has nothing to label it: not a topic
        if len(rows) < settings.topic_min_tickets or not len(fitted):
            continue
        label = _label(_top_terms(X, fitted, overall, vocab), forms)
        closeness = Z[fitted] @ _normalize(model.centres[c:c + 1]).ravel()
        examples = _examples(fitted[np.argsort(-closeness)], sample)
        article = _article(answers, rows)
        groups.append((float(minutes[rows].sum()), len(rows), rows, label, examples,
                       bool(estimated[rows].any()), article))
    progress("finding topics", 3, 4)
    groups.sort(key=lambda g: (-g[0], -g[1], g[3]))
    topics: list[Topic] = []
    tt_ids: list[str] = []
    tt_topic: list[int] = []
    for rank, (mins, count, rows, label, examples, est, (aid, share)) in enumerate(groups, 1):
        topics.append(Topic(
            topic_id=rank, label=label, tickets=count, staff_minutes=mins,
            minutes_estimated=est, customers=len({customer_id[i] for i in rows}),
            example_ticket_ids=[sample.ticket_id[i] for i in examples],
            example_subjects=[sample.subject[i] for i in examples],
            article_id=aid, article_title=(titles or {}).get(aid) if aid else None,
            article_share=share))
        tt_ids.extend(ticket_id[i] for i in rows)
        tt_topic.extend([rank] * len(rows))
    progress("finding topics", 4, 4)
    return TopicsResult(topics, pa.table({"ticket_id": tt_ids, "topic_id": tt_topic},
                                         schema=TICKET_TOPIC_SCHEMA),
                        n, n - len(tt_ids))


def _examples(ranked: np.ndarray, texts: TicketTexts) -> list[int]:
    """The tickets closest to the centre, preferring ones with a different subject, then
    ones with a different question."""
    picked: list[int] = []
    keys = (lambda i: texts.subject[i].strip().lower(), lambda i: texts.question[i])
    for key in keys:
        seen = {key(j) for j in picked}
        for i in (int(x) for x in ranked):
            if len(picked) == EXAMPLES:
                return picked
            if i not in picked and key(i) not in seen:
                picked.append(i)
                seen.add(key(i))
    rest = [int(i) for i in ranked if int(i) not in picked]
    return (picked + rest)[:EXAMPLES]


def _labelable(term: str) -> bool:
    return not any(p in _FILLER or "'" in p or _IDENTIFIER.match(p)
                   for p in term.split(" "))


def _top_terms(X: Any, rows: np.ndarray, overall: np.ndarray, vocab: np.ndarray) -> list[str]:
    """The topic's distinctive terms, best first.

    Heavier here than in the whole helpdesk (so a word every ticket carries does not name
    one topic), and recurring: in at least 30% of the topic's tickets (10% to make up a
    second word), not one ticket's peculiarity.
    """
    weight = np.asarray(X[rows].mean(axis=0)).ravel()
    share = np.asarray((X[rows] > 0).mean(axis=0)).ravel()
    lift = weight - overall
    ranked = [i for i in np.argsort(-lift)[: LABEL_TERMS * 8]
              if lift[i] > 0 and _labelable(vocab[i])]
    top = [vocab[i] for i in ranked if share[i] >= 0.3]
    # A broad topic may have one word that most tickets share; the next most common
    # distinctive words still tell a reader more than that one word alone.
    top += [vocab[i] for i in ranked if 0.1 <= share[i] < 0.3][: max(0, 2 - len(top))]
    return top or [vocab[i] for i in ranked]


def _label(top_terms: list[str], forms: dict[str, str]) -> str:
    """Up to three distinctive terms; a chosen pair replaces the single words it shows.

    "ftp", "password", "ftp password" reads "ftp password", not "ftp, password, ftp
    password".
    """
    picked: list[list[str]] = []
    for term in top_terms:
        parts = term.split(" ")
        used = {p for chosen in picked for p in chosen}
        if all(p in used for p in parts):
            continue
        if len(parts) > 1:
            chain = [c for c in picked if len(c) > 1 and c[-1] == parts[0]]
            if chain and len(chain[0]) < 4:  # "backup job" + "job fails": "backup job fails"
                chain[0].append(parts[1])
                continue
            covered = [c for c in picked if len(c) == 1 and c[0] in parts]
            if covered:  # the pair takes the place of the first word it contains
                at = picked.index(covered[0])
                picked = [c for c in picked if c not in covered]
                picked.insert(min(at, len(picked)), parts)
                continue
        if len(picked) == LABEL_TERMS:
            continue  # a later pair may still merge two chosen words; nothing new joins
        picked.append(parts)
    return ", ".join(" ".join(forms.get(p, p) for p in parts) for parts in picked)


def _article(answers: tuple[str | None, ...] | None, rows: np.ndarray
             ) -> tuple[str | None, float]:
    """The article that surely answers at least ``ARTICLE_SHARE`` of the topic, and the
    share it answers (the commonest article's share when none does)."""
    if not answers:
        return None, 0.0
    found = Counter(answers[i] for i in rows if answers[i] is not None)
    if not found:
        return None, 0.0
    best, count = min(found.items(), key=lambda kv: (-kv[1], kv[0]))
    share = count / len(rows)
    return (best if share >= ARTICLE_SHARE else None), share
