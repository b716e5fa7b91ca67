"""Text benchmark: tone throughput, resolution codes and topics, each against a plain
baseline measured in the same run.

    PYTHONPATH=src python benchmarks/text_bench.py [--messages 1000000] [--workers 2]
        [--seeds 42] [--customers 1500] [--tickets-csv FILE --text-col C --label-col C
        --sample 8500] [--skip-tone] [--skip-resolution] [--skip-topics]
        [--project DEMO [--repeat 3] [--commands topics]] [--project P --quality]

Resolution: goodfit's ``evaluate`` (every candidate model cross-validated) timed against
a plain scikit-learn pipeline (TfidfVectorizer + LinearSVC, 5-fold), then both trained on
the same 80% and scored on the same held-out 20%: macro-F1, accuracy, calibration error
and a reliability table. Runs on the synthetic demo (``goodfit synth``, one run per
``--seeds``) and, when given, on a labelled ticket CSV (text column, code column), e.g.
the public CC0 "IT Service Ticket Classification" set (47,837 real IT tickets, 8 topic
groups; ``--text-col Document --label-col Topic_group``), sampled to ``--sample`` tickets.
Topics: ``find_topics`` timed against TfidfVectorizer + KMeans with the same k, and the
purity of both against the demo's ground truth; goodfit's own TF-IDF, SVD and k-means
checked against the scikit-learn pipeline with the same settings (identical groups).
``--project``: the commands as fresh processes, each beside a plain scikit-learn script,
with the load average at each run. ``--project P --quality``: goodfit's cross-validated
resolution codes on P's own coded tickets beside a plain pipeline given the same text and
field tokens (for a real export imported into P).

Prints messages per second for goodfit's tone scorer on synthetic customer messages, a
baseline measured in the same run (one lower-case + one compiled regex per message: the
least any lexicon scorer must do), their ratio, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from goodfit.config import TextSettings
from goodfit.text.corpus import FIELD_COLUMNS, TicketTexts, field_tokens, ticket_texts
from goodfit.text.kb import Article, KbIndex, calibrate, match_tickets
from goodfit.text.resolution import (
    CANDIDATES,
    evaluate_resolution,
    reliability,
    train_resolution,
    training_rows,
)
from goodfit.text.tone import ToneScorer, score_tone_batch
from goodfit.text.topics import find_topics, topic_count

T_ = TypeVar("T_")

# Synthetic messages: mostly ordinary support text, some with tone, some quoted replies.
_OPENERS = ["Hi,", "Hello team,", "Good morning,", "Hey,", "", "Dear support,"]
_BODIES = [
    "my VPS at 203.0.113.{n} stopped answering ping around 02:00 UTC.",
    "the SSL certificate on shop{n}.example.com expired, can you renew it?",
    "we were charged twice for invoice INV-{n}, please refund one.",
    "ERROR 500 on /checkout since the deploy #{n}, logs attached.",
    "can you add a DNS TXT record for the domain verification code {n}?",
    "the nightly backup job {n} failed with exit code 2.",
    "please reset MFA for user{n}@example.com, new phone.",
    "disk usage on node{n} is at 97%, any idea what grew?",
    "this bug is killing me, kill -9 does not stop worker {n}.",
    "could you check why the cron job {n} runs twice? Happy to send logs.",
    "the invoice for March shows 12 seats, we only have {n} users.",
]
# About one message in ten carries some tone, as in a provider's real ticket history.
_TONED = [
    "still waiting for an answer on ticket {n}, it's been 3 days.",
    "your support is useless, this is the {n}th time I ask.",
    "fix it ASAP or I will file a chargeback!!!",
    "WHY IS THE SERVER DOWN AGAIN, ticket {n}",
    "what the fuck happened to my DNS records on zone {n}?",
]
_CLOSERS = ["Thanks!", "Best regards,\nSam", "", "Sent from my iPhone", "Cheers",
            "\n\nOn Mon, Support wrote:\n> We restarted the service, please check."]


def synthetic(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        body = _TONED if rnd.random() < 0.1 else _BODIES
        parts = [rnd.choice(_OPENERS), rnd.choice(body).format(n=i % 997)]
        if rnd.random() < 0.5:
            parts.append(rnd.choice(_BODIES).format(n=(i * 7) % 991))
        parts.append(rnd.choice(_CLOSERS))
        out.append(" ".join(p for p in parts if p))
    return out


def rate(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    start = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - start)


def cpu_rate(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    """Messages per CPU-second of this process: stable when other programs share the cores."""
    start = time.process_time()
    fn(texts)
    return len(texts) / (time.process_time() - start)


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(kb, children) / 1024  # Linux reports kilobytes


def tone_section(messages: int, workers: int) -> None:
    texts = synthetic(messages)
    scorer = ToneScorer()
    baseline_re = re.compile(r"\b(?:fuck\w*|idiots?|chargeback|asap)\b")

    def baseline(batch: list[str]) -> None:
        search = baseline_re.search
        for t in batch:
            search(t.lower())

    base = rate(baseline, texts)
    single = rate(scorer.score_many, texts)
    cpu = cpu_rate(scorer.score_many, texts)
    base_cpu = cpu_rate(baseline, texts)
    print(f"tone: {messages:,} synthetic messages; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"  baseline (lower + one regex)   {base:12,.0f} msgs/s")
    print(f"  goodfit tone, 1 process       {single:12,.0f} msgs/s  ({single / base:.3f}x baseline)")
    print(f"  per CPU-second: goodfit {cpu:,.0f} msgs, baseline {base_cpu:,.0f} msgs "
          f"({cpu / base_cpu:.3f}x); {1e6 / cpu:.1f} µs of CPU per message")
    if workers > 1:
        par = rate(lambda b: score_tone_batch(b, workers=workers), texts)
        print(f"  goodfit tone, {workers} processes     {par:12,.0f} msgs/s  ({par / base:.2f}x baseline)")
    print(f"  peak RSS {peak_rss_mb():,.0f} MB")


def kb_speed_note() -> None:
    # KB matching throughput (tickets/s, target >= 5k) is measured by benchmarks/kb_bench.py.
    print("kb speed: see benchmarks/kb_bench.py")


def _timed(fn: Callable[[], T_]) -> tuple[T_, float, float]:
    """(result, wall seconds, CPU seconds of this process incl. its threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def synth_texts(seed: int, customers: int) -> tuple[TicketTexts, Path]:
    """The demo provider (``goodfit synth``) read straight from its Parquet files."""
    import ibis

    from goodfit.synth import generate

    out = Path(tempfile.mkdtemp(prefix=f"goodfit-bench-{seed}-"))
    generate(out, customers=customers, months=24, seed=seed)
    con = ibis.duckdb.connect()
    texts = ticket_texts(con.read_parquet(out / "tickets.parquet"),
                         con.read_parquet(out / "messages.parquet"))
    return texts, out


def csv_texts(path: Path, text_cols: list[str], label_col: str, sample: int,
              field_cols: dict[str, str] | None = None) -> TicketTexts:
    """A labelled ticket CSV as coded tickets. The text is the ``text_cols`` joined by a
    space (``--text-cols title body``); ``field_cols`` maps a ticket field (category,
    priority, channel, assignee) to the CSV column that fills it, turned into tokens by
    the same function an import's fields go through (``category=4 priority=3``)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if sample and len(rows) > sample:
        # stratified by code; codes of a single ticket share one stratum (a stratum of
        # one ticket cannot be split), itself joined to the commonest code if alone
        counts = Counter(r[label_col] for r in rows)
        labels = [r[label_col] if counts[r[label_col]] >= 2 else "\0rare" for r in rows]
        if labels.count("\0rare") == 1:
            labels = [counts.most_common(1)[0][0] if x == "\0rare" else x for x in labels]
        keep, _ = train_test_split(np.arange(len(rows)), train_size=sample, stratify=labels,
                                   random_state=0)
        rows = [rows[i] for i in sorted(keep)]
    n = len(rows)
    text = [" ".join((r[c] or "").strip() for c in text_cols).strip() for r in rows]
    fields = field_tokens({name: [r[col] for r in rows] for name, col in field_cols.items()},
                          n) if field_cols else []
    return TicketTexts(
        ticket_id=[str(i) for i in range(n)], customer_id=["c"] * n,
        resolution_code=[r[label_col] or None for r in rows], subject=[""] * n,
        question=text, full=text, staff_minutes=[0.0] * n, minutes_estimated=[False] * n,
        fields=fields)


def field_cols_arg(pairs: list[str]) -> dict[str, str]:
    """``--field-cols category=category priority=urgency``: ticket field = CSV column."""
    out = {}
    for pair in pairs:
        name, sep, col = pair.partition("=")
        if not sep or name not in FIELD_COLUMNS:
            raise SystemExit(f"--field-cols {pair!r}: expected FIELD=COLUMN with FIELD one of "
                             f"{', '.join(FIELD_COLUMNS)}")
        out[name] = col
    return out


def plain_docs(texts: list[str], fields: list[str]) -> list[str]:
    """What the plain pipeline reads: the text, then the ticket's field tokens (the same
    tokens goodfit reads as its fields block)."""
    if not any(fields):
        return texts
    return [f"{t} {f}".strip() for t, f in zip(texts, fields, strict=True)]


def _plain(fields: bool = False) -> Pipeline:
    """TF-IDF + LinearSVC with scikit-learn's defaults; given field tokens, words are
    whitespace-separated so ``priority=3`` stays one token (the default pattern drops it)."""
    if fields:
        return make_pipeline(TfidfVectorizer(token_pattern=r"\S+"), LinearSVC())
    return make_pipeline(TfidfVectorizer(), LinearSVC())


def resolution_section(name: str, texts: TicketTexts) -> None:
    settings = TextSettings()
    # Codes with fewer tickets than folds are left out of both models by goodfit's own
    # rule (training_rows), so the stratified held-out split below has 2+ of every code.
    coded, labels, excluded = training_rows(texts.resolution_code, settings)
    data = texts.take(coded)
    fields = data.field_tokens()
    has_fields = any(fields)
    docs = plain_docs(data.full, fields)
    print(f"resolution [{name}]: {len(coded):,} coded tickets, {len(set(labels))} codes"
          f"{'' if not has_fields else ', text + fields'}; left out (under "
          f"{settings.cv_folds} tickets): {len(excluded)} codes, {sum(excluded.values())} "
          f"tickets; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    # 1. speed: goodfit's evaluate (cross-validation + model choice) vs plain 5-fold CV
    ev, wall, cpu = _timed(lambda: evaluate_resolution(data, settings))
    folds = StratifiedKFold(settings.cv_folds, shuffle=True, random_state=0)
    oof, bwall, bcpu = _timed(lambda: cross_val_predict(_plain(has_fields), docs, labels,
                                                        cv=folds))
    print(f"  evaluate: goodfit {wall:6.1f} s wall {cpu:6.1f} s CPU ({len(CANDIDATES)} models x "
          f"{settings.cv_folds} folds); plain TF-IDF+LinearSVC 5-fold {bwall:5.1f} s wall "
          f"{bcpu:5.1f} s CPU; ratio {wall / bwall:.1f}x wall, {cpu / bcpu:.1f}x CPU")
    print(f"  goodfit cross-validated: macro-F1 {ev.macro_f1:.3f} accuracy {ev.accuracy:.3f} "
          f"calibration error {ev.calibration_error:.3f} (chose {ev.model}, {ev.calibration}; "
          + ", ".join(f"{k} {v['macro_f1']:.3f}/{v['accuracy']:.3f}"
                      for k, v in ev.candidates.items()) + "); plain "
          f"cross-validated: macro-F1 {f1_score(labels, oof, average='macro', zero_division=0):.3f}"
          f" accuracy {accuracy_score(labels, oof):.3f}")
    # 2. quality on one held-out split, both trained on the same 80%
    train, test = train_test_split(np.arange(len(labels)), test_size=0.2, stratify=labels,
                                   random_state=0)
    # the plain model learns from the same tickets goodfit keeps of the 80% (a code with
    # fewer than cv_folds tickets there is left out of both)
    picked, picked_labels, _ = training_rows([labels[i] for i in train], settings)
    train = [int(train[i]) for i in picked]
    model = train_resolution(data.take(train), settings)
    best, conf = model.predict_confidence([data.full[i] for i in test],
                                          [fields[i] for i in test])
    pred = [model.classes[j] for j in best]
    truth = [labels[i] for i in test]
    plain = _plain(has_fields).fit([docs[i] for i in train], picked_labels)
    bpred = list(plain.predict([docs[i] for i in test]))
    f1 = f1_score(truth, pred, average="macro", zero_division=0)
    bf1 = f1_score(truth, bpred, average="macro", zero_division=0)
    acc, bacc = accuracy_score(truth, pred), accuracy_score(truth, bpred)
    print(f"  held-out 20% ({len(test):,} tickets): goodfit macro-F1 {f1:.3f} accuracy "
          f"{acc:.3f}; plain macro-F1 {bf1:.3f} accuracy {bacc:.3f}; "
          f"gain {f1 - bf1:+.3f} F1 (target +0.05), {acc - bacc:+.3f} accuracy (target >= 0)")
    index = {c: k for k, c in enumerate(model.classes)}
    y = np.array([index.get(c, -1) for c in truth])
    proba = np.zeros((len(best), len(model.classes)))
    proba[np.arange(len(best)), best] = conf  # reliability reads the predicted code only
    bins = reliability(proba, y, pred=best)
    ece = sum(b.tickets / len(y) * abs(b.confidence - b.accuracy) for b in bins)
    print(f"  held-out calibration error {ece:.3f} (target <= 0.05; {model.evaluation.calibration}"
          f", cross-fitted errors " + ", ".join(
              f"{k} {v:.3f}" for k, v in model.evaluation.calibration_errors.items())
          + "); reliability:")
    print("    confidence  tickets  mean conf  right")
    for b in bins:
        print(f"    {b.low:.1f}-{b.high:.1f}   {b.tickets:8,}  {b.confidence:9.3f}  {b.accuracy:5.3f}")
    sure = conf >= settings.min_confidence
    if sure.any():
        right = float((best[sure] == y[sure]).mean())
        print(f"  at [text] min_confidence {settings.min_confidence}: {sure.mean():.0%} labelled, "
              f"{right:.3f} of them right; {1 - sure.mean():.0%} left 'unknown'")


def _articles(out: Path) -> KbIndex:
    import pyarrow.parquet as pq

    rows = sorted(pq.read_table(out / "kb_articles.parquet").to_pylist(),
                  key=lambda r: r["article_id"])
    return KbIndex([Article(r["article_id"], r["title"] or "", r["body"] or "",
                            r["tags"] or "", r["url"] or "") for r in rows])


def _truth(truth_dir: Path) -> dict[str, tuple[str, str]]:
    with (truth_dir / "tickets.csv").open(newline="", encoding="utf-8") as fh:
        return {r["ticket_id"]: (r["intent"], r["article_id"]) for r in csv.DictReader(fh)}


def _kb_score(answers: list[str | None], truth: list[str | None]) -> str:
    sent = [(a, t) for a, t in zip(answers, truth, strict=True) if a is not None]
    right = sum(a == t for a, t in sent)
    need = sum(t is not None for t in truth)
    return (f"{len(sent):5,} tickets named an article, precision {right / max(len(sent), 1):.3f}"
            f", coverage {right / max(need, 1):.3f} of {need:,} answerable")


def kb_section(texts: TicketTexts, out: Path) -> None:
    """Top-article precision and coverage on the demo's ground truth (which article, if
    any, answers each ticket), before and after abstention, and with links hidden."""
    import dataclasses

    settings = TextSettings()
    index = _articles(out)
    gt = _truth(out / "ground_truth")
    truth = [gt[t][1] or None for t in texts.ticket_id]
    ids = [a.article_id for a in index.articles]
    print(f"kb [{len(texts):,} demo tickets, {len(index)} articles; ground truth: the article"
          " that answers each ticket, or none]")
    # before: every answerable ticket got its question's best article
    top, sc = index.search(texts.question, k=2)
    cal = calibrate(sc[:, 0], texts.resolution_code, settings)
    answerable = [c == "documentation" if c is not None else s >= cal.threshold
                  for c, s in zip(texts.resolution_code, sc[:, 0], strict=True)]
    before = [ids[top[i, 0]] if answerable[i] else None for i in range(len(texts))]
    print(f"  before (best match of every answerable ticket): {_kb_score(before, truth)}")
    wall = time.perf_counter()
    shipped = match_tickets(index, texts, settings)
    wall = time.perf_counter() - wall
    sent = [a if ok else None for a, ok in zip(shipped.answers, answerable, strict=True)]
    print(f"  now, what a digest sends (answerable and sure): {_kb_score(sent, truth)}")
    print(f"  now, every sure answer:                          {_kb_score(list(shipped.answers), truth)}"
          f"; {shipped.linked:,} linked by staff, {shipped.matched:,} sure matches "
          f"({wall:.1f} s)")
    acal = shipped.article_calibration
    assert acal is not None
    print(f"    sure-match calibration: score >= {acal.threshold:.3f}, lead >= {acal.margin}, "
          f"{acal.source} on {acal.linked_tickets:,} linked tickets (in-sample precision "
          f"{acal.precision}, coverage {acal.coverage})")
    # the question alone, held out: calibrated on half the tickets, scored on the other
    # half with every staff reply hidden
    rng = np.random.default_rng(0)
    half = rng.random(len(texts)) < 0.5
    a_rows, b_rows = np.flatnonzero(half).tolist(), np.flatnonzero(~half).tolist()
    held = match_tickets(index, texts.take(a_rows), settings).article_calibration
    assert held is not None
    b = texts.take(b_rows)
    btop, bsc = index.search(b.question, k=2)
    sure = (bsc[:, 0] > 0) & (bsc[:, 0] >= held.threshold) & (bsc[:, 0] - bsc[:, 1] >= held.margin)
    qa = [ids[btop[i, 0]] if sure[i] else None for i in range(len(b))]
    print(f"  question alone, held out (calibrated on {len(a_rows):,} tickets at score "
          f">= {held.threshold:.3f}, lead >= {held.margin}; scored on the other "
          f"{len(b_rows):,} with replies hidden): {_kb_score(qa, [truth[i] for i in b_rows])}")
    blind = match_tickets(index, dataclasses.replace(texts, staff=[""] * len(texts)), settings)
    print(f"  question alone, no links anywhere (fixed kb_article_score "
          f"{settings.kb_article_score}, margin {settings.kb_article_margin}): "
          f"{_kb_score(list(blind.answers), truth)}")
    dev = [i for i, q in enumerate(texts.question)
           if "developer access" in q.lower() or "give my developer" in q.lower()]
    root = {a.article_id for a in index.articles if "root password" in a.title.lower()}
    print(f"  'give my developer access' tickets ({len(dev)}): sent a root-password article "
          f"before {sum(before[i] in root for i in dev)}, now "
          f"{sum(sent[i] in root for i in dev)} (question alone: "
          f"{sum(blind.answers[i] in root for i in dev)})")


def _coherence(result: object, gt: dict[str, tuple[str, str]], top: int = 10
               ) -> tuple[int, int, list[str]]:
    """Of the ``top`` costliest topics: how many have one dominant ground-truth article
    (or none) for >= 70% of their tickets, how many say the right thing about it (link
    that article / say 'no article' when the dominant answer is none or below half)."""
    from goodfit.text.topics import ARTICLE_SHARE, TopicsResult

    assert isinstance(result, TopicsResult)
    tt = result.ticket_topic
    groups: dict[int, list[str]] = {}
    for tid, tp in zip(tt.column("ticket_id").to_pylist(), tt.column("topic_id").to_pylist(),
                       strict=True):
        groups.setdefault(tp, []).append(gt[tid][1] or "none")
    coherent = right = 0
    lines = []
    for t in result.topics[:top]:
        art, n = Counter(groups[t.topic_id]).most_common(1)[0]
        share = n / len(groups[t.topic_id])
        coherent += share >= 0.7
        should = art if art != "none" and share >= ARTICLE_SHARE else None
        right += t.article_id == should
        lines.append(f"    {share:4.0%} {art:7} -> {t.article_id or 'no article — write one'}"
                     f"  {t.label} | {'; '.join(t.example_subjects)}")
    return coherent, right, lines


def same_as_sklearn(texts: TicketTexts, settings: TextSettings) -> None:
    """goodfit's grouping (own TF-IDF, SVD, k-means) against the scikit-learn pipeline with
    the same settings, which it replaced: the same groups, and each one's CPU time."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize
    from threadpoolctl import threadpool_limits

    from goodfit.text.topics import KMEANS_RESTARTS, SVD_DIMS, _analyze, fit_topics

    docs = [f"{s}\n{q}" for s, q in zip(texts.subject, texts.question, strict=True)]
    k = topic_count(len(texts), settings)

    def sklearn_groups() -> np.ndarray:
        vec = TfidfVectorizer(analyzer=_analyze, min_df=2, max_df=0.5, sublinear_tf=True)
        X = vec.fit_transform(docs)
        with threadpool_limits(limits=1):
            Z = normalize(TruncatedSVD(min(SVD_DIMS, X.shape[1] - 1), n_iter=3,
                                       random_state=0).fit_transform(X))
            return np.asarray(KMeans(n_clusters=k, random_state=0, n_init=KMEANS_RESTARTS)
                              .fit_predict(Z))

    theirs, _w, scpu = _timed(sklearn_groups)
    model, _w, gcpu = _timed(lambda: fit_topics(texts, settings))
    assert model is not None
    same = np.array_equal(model.assign, theirs)
    print(f"  grouping vs scikit-learn TfidfVectorizer+TruncatedSVD+KMeans (same settings): "
          f"{'identical' if same else 'DIFFERENT'} groups for {len(docs):,} tickets "
          f"({int((model.assign != theirs).sum())} differ); CPU goodfit {gcpu:.2f} s, "
          f"scikit-learn {scpu:.2f} s")


