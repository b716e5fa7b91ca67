"""Resolution codes learned from the provider's own coded tickets.

Every code found on tickets is learnable: ``[text] resolution_codes`` names and orders
codes, it does not gate them. Features are TF-IDF words and word pairs of the ticket's
text plus its structured fields (category, priority, channel, assignee as tokens), so
tickets without text are learned from their fields. A few linear models (linear SVMs
with and without class weighting, at several strengths) are cross-validated (stratified)
on the same folds; the best by the mean of macro-F1 and accuracy is trained. One
temperature fitted on its out-of-fold scores turns them into a distribution over codes;
then, when cross-validation says it calibrates better, a monotone (isotonic) map fitted
on the out-of-fold tickets turns the top code's probability into how often a prediction
that sure was right, so ``min_confidence`` means "probability of being right". ``evaluate`` compares macro-F1 with two baselines: always answering the
most common code, and guessing codes at their base rates (expected macro-F1 = 1 / number
of codes). A model that does not beat both by ``[text] min_f1_gain`` is never applied.
Inputs that leave nothing to learn (no text and no fields, one code, codes unique per
ticket) raise ``NotEnoughTrainingData`` saying which.
"""

from __future__ import annotations

import math
import os
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.stats import binomtest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.svm import LinearSVC

from goodfit.config import TextSettings
from goodfit.errors import ModelBelowBaseline, NotEnoughTrainingData, UnsafeModelFile
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.text.corpus import TicketTexts
from goodfit.text.features import TextFeatures
from goodfit.text.model_store import load_model, save_model

UNKNOWN = "unknown"
FORMAT = "goodfit.resolution/1"
_BATCH = 20_000
_MAX_THREADS = 4
# liblinear draws its sample order from C's process-wide rand(): two SVM fits in
# concurrent threads interleave their draws, so even with a seed each fold ended a little
# differently run to run (the temperature moved in its 6th digit and a ticket at the
# min_confidence line could flip). SVM fits take turns; logistic fits still run beside.
_LIBLINEAR = threading.Lock()

RESOLUTION_SCHEMA = pa.schema([
    ("ticket_id", pa.string()), ("customer_id", pa.string()),
    ("resolution_code", pa.string()), ("probability", pa.float64()), ("source", pa.string()),
])


@dataclass(frozen=True)
class ClassScore:
    code: str
    support: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class ReliabilityBin:
    """Predictions whose confidence fell in (low, high]: how often they were right."""

    low: float
    high: float
    tickets: int
    confidence: float
    accuracy: float


@dataclass(frozen=True)
class Evaluation:
    """Cross-validated quality of a resolution model against simple baselines."""

    tickets: int
    folds: int
    macro_f1: float
    accuracy: float
    baseline_code: str
    baseline_macro_f1: float  # always the most common code
    baseline_accuracy: float
    chance_macro_f1: float  # guessing codes at their base rates
    calibration_error: float  # expected calibration error of the calibrated probabilities
    per_class: list[ClassScore]
    excluded: dict[str, int] = field(default_factory=dict)  # codes with too few tickets
    # One-sided binomial test: the chance of this many right answers from a model that
    # knows nothing (right as often as always answering the most common code).
    p_value: float = 1.0
    model: str = ""  # the candidate cross-validation chose, e.g. "svm C=1 balanced"
    # how probabilities are calibrated ("temperature" or "temperature + isotonic"), chosen
    # by the cross-fitted calibration error of each (calibration_errors)
    calibration: str = ""
    calibration_errors: dict[str, float] = field(default_factory=dict)
    candidates: dict[str, dict[str, float]] = field(default_factory=dict)
    reliability: list[dict[str, float]] = field(default_factory=list)  # ReliabilityBin

    def required_f1(self, min_gain: float) -> float:
        return max(self.baseline_macro_f1, self.chance_macro_f1) + min_gain

    def beats_baseline(self, min_gain: float, max_p_value: float = 0.01) -> bool:
        """Better than both baselines by ``min_gain``, and not by luck on a small sample."""
        return self.macro_f1 >= self.required_f1(min_gain) and self.p_value <= max_p_value

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evaluation:
        per_class = [ClassScore(**c) for c in data["per_class"]]
        return cls(**{**data, "per_class": per_class})


