"""Resolution codes learned from the provider's own coded tickets.

TF-IDF over words and character n-grams, multinomial logistic regression, and one
temperature fitted on out-of-fold predictions so the probabilities mean what they say.
``evaluate`` cross-validates (stratified) and compares macro-F1 with two baselines:
always answering the most common code, and guessing codes at their base rates
(expected macro-F1 = 1 / number of codes). A model that does not beat both by
``[text] min_f1_gain`` is never applied.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from scipy.optimize import minimize_scalar
from scipy.stats import binomtest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, train_test_split

from goodfit.config import TextSettings
from goodfit.errors import ModelBelowBaseline, NotEnoughTrainingData, UnsafeModelFile
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.text.corpus import TicketTexts
from goodfit.text.features import TextFeatures
from goodfit.text.model_store import load_model, save_model

UNKNOWN = "unknown"
FORMAT = "goodfit.resolution/1"
_C = 1.0  # scikit-learn default; best macro-F1 on our fixtures, and the fastest to fit
_BATCH = 20_000

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

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        X = self.features.transform(list(texts))
        z = np.asarray(X @ self.coef.T) + self.intercept
        if len(self.classes) == 2:  # binary logistic regression keeps one row
            z = np.hstack([np.zeros_like(z), z])
        return z

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return _softmax(self.logits(texts) / self.temperature)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.classes[i] for i in self.predict_proba(texts).argmax(axis=1)]

    # -- storage (JSON + numeric npz, never pickle) ----------------------------
    def save(self, directory: Path) -> None:
        feat_meta, arrays = self.features.to_data()
        arrays = {**arrays, "coef": self.coef, "intercept": self.intercept}
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
                        codes=[str(c) for c in meta.get("codes", [])])
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


def training_set(texts: TicketTexts, settings: TextSettings
                 ) -> tuple[list[str], list[str], dict[str, int]]:
    """Texts and codes of coded tickets; codes with fewer tickets than folds are left out."""
    allowed = set(settings.resolution_codes)
    rows = [i for i, c in enumerate(texts.resolution_code) if c in allowed]
    counts = Counter(texts.resolution_code[i] for i in rows)
    excluded = {str(c): n for c, n in counts.items() if n < settings.cv_folds}
    keep = [i for i in rows if texts.resolution_code[i] not in excluded]
    labels = [str(texts.resolution_code[i]) for i in keep]
    if len(keep) < settings.min_training_tickets or len(set(labels)) < 2:
        raise NotEnoughTrainingData(
            f"{len(keep)} ticket(s) carry a usable resolution code"
            f" ({len(set(labels))} distinct); at least {settings.min_training_tickets} tickets"
            f" and 2 codes with {settings.cv_folds}+ tickets each are needed"
            " ([text] min_training_tickets, cv_folds). Codes come from tickets.resolution_code"
            f" and must be one of [text] resolution_codes: {', '.join(settings.resolution_codes)}.")
    if len(keep) > settings.max_training_tickets:
        keep, labels = _stratified_sample(keep, labels, settings.max_training_tickets)
    return [texts.full[i] for i in keep], labels, excluded


def _stratified_sample(rows: list[int], labels: list[str], size: int
                       ) -> tuple[list[int], list[str]]:
    """``size`` rows keeping each code's share (fixed seed: the same data, the same sample)."""
    picked, _ = train_test_split(np.arange(len(rows)), train_size=size, stratify=labels,
                                 random_state=0)
    picked = np.sort(picked)
    return [rows[i] for i in picked], [labels[i] for i in picked]