def topics_section(texts: TicketTexts, truth_dir: Path | None, out: Path | None = None
                   ) -> None:
    settings = TextSettings()
    answers: tuple[str | None, ...] | None = None
    titles: dict[str, str] = {}
    if out is not None:
        index = _articles(out)
        answers = match_tickets(index, texts, settings).answers
        titles = {a.article_id: a.title for a in index.articles}
    result, wall, cpu = _timed(lambda: find_topics(texts, settings, answers, titles))
    k = topic_count(len(texts), settings)
    docs = [f"{s}\n{q}" for s, q in zip(texts.subject, texts.question, strict=True)]

    def plain() -> np.ndarray:
        X = TfidfVectorizer(min_df=2, max_df=0.5).fit_transform(docs)
        return np.asarray(KMeans(n_clusters=k, random_state=0, n_init=1).fit_predict(X))

    base, bwall, bcpu = _timed(plain)
    print(f"topics: {len(texts):,} tickets, {len(result.topics)} topics; goodfit {wall:.1f} s "
          f"wall {cpu:.1f} s CPU; plain TF-IDF+KMeans(k={k}) {bwall:.1f} s wall {bcpu:.1f} s "
          f"CPU; ratio {wall / bwall:.1f}x wall")
    same_as_sklearn(texts, settings)
    if truth_dir is None:
        return
    gt = _truth(truth_dir)
    assigned = dict(zip(result.ticket_topic.column("ticket_id").to_pylist(),
                        result.ticket_topic.column("topic_id").to_pylist(), strict=True))

    def purity(groups: dict[int, list[tuple[str, str]]], key: int | None) -> float:
        n = sum(len(g) for g in groups.values())
        return sum(Counter(x if key is None else x[key] for x in g).most_common(1)[0][1]
                   for g in groups.values()) / n

    ours: dict[int, list[tuple[str, str]]] = {}
    plain_groups: dict[int, list[tuple[str, str]]] = {}
    for tid, b in zip(texts.ticket_id, base, strict=True):
        if tid in assigned:
            ours.setdefault(assigned[tid], []).append(gt[tid])
        plain_groups.setdefault(int(b), []).append(gt[tid])
    print(f"  purity vs ground truth (share in the topic's commonest intent / intent+article): "
          f"goodfit {purity(ours, 0):.3f} / {purity(ours, None):.3f}, "
          f"plain {purity(plain_groups, 0):.3f} / {purity(plain_groups, None):.3f}")
    old = find_topics(texts, TextSettings(topic_count=min(40, k)), answers, titles)
    for name, res in (("40 groups (the former cap)", old), (f"{k} groups (now)", result)):
        coherent, right, lines = _coherence(res, gt)
        print(f"  top 10 topics, {name}: {coherent} coherent (one ground-truth article or "
              f"none for >= 70% of tickets), {right} with the right article or 'no article'")
        if res is result:
            print("\n".join(lines))