@dataclass
class ResolutionModel:
    features: TextFeatures
    classes: list[str]
    coef: np.ndarray  # (classes, features); one row for two classes
    intercept: np.ndarray
    temperature: float
    evaluation: Evaluation
    trained_at: str = ""
    codes: list[str] = field(default_factory=list)  # the configured code set at training
    # Top-code probability after the temperature -> probability of being right: np.interp
    # over these knots (ascending). Empty: the tempered probability is used as it is.
    calibration: TopCalibration = field(default_factory=lambda: TopCalibration.none())

    def logits(self, texts: Sequence[str], fields: Sequence[str] | None = None) -> np.ndarray:
        X = self.features.transform(list(texts), None if fields is None else list(fields))
        return _linear_logits(X, self.coef, self.intercept)

    def predict_confidence(self, texts: Sequence[str], fields: Sequence[str] | None = None
                           ) -> tuple[np.ndarray, np.ndarray]:
        """Per ticket: the predicted code's index and the calibrated probability that it
        is right (what ``min_confidence`` is compared with)."""
        z = self.logits(texts, fields)
        best = z.argmax(axis=1)
        return best, self.calibration.apply(_softmax(z / self.temperature).max(axis=1))

    def predict_proba(self, texts: Sequence[str], fields: Sequence[str] | None = None
                      ) -> np.ndarray:
        """Probabilities per code: the predicted code has its calibrated probability (as
        :meth:`predict_confidence`), the other codes share the rest in proportion to their
        tempered probabilities. The predicted code is the logits' argmax, not necessarily
        this matrix's when the calibration lowered a close first place."""
        return _spread(_softmax(self.logits(texts, fields) / self.temperature),
                       self.calibration)

    def predict(self, texts: Sequence[str], fields: Sequence[str] | None = None) -> list[str]:
        return [self.classes[i] for i in self.logits(texts, fields).argmax(axis=1)]

    # -- storage (JSON + numeric npz, never pickle) ----------------------------
    def save(self, directory: Path) -> None:
        feat_meta, arrays = self.features.to_data()
        arrays = {**arrays, "coef": self.coef, "intercept": self.intercept,
                  "calibration_x": self.calibration.x, "calibration_y": self.calibration.y}
        meta = {"format": FORMAT, "classes": self.classes, "temperature": self.temperature,
                "trained_at": self.trained_at, "codes": self.codes,
                "evaluation": self.evaluation.to_dict(), "features": feat_meta}
        save_model(directory, meta, arrays)

    @classmethod
    def load(cls, directory: Path) -> ResolutionModel:
        meta, arrays = load_model(directory)
        if meta.get("format") != FORMAT:
            raise UnsafeModelFile(f"{directory}: not a goodfit resolution model "
                                  f"(format {meta.get('format')!r}, expected {FORMAT!r})")
        try:
            features = TextFeatures.from_data(meta["features"], arrays)
            model = cls(features=features, classes=[str(c) for c in meta["classes"]],
                        coef=arrays["coef"].astype(np.float64),
                        intercept=arrays["intercept"].astype(np.float64),
                        temperature=float(meta["temperature"]),
                        evaluation=Evaluation.from_dict(meta["evaluation"]),
                        trained_at=str(meta.get("trained_at", "")),
                        codes=[str(c) for c in meta.get("codes", [])],
                        # models saved before the top-code calibration: none
                        calibration=TopCalibration.checked(
                            arrays.get("calibration_x", np.zeros(0)),
                            arrays.get("calibration_y", np.zeros(0))))
        except (KeyError, TypeError, ValueError) as exc:
            raise UnsafeModelFile(f"{directory}: damaged resolution model ({exc})") from None
        width = sum(len(b.vocabulary) for b in features.blocks)
        if model.coef.shape[1] != width:
            raise UnsafeModelFile(f"{directory}: weights do not match the vocabulary")
        return model


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class TopCalibration:
    """A monotone map from the top code's tempered probability to the share of such
    predictions that were right: linear interpolation between knots ``(x, y)``, flat
    beyond the ends. No knots: the identity."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def none(cls) -> TopCalibration:
        return cls(np.zeros(0), np.zeros(0))

    @classmethod
    def checked(cls, x: np.ndarray, y: np.ndarray) -> TopCalibration:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if x.shape != y.shape or x.ndim != 1 or np.any(np.diff(x) < 0) or np.any(
                np.diff(y) < 0) or np.any((y < 0) | (y > 1)):
            raise ValueError("the top-code calibration is not an increasing map into [0, 1]")
        return cls(x, y)

    def apply(self, conf: np.ndarray) -> np.ndarray:
        if not len(self.x):
            return conf
        return np.interp(conf, self.x, self.y)


def fit_top_calibration(conf: np.ndarray, right: np.ndarray) -> TopCalibration:
    """Isotonic regression of "was right" (0/1) on the top probability: the increasing
    step map closest to the observed hit rate (pool adjacent violators). Each knot is a
    pooled block's ends at its hit rate, kept inside [0.001, 0.999]: an out-of-fold
    hit rate of 0 or 1 on a few tickets is no certainty."""
    values, inverse = np.unique(np.asarray(conf, dtype=np.float64), return_inverse=True)
    hits = np.bincount(inverse, weights=np.asarray(right, dtype=np.float64),
                       minlength=len(values))
    counts = np.bincount(inverse, minlength=len(values)).astype(np.float64)
    # blocks as [sum of hits, tickets, lowest conf, highest conf]; tied confidences
    # start in one block
    blocks: list[list[float]] = []
    for ci, hi_, ni in zip(values.tolist(), hits.tolist(), counts.tolist(), strict=True):
        blocks.append([hi_, ni, ci, ci])
        while len(blocks) > 1 and (blocks[-2][0] / blocks[-2][1]
                                   >= blocks[-1][0] / blocks[-1][1]):
            b_hits, b_n, _lo, b_hi = blocks.pop()
            blocks[-1][0] += b_hits
            blocks[-1][1] += b_n
            blocks[-1][3] = b_hi
    xs: list[float] = []
    ys: list[float] = []
    for h, n, lo, hi in blocks:
        rate = min(max(h / n, 0.001), 0.999)
        xs += [lo, hi] if hi > lo else [lo]
        ys += [rate, rate] if hi > lo else [rate]
    return TopCalibration.checked(np.array(xs), np.array(ys))


def _spread(proba: np.ndarray, calibration: TopCalibration) -> np.ndarray:
    """The top code gets its calibrated probability; the others share the rest in
    proportion to ``proba`` (evenly when the top one had it all)."""
    if not len(calibration.x):
        return proba
    rows = np.arange(len(proba))
    best = proba.argmax(axis=1)
    top = proba[rows, best]
    new_top = calibration.apply(top)
    rest = 1.0 - top
    out = proba.copy()
    out[rows, best] = 0.0
    k = proba.shape[1] - 1
    scale = np.divide(1.0 - new_top, rest, out=np.zeros_like(rest), where=rest > 1e-12)
    out *= scale[:, None]
    even = (rest <= 1e-12) & (k > 0)
    if even.any():
        out[even] = ((1.0 - new_top[even]) / max(k, 1))[:, None]
    out[rows, best] = new_top
    return out


@dataclass(frozen=True)
class TrainingSet:
    """Coded tickets as the model reads them: text, field tokens and code, aligned."""

    texts: list[str]
    fields: list[str]
    labels: list[str]
    excluded: dict[str, int]


def code_order(codes: Sequence[str], settings: TextSettings) -> list[str]:
    """The configured codes first, in their configured order, then the rest by name.

    ``[text] resolution_codes`` names and orders codes; it does not gate them: every code
    found on tickets is learnable.
    """
    configured = [c for c in settings.resolution_codes if c in set(codes)]
    return configured + sorted(set(codes) - set(configured))


def training_rows(codes: Sequence[str | None], settings: TextSettings
                  ) -> tuple[list[int], list[str], dict[str, int]]:
    """Positions (ascending) and codes of the coded tickets a model learns from, and the
    codes left out for having fewer tickets than folds. Reads codes only, so a streamed
    step picks its training tickets before reading any text."""
    rows = [i for i, c in enumerate(codes) if c is not None]
    counts = Counter(codes[i] for i in rows)
    excluded = {str(c): n for c, n in counts.items() if n < settings.cv_folds}
    keep = [i for i in rows if codes[i] not in excluded]
    labels = [str(codes[i]) for i in keep]
    if len(keep) < settings.min_training_tickets or len(set(labels)) < 2:
        if rows and not keep:
            why = (f" All {len(counts)} code(s) have fewer than {settings.cv_folds} tickets"
                   " each (codes look unique per ticket: is tickets.resolution_code a free-"
                   "text note or a ticket number rather than a code?).")
        elif len(set(labels)) == 1:
            why = (f" Only one code ({labels[0]!r}) has {settings.cv_folds}+ tickets: a model"
                   " needs at least two to tell apart.")
        else:
            why = ""
        raise NotEnoughTrainingData(
            f"{len(keep)} ticket(s) carry a usable resolution code"
            f" ({len(set(labels))} distinct) out of {len(rows)} coded.{why} At least"
            f" {settings.min_training_tickets} tickets and 2 codes with {settings.cv_folds}+"
            " tickets each are needed ([text] min_training_tickets, cv_folds). Codes come"
            " from tickets.resolution_code.")
    if len(keep) > settings.max_training_tickets:
        keep, labels = _stratified_sample(keep, labels, settings.max_training_tickets)
    return keep, labels, excluded


def training_set(texts: TicketTexts, settings: TextSettings) -> TrainingSet:
    """Every coded ticket; codes with fewer tickets than folds are left out (and named)."""
    keep, labels, excluded = training_rows(texts.resolution_code, settings)
    return picked_training_set(texts.take(keep), labels, excluded)


def picked_training_set(picked: TicketTexts, labels: list[str], excluded: dict[str, int]
                        ) -> TrainingSet:
    """The training set of the picked tickets' texts (in the order of ``labels``)."""
    return TrainingSet(list(picked.full), picked.field_tokens(), labels, excluded)