def _fit(texts: list[str], labels: list[str]) -> tuple[TextFeatures, LogisticRegression]:
    features = TextFeatures.fit(texts)
    # newton-cg: few, exact steps; lbfgs needs many cheap ones and is slower here
    clf = LogisticRegression(C=_C, max_iter=500, class_weight="balanced", solver="newton-cg")
    clf.fit(features.transform(texts), labels)
    return features, clf


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises out-of-fold log loss (one number: cannot overfit)."""
    def nll(log_t: float) -> float:
        p = _softmax(logits / math.exp(log_t))
        return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(math.log(0.05), math.log(20.0)), method="bounded")
    return float(math.exp(res.x))


def _calibration_error(proba: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    conf, pred = proba.max(axis=1), proba.argmax(axis=1)
    edges = np.linspace(0, 1, bins + 1)
    err = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            err += inside.mean() * abs(conf[inside].mean() - (pred[inside] == y[inside]).mean())
    return float(err)


def _cross_validate(texts: list[str], labels: list[str], settings: TextSettings,
                    excluded: dict[str, int], progress: Progress
                    ) -> tuple[Evaluation, float]:
    classes = sorted(set(labels))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[c] for c in labels])
    folds = StratifiedKFold(n_splits=settings.cv_folds, shuffle=True, random_state=0)
    oof = np.zeros((len(y), len(classes)))
    progress("cross-validating", 0, settings.cv_folds)
    for k, (train, test) in enumerate(folds.split(np.zeros(len(y)), y), start=1):
        features, clf = _fit([texts[i] for i in train], [labels[i] for i in train])
        model = ResolutionModel(features, list(clf.classes_), clf.coef_, clf.intercept_, 1.0,
                                _EMPTY_EVAL)
        oof[test] = model.logits([texts[i] for i in test])
        progress("cross-validating", k, settings.cv_folds)
    temperature = _fit_temperature(oof, y)
    proba = _softmax(oof / temperature)
    pred = proba.argmax(axis=1)
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=range(len(classes)),
                                                 zero_division=0)
    majority = Counter(y.tolist()).most_common(1)[0][0]
    base = np.full_like(y, majority)
    correct = int((pred == y).sum())
    p_value = float(binomtest(correct, len(y), float((y == majority).mean()),
                              alternative="greater").pvalue)
    evaluation = Evaluation(
        tickets=len(y), folds=settings.cv_folds,
        macro_f1=float(f1_score(y, pred, average="macro", zero_division=0)),
        accuracy=float(accuracy_score(y, pred)),
        baseline_code=classes[majority],
        baseline_macro_f1=float(f1_score(y, base, labels=range(len(classes)),
                                         average="macro", zero_division=0)),
        baseline_accuracy=float(accuracy_score(y, base)),
        chance_macro_f1=1.0 / len(classes),
        calibration_error=_calibration_error(proba, y),
        per_class=[ClassScore(c, int(s[i]), float(p[i]), float(r[i]), float(f[i]))
                   for i, c in enumerate(classes)],
        excluded=excluded,
        p_value=p_value,
    )
    return evaluation, temperature


_EMPTY_EVAL = Evaluation(0, 0, 0.0, 0.0, "", 0.0, 0.0, 0.0, 0.0, [])


def evaluate_resolution(texts: TicketTexts, settings: TextSettings,
                        progress: Progress = NO_PROGRESS) -> Evaluation:
    """Stratified cross-validated macro-F1 and per-code precision/recall vs the baselines."""
    docs, labels, excluded = training_set(texts, settings)
    return _cross_validate(docs, labels, settings, excluded, progress)[0]


def train_resolution(texts: TicketTexts, settings: TextSettings,
                     progress: Progress = NO_PROGRESS) -> ResolutionModel:
    """Learn the provider's codes from coded tickets; the evaluation travels with the model."""
    docs, labels, excluded = training_set(texts, settings)
    evaluation, temperature = _cross_validate(docs, labels, settings, excluded, progress)
    progress("training", 0, 1)
    features, clf = _fit(docs, labels)
    progress("training", 1, 1)
    return ResolutionModel(features, [str(c) for c in clf.classes_], clf.coef_,
                           clf.intercept_, temperature, evaluation,
                           trained_at=datetime.now(UTC).replace(tzinfo=None).isoformat(
                               timespec="seconds"),
                           codes=list(settings.resolution_codes))


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
    check_useful(model, settings)
    codes: list[str | None] = list(texts.resolution_code)
    probability: list[float] = [1.0] * len(texts)
    source = ["given" if c is not None else "" for c in codes]
    todo = [i for i, c in enumerate(codes) if c is None]
    progress("labelling tickets", 0, len(todo))
    for start in range(0, len(todo), _BATCH):
        rows = todo[start:start + _BATCH]
        proba = model.predict_proba([texts.full[i] for i in rows])
        best, conf = proba.argmax(axis=1), proba.max(axis=1)
        for i, b, c in zip(rows, best, conf, strict=True):
            probability[i] = float(c)
            if c >= settings.min_confidence:
                codes[i], source[i] = model.classes[b], "predicted"
            else:
                codes[i], source[i] = UNKNOWN, UNKNOWN
        progress("labelling tickets", start + len(rows), len(todo))
    return pa.table({"ticket_id": texts.ticket_id, "customer_id": texts.customer_id,
                     "resolution_code": codes, "probability": probability, "source": source},
                    schema=RESOLUTION_SCHEMA)