def command_section(project: Path, repeat: int = 1, only: list[str] | None = None) -> None:
    """The commands as a user runs them, each against a plain scikit-learn script doing
    the same job (read the tickets from the warehouse, fit, cross-validate or cluster),
    both as fresh processes in this run: wall and CPU seconds."""
    import subprocess

    goodfit = Path(sys.executable).with_name("goodfit")
    db = project / "warehouse.duckdb"
    read = (f"import duckdb; con = duckdb.connect({str(db)!r}, read_only=True); rows = "
            "con.sql(\"select t.subject || ' ' || coalesce(string_agg(m.body, ' '), ''), "
            "t.resolution_code from tickets t left join messages m using (ticket_id) "
            "group by t.ticket_id, t.subject, t.resolution_code order by t.ticket_id\")"
            ".fetchall(); con.close()\n")
    plain_eval = read + (
        "from sklearn.feature_extraction.text import TfidfVectorizer\n"
        "from sklearn.svm import LinearSVC\nfrom sklearn.pipeline import make_pipeline\n"
        "from sklearn.model_selection import cross_val_predict, StratifiedKFold\n"
        "coded = [r for r in rows if r[1]]\n"
        "cross_val_predict(make_pipeline(TfidfVectorizer(), LinearSVC()), [r[0] for r in coded],"
        " [r[1] for r in coded], cv=StratifiedKFold(5, shuffle=True, random_state=0))\n")
    plain_topics = read + (
        "import math\nfrom sklearn.feature_extraction.text import TfidfVectorizer\n"
        "from sklearn.cluster import KMeans\n"
        "X = TfidfVectorizer(min_df=2, max_df=0.5).fit_transform([r[0] for r in rows])\n"
        "KMeans(n_clusters=min(100, round(math.sqrt(len(rows) / 2))), random_state=0,"
        " n_init=1).fit_predict(X)\n")

    def run(cmd: list[str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    print(f"commands on {project} (fresh processes, {repeat} run(s) each, alternating; "
          f"{os.cpu_count()} cores):")
    for name, args, script, target in (
            ("resolution evaluate", ["resolution", "evaluate"], plain_eval, 10.0),
            ("topics", ["topics"], plain_topics, 5.0)):
        if only and name not in only:
            continue
        for _ in range(repeat):
            load = os.getloadavg()[0]
            w, c = run([str(goodfit), *args, "-p", str(project), "--json"])
            bw, bc = run([sys.executable, "-c", script])
            print(f"  goodfit {name:20} {w:5.1f} s wall {c:5.1f} s CPU (target <= {target:g} s "
                  f"wall); plain scikit-learn script {bw:5.1f} s wall {bc:5.1f} s CPU; ratio "
                  f"{w / bw:.1f}x wall, {c / bc:.1f}x CPU; load average {load:.1f}")


def quality_section(project: Path) -> None:
    """goodfit's cross-validated resolution codes on a project's own coded tickets (e.g.
    an imported real helpdesk export), beside a plain TfidfVectorizer + LinearSVC 5-fold
    that sees the same text (subject and messages) and the same structured fields, one
    token each, as goodfit does: macro-F1 and accuracy, in this run."""
    import json
    import subprocess

    import duckdb
    goodfit = Path(sys.executable).with_name("goodfit")
    out = subprocess.run([str(goodfit), "resolution", "evaluate", "-p", str(project), "--json"],
                         check=True, capture_output=True, text=True).stdout
    mine = json.loads(out)
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as con:
        rows = con.sql(
            "select coalesce(t.subject, '') || ' ' || coalesce(string_agg(m.body, ' '), ''), "
            "t.category, t.priority, t.channel, t.assignee, t.resolution_code from tickets t "
            "left join messages m using (ticket_id) where t.resolution_code is not null "
            "group by t.ticket_id, t.subject, t.category, t.priority, t.channel, t.assignee, "
            "t.resolution_code order by t.ticket_id").fetchall()
    keep, codes, _ = training_rows([r[5] for r in rows],
                                   TextSettings(max_training_tickets=len(rows)))
    rows = [rows[i] for i in keep]  # as goodfit: a code needs a ticket per fold
    docs = plain_docs([r[0] for r in rows], field_tokens(
        {name: [r[k] for r in rows] for k, name in enumerate(FIELD_COLUMNS, start=1)},
        len(rows)))
    cpu = time.process_time()
    predicted = cross_val_predict(_plain(fields=True), docs, codes,
                                  cv=StratifiedKFold(5, shuffle=True, random_state=0))
    cpu = time.process_time() - cpu
    print(f"resolution codes on {project} ({len(set(codes))} codes with 5+ tickets):")
    print(f"  goodfit evaluate: {mine['tickets']:,} coded tickets, macro-F1 {mine['macro_f1']:.3f}, "
          f"accuracy {mine['accuracy']:.3f}, calibration error {mine['calibration_error']:.3f} "
          f"({mine['model']})")
    print(f"  plain TF-IDF + LinearSVC, text and field tokens: {len(codes):,} tickets, macro-F1 "
          f"{f1_score(codes, predicted, average='macro'):.3f}, accuracy "
          f"{accuracy_score(codes, predicted):.3f} ({cpu:.1f} s CPU)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="*", default=[42])
    ap.add_argument("--customers", type=int, default=1500)
    ap.add_argument("--tickets-csv", type=Path)
    ap.add_argument("--text-col", default="Document",
                    help="the CSV column holding the ticket text (see --text-cols)")
    ap.add_argument("--text-cols", nargs="+",
                    help="CSV columns joined by a space as the ticket text, e.g. title body "
                         "(instead of --text-col)")
    ap.add_argument("--field-cols", nargs="+", default=[],
                    help="ticket fields from CSV columns, FIELD=COLUMN, e.g. "
                         "category=category priority=urgency")
    ap.add_argument("--label-col", default="Topic_group")
    ap.add_argument("--sample", type=int, default=8500)
    ap.add_argument("--skip-tone", action="store_true")
    ap.add_argument("--skip-resolution", action="store_true")
    ap.add_argument("--skip-topics", action="store_true")
    ap.add_argument("--skip-kb", action="store_true")
    ap.add_argument("--project", type=Path,
                    help="a goodfit project (e.g. from `goodfit demo`): time its commands")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each command (--project)")
    ap.add_argument("--commands", nargs="*", choices=["resolution evaluate", "topics"],
                    help="only these commands (--project)")
    ap.add_argument("--quality", action="store_true",
                    help="with --project: goodfit's resolution codes against a plain pipeline "
                         "on the project's own coded tickets, instead of timing commands")
    args = ap.parse_args(argv)
    if args.project and args.quality:
        quality_section(args.project)
    elif args.project:
        command_section(args.project, args.repeat, args.commands)
    if not args.skip_tone:
        tone_section(args.messages, args.workers)
        kb_speed_note()
    if args.tickets_csv and not args.skip_resolution:
        resolution_section(f"{args.tickets_csv.name}, {args.sample:,} sampled",
                           csv_texts(args.tickets_csv, args.text_cols or [args.text_col],
                                     args.label_col, args.sample,
                                     field_cols_arg(args.field_cols)))
    for seed in args.seeds:
        if args.skip_resolution and args.skip_topics and args.skip_kb:
            break
        texts, out = synth_texts(seed, args.customers)
        if not args.skip_resolution:
            resolution_section(f"demo seed {seed}", texts)
        if not args.skip_kb:
            kb_section(texts, out)
        if not args.skip_topics:
            topics_section(texts, out / "ground_truth", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