def _stratified_sample(rows: list[int], labels: list[str], size: int
                       ) -> tuple[list[int], list[str]]:
    """``size`` rows keeping each code's share (fixed seed: the same data, the same sample)."""
    picked, _ = train_test_split(np.arange(len(rows)), train_size=size, stratify=labels,
                                 random_state=0)
    picked = np.sort(picked)
    return [rows[i] for i in picked], [labels[i] for i in picked]


@dataclass(frozen=True)
class Candidate:
    """One model setting tried by cross-validation; the best one is trained."""

    model: str  # "svm" (linear SVM, one-vs-rest) or "logistic" (multinomial)
    c: float
    balanced: bool  # class weights inversely proportional to code frequency

    @property
    def label(self) -> str:
        return f"{self.model} C={self.c:g}{' balanced' if self.balanced else ''}"


# Tried on every history; all are linear, so the trained model is the same arrays.
# C=1 without weights was dropped: it was the slowest fit (a third of the cross-validation
# time) and never the best on the demo seeds (macro-F1 + accuracy 1.497 vs 1.507 there).
# C=1 with weights was added for histories with dozens of codes: on 5,431 real IT tickets
# with 18-54 codes it was the best (business service, text and fields: 0.444 / 0.674
# against 0.370 / 0.676 for C=0.3 without). C=0.3 without weights stays: on the real
# ServiceNow log (15 codes, fields only) it is the best by far (0.301 / 0.726 against
# 0.320 / 0.578 for the best weighted one), as it is for any history where weighting
# rare codes up costs the common code's tickets. C=0.3 with weights was dropped to keep
# three fits: on those real tickets its macro-F1 + accuracy was never more than 0.014
# above the best of the other three.
CANDIDATES: tuple[Candidate, ...] = (
    Candidate("svm", 0.1, True), Candidate("svm", 1.0, True), Candidate("svm", 0.3, False),
)
# Solver tolerance 1e-3 instead of liblinear's 1e-4: the same predictions on the demo's
# out-of-fold tickets, 10% less time.
_TOL = 1e-3


def _fit_linear(X: sp.csr_matrix, y: np.ndarray, candidate: Candidate
                ) -> tuple[np.ndarray, np.ndarray]:
    weight = "balanced" if candidate.balanced else None
    clf: LinearSVC | LogisticRegression
    if candidate.model == "svm":
        # The dual solver visits samples in a random order: without a fixed seed two
        # trainings on the same tickets labelled a ticket near min_confidence differently.
        clf = LinearSVC(C=candidate.c, class_weight=weight, dual=True, max_iter=5000,
                        tol=_TOL, random_state=0)
    else:
        clf = LogisticRegression(C=candidate.c, class_weight=weight, max_iter=500)
    if candidate.model == "svm":
        with _LIBLINEAR:
            clf.fit(X, y)
    else:
        clf.fit(X, y)
    return np.asarray(clf.coef_, dtype=np.float64), np.asarray(clf.intercept_,
                                                               dtype=np.float64)


def _linear_logits(X: sp.csr_matrix, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    z = np.asarray(X @ coef.T) + intercept
    if coef.shape[0] == 1:  # binary models keep one row
        z = np.hstack([-z / 2, z / 2])
    return z


def _features(data: TrainingSet) -> tuple[TextFeatures, sp.csr_matrix]:
    """Vocabulary and weights from the coded tickets' text and fields (no labels read)."""
    features, X = TextFeatures.fit_transform(data.texts, data.fields)
    if not features.width:
        raise NotEnoughTrainingData(
            f"{len(data.texts)} coded ticket(s) hold no word and no structured field seen in"
            " two or more tickets (tickets.subject, messages.body, tickets.category,"
            " priority, channel, assignee): there is nothing to learn codes from."
            " Import the ticket text or fields, then run: goodfit resolution train")
    return features, X


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises out-of-fold log loss (one number: cannot overfit)."""
    def nll(log_t: float) -> float:
        p = _softmax(logits / math.exp(log_t))
        return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(math.log(0.05), math.log(20.0)), method="bounded")
    return float(math.exp(res.x))


def reliability(proba: np.ndarray, y: np.ndarray, bins: int = 10,
                pred: np.ndarray | None = None) -> list[ReliabilityBin]:
    """Per confidence bin: how many predictions, their mean confidence, how many right.
    ``pred``: the predicted codes (default the argmax of ``proba``); the confidence is
    ``proba`` at the predicted code."""
    pred = proba.argmax(axis=1) if pred is None else pred
    conf = proba[np.arange(len(proba)), pred]
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            out.append(ReliabilityBin(float(lo), float(hi), int(inside.sum()),
                                      float(conf[inside].mean()),
                                      float((pred[inside] == y[inside]).mean())))
    return out


def _calibration_error(proba: np.ndarray, y: np.ndarray, bins: int = 10,
                       pred: np.ndarray | None = None) -> float:
    """Expected calibration error: the ticket-weighted gap between confidence and accuracy."""
    n = len(y)
    return float(sum(b.tickets / n * abs(b.confidence - b.accuracy)
                     for b in reliability(proba, y, bins, pred)))


TEMPERATURE = "temperature"
ISOTONIC = "temperature + isotonic"


@dataclass(frozen=True)
class Calibrated:
    temperature: float
    top: TopCalibration


def _choose_calibration(logits: np.ndarray, y: np.ndarray,
                        folds: list[tuple[np.ndarray, np.ndarray]]
                        ) -> tuple[str, dict[str, float], np.ndarray]:
    """Each way of calibrating, cross-fitted: fitted on the other folds' out-of-fold
    scores, measured on this fold's tickets, so a flexible map is not judged on the
    tickets it was fitted to. The one with the lower calibration error, both errors, and
    the chosen one's cross-fitted probabilities (for the reliability table).

    With dozens of codes one temperature cannot fit both ends (a linear SVM's softmax is
    too unsure at the bottom and too sure at the top); the isotonic map on the top
    probability can, given enough tickets."""
    right = logits.argmax(axis=1) == y
    out = {TEMPERATURE: np.zeros_like(logits), ISOTONIC: np.zeros_like(logits)}
    for train, test in folds:
        t = _fit_temperature(logits[train], y[train])
        out[TEMPERATURE][test] = _softmax(logits[test] / t)
        top = fit_top_calibration(_softmax(logits[train] / t).max(axis=1), right[train])
        out[ISOTONIC][test] = _spread(out[TEMPERATURE][test], top)
    errors = {m: _calibration_error(p, y, pred=logits.argmax(axis=1)) for m, p in out.items()}
    # the isotonic map must beat the single number clearly to be worth its knots
    method = ISOTONIC if errors[ISOTONIC] < errors[TEMPERATURE] - 0.005 else TEMPERATURE
    return method, errors, out[method]


def _cross_validate(data: TrainingSet, X: sp.csr_matrix, classes: list[str],
                    settings: TextSettings, progress: Progress
                    ) -> tuple[Evaluation, Candidate, Calibrated]:
    """Out-of-fold scores of every candidate; the best by mean of macro-F1 and accuracy.

    The vocabulary is fitted once on all coded tickets (it reads no codes); each fold's
    model is fitted on the other folds' rows only.
    """
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[c] for c in data.labels])
    folds = list(StratifiedKFold(n_splits=settings.cv_folds, shuffle=True,
                                 random_state=0).split(np.zeros(len(y)), y))
    oof = {c: np.zeros((len(y), len(classes))) for c in CANDIDATES}
    jobs = [(train, test, cand) for train, test in folds for cand in CANDIDATES]
    progress("cross-validating", 0, len(jobs))

    def run(job: tuple[np.ndarray, np.ndarray, Candidate]) -> None:
        train, test, cand = job
        coef, intercept = _fit_linear(X[train], y[train], cand)
        oof[cand][test] = _linear_logits(X[test], coef, intercept)  # disjoint rows

    # liblinear releases the GIL: threads use every core without copying the matrix
    with ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, _MAX_THREADS))) as ex:
        futures = [ex.submit(run, j) for j in jobs]
        for done, future in enumerate(as_completed(futures), start=1):
            future.result()
            progress("cross-validating", done, len(jobs))
    scores: dict[Candidate, tuple[float, float]] = {}
    for cand, logits in oof.items():
        pred = logits.argmax(axis=1)
        scores[cand] = (float(f1_score(y, pred, average="macro", zero_division=0)),
                        float(accuracy_score(y, pred)))
    best = max(CANDIDATES, key=lambda c: (sum(scores[c]), -CANDIDATES.index(c)))
    temperature = _fit_temperature(oof[best], y)
    method, errors, proba = _choose_calibration(oof[best], y, folds)
    calibration = (fit_top_calibration(_softmax(oof[best] / temperature).max(axis=1),
                                       oof[best].argmax(axis=1) == y)
                   if method == ISOTONIC else TopCalibration.none())
    pred = oof[best].argmax(axis=1)
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=range(len(classes)),
                                                 zero_division=0)
    majority = Counter(y.tolist()).most_common(1)[0][0]
    base = np.full_like(y, majority)
    correct = int((pred == y).sum())
    p_value = float(binomtest(correct, len(y), float((y == majority).mean()),
                              alternative="greater").pvalue)
    evaluation = Evaluation(
        tickets=len(y), folds=settings.cv_folds,
        macro_f1=scores[best][0],
        accuracy=scores[best][1],
        baseline_code=classes[majority],
        baseline_macro_f1=float(f1_score(y, base, labels=range(len(classes)),
                                         average="macro", zero_division=0)),
        baseline_accuracy=float(accuracy_score(y, base)),
        chance_macro_f1=1.0 / len(classes),
        calibration_error=errors[method],
        per_class=[ClassScore(c, int(s[i]), float(p[i]), float(r[i]), float(f[i]))
                   for i, c in enumerate(classes)],
        excluded=data.excluded,
        p_value=p_value,
        model=best.label,
        candidates={c.label: {"macro_f1": scores[c][0], "accuracy": scores[c][1]}
                    for c in CANDIDATES},
        reliability=[asdict(b) for b in reliability(proba, y, pred=pred)],
        calibration=method,
        calibration_errors=errors,
    )
    return evaluation, best, Calibrated(temperature, calibration)


def evaluate_resolution(texts: TicketTexts, settings: TextSettings,
                        progress: Progress = NO_PROGRESS) -> Evaluation:
    """Stratified cross-validated macro-F1 and per-code precision/recall vs the baselines."""
    return evaluate_training(training_set(texts, settings), settings, progress)


def evaluate_training(data: TrainingSet, settings: TextSettings,
                      progress: Progress = NO_PROGRESS) -> Evaluation:
    _, X = _features(data)
    classes = code_order(data.labels, settings)
    return _cross_validate(data, X, classes, settings, progress)[0]


def train_resolution(texts: TicketTexts, settings: TextSettings,
                     progress: Progress = NO_PROGRESS) -> ResolutionModel:
    """Learn the provider's codes from coded tickets; the evaluation travels with the model."""
    return train_on(training_set(texts, settings), settings, progress)


def train_on(data: TrainingSet, settings: TextSettings,
             progress: Progress = NO_PROGRESS) -> ResolutionModel:
    features, X = _features(data)
    classes = code_order(data.labels, settings)
    evaluation, best, calibrated = _cross_validate(data, X, classes, settings, progress)
    progress("training", 0, 1)
    index = {c: i for i, c in enumerate(classes)}
    coef, intercept = _fit_linear(X, np.array([index[c] for c in data.labels]), best)
    progress("training", 1, 1)
    return ResolutionModel(features, classes, coef, intercept, calibrated.temperature,
                           evaluation,
                           trained_at=datetime.now(UTC).replace(tzinfo=None).isoformat(
                               timespec="seconds"),
                           codes=list(settings.resolution_codes), calibration=calibrated.top)


def check_useful(model: ResolutionModel, settings: TextSettings) -> None:
    """Raise ModelBelowBaseline unless the model beats guessing by the configured margin."""
    ev = model.evaluation
    if not ev.beats_baseline(settings.min_f1_gain, settings.max_p_value):
        raise ModelBelowBaseline(
            f"the resolution model is not better than guessing: cross-validated macro-F1 "
            f"{ev.macro_f1:.3f}, needed {ev.required_f1(settings.min_f1_gain):.3f} "
            f"(majority-class baseline {ev.baseline_macro_f1:.3f}, chance "
            f"{ev.chance_macro_f1:.3f}, plus [text] min_f1_gain {settings.min_f1_gain}); "
            f"chance of doing this well by luck {ev.p_value:.3g} "
            f"([text] max_p_value {settings.max_p_value}). "
            "Nothing was labelled. Check that tickets.resolution_code is filled in "
            "consistently, code more tickets, then run: goodfit resolution train")


def apply_resolution(model: ResolutionModel, texts: TicketTexts, settings: TextSettings,
                     progress: Progress = NO_PROGRESS) -> pa.Table:
    """Rows for ``ticket_resolution``: given codes kept, the rest predicted or 'unknown'."""
    return apply_batches(model, [texts], settings, progress,
                         sum(c is None for c in texts.resolution_code))


def apply_batches(model: ResolutionModel, batches: Iterable[TicketTexts],
                  settings: TextSettings, progress: Progress = NO_PROGRESS,
                  uncoded: int = 0) -> pa.Table:
    """:func:`apply_resolution` over batches of tickets (``uncoded``: how many tickets of
    all batches have no code, for progress). Only one batch's text is held at a time;
    the rows it returns are a few numbers and ids per ticket."""
    check_useful(model, settings)
    progress("labelling tickets", 0, uncoded)
    parts, done = [], 0
    for texts in batches:
        codes: list[str | None] = list(texts.resolution_code)
        probability: list[float] = [1.0] * len(texts)
        source = ["given" if c is not None else "" for c in codes]
        todo = [i for i, c in enumerate(codes) if c is None]
        fields = texts.field_tokens()
        for start in range(0, len(todo), _BATCH):
            rows = todo[start:start + _BATCH]
            best, conf = model.predict_confidence([texts.full[i] for i in rows],
                                                  [fields[i] for i in rows])
            for i, b, c in zip(rows, best, conf, strict=True):
                probability[i] = float(c)
                if c >= settings.min_confidence:
                    codes[i], source[i] = model.classes[b], "predicted"
                else:
                    codes[i], source[i] = UNKNOWN, UNKNOWN
            done += len(rows)
            progress("labelling tickets", done, max(uncoded, done))
        parts.append(pa.table({"ticket_id": texts.ticket_id, "customer_id": texts.customer_id,
                               "resolution_code": codes, "probability": probability,
                               "source": source}, schema=RESOLUTION_SCHEMA))
    if not parts:
        return RESOLUTION_SCHEMA.empty_table()
    return pa.concat_tables(parts).combine_chunks()
