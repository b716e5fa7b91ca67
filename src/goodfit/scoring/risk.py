"""Early-life risk: from what a customer did in their first N days, the probability that
they become a trouble account (a segment in [risk] trouble_segments).

Trained on the provider's own history with a time-based split (earlier sign-ups train,
later ones test), compared with a simple baseline (tickets in the first N days). Every
feature is counted only between sign-up and sign-up + N days (and never after as_of), so
nothing a customer did later can change its prediction. With too few labelled customers
the result says "not enough history" instead of a number. Nothing is pickled: the model
is refitted on each call (it is small) and its coefficients are reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import ibis
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from goodfit.config import CostSettings, RiskSettings
from goodfit.metrics.orders import is_manual
from goodfit.scoring.inputs import frame

FEATURES = ("tickets", "high_priority", "staff_minutes", "doc_tickets", "customer_messages",
            "abusive_messages", "failed_payments", "disputes", "orders", "manual_orders",
            "custom_orders", "usage_over")
BASELINE = "tickets"


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    customers: int
    mean_predicted: float
    observed_rate: float


@dataclass(frozen=True)
class WatchItem:
    customer_id: str
    name: str | None
    signup_at: datetime
    days_in: int
    probability: float | None  # None: not enough history for a model; ranked by tickets
    tickets: int
    drivers: tuple[str, ...]  # features pushing the probability up most


@dataclass
class RiskReport:
    status: Literal["ok", "not_enough_history"]
    message: str
    first_days: int
    labelled: int = 0
    train: int = 0
    test: int = 0
    train_positives: int = 0
    test_positives: int = 0
    auc: float | None = None
    baseline_auc: float | None = None
    k: int = 0
    precision_at_k: float | None = None
    baseline_precision_at_k: float | None = None
    calibration: list[CalibrationBin] = field(default_factory=list)
    coefficients: dict[str, float] = field(default_factory=dict)
    watch_list: list[WatchItem] = field(default_factory=list)


def early_features(tables: Mapping[str, ibis.Table], first_days: int, as_of: datetime,
                   message_tone: ibis.Table | None = None,
                   doc_codes: tuple[str, ...] = ("documentation", "information_request"),
                   self_service: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per customer: what it did between sign-up and sign-up + first_days
    (capped at as_of). Later rows are filtered out in the warehouse, before counting.
    ``self_service``: [costs] self_service_channels (what a manual order is)."""
    channels = (list(self_service) if self_service is not None
                else CostSettings().self_service_channels)
    c = tables["customers"].select("customer_id", "name", "signup_at")
    c = c.filter(c.signup_at < as_of)  # as_of is a moment: what is at or after it is unknown
    span = ibis.interval(days=first_days)

    def early(t: ibis.Table, at: str) -> ibis.Table:
        cs = c.select(c.customer_id.name("_cid"), c.signup_at.name("_signup"))
        j = t.join(cs, t.customer_id == cs._cid)
        return j.filter((j[at] >= j._signup) & (j[at] < j._signup + span) & (j[at] < as_of))

    t = early(tables["tickets"], "opened_at")
    parts = [t.group_by("customer_id").aggregate(
        tickets=t.count(), high_priority=t.priority.isin(["high", "urgent"]).sum(),
        staff_minutes=t.staff_minutes.fill_null(0).sum(),
        doc_tickets=t.resolution_code.isin(list(doc_codes)).sum())]
    m = tables["messages"]
    tk = tables["tickets"].select(tables["tickets"].ticket_id.name("_tid"), "customer_id")
    mc = m.filter(m.author_role == "customer").join(tk, m.ticket_id == tk._tid)
    mc = early(mc, "sent_at")
    parts.append(mc.group_by("customer_id").aggregate(customer_messages=mc.count()))
    if message_tone is not None:
        a = early(message_tone.filter(message_tone.abusive), "sent_at")
        parts.append(a.group_by("customer_id").aggregate(abusive_messages=a.count()))
    p = early(tables["payments"], "at")
    parts.append(p.group_by("customer_id").aggregate(
        failed_payments=(p.outcome == "failed").sum(),
        disputes=p.outcome.isin(["dispute", "chargeback"]).sum()))
    o = early(tables["orders"], "placed_at")
    parts.append(o.group_by("customer_id").aggregate(
        orders=o.count(),
        manual_orders=is_manual(o.channel, channels).sum(),
        custom_orders=o.custom.fill_null(False).sum()))
    u = early(tables["usage"], "period_start")
    parts.append(u.group_by("customer_id").aggregate(
        usage_over=(u.quantity > u.allowance.fill_null(u.quantity)).sum()))
    out = frame(c)
    for part in parts:
        out = out.merge(frame(part), on="customer_id", how="left")
    for f in FEATURES:
        if f not in out:
            out[f] = 0
        out[f] = out[f].astype(float).fillna(0.0)
    return out


def history_start(tables: Mapping[str, ibis.Table]) -> datetime | None:
    """The earliest recorded recurring activity (invoice, payment or ticket). Orders are left
    out: exports often carry each customer's sign-up order from long before the rest."""
    firsts = []
    for name, col in (("invoices", "issued_at"), ("payments", "at"), ("tickets", "opened_at")):
        value = tables[name][col].min().execute()
        if value is not None and not pd.isna(value):
            firsts.append(pd.Timestamp(value).to_pydatetime())
    return min(firsts) if firsts else None


def _precision_at_k(score: np.ndarray, y: np.ndarray, k: int) -> float:
    order = np.argsort(-score, kind="stable")[:k]
    return float(y[order].mean()) if k else 0.0


def _calibration(p: np.ndarray, y: np.ndarray, bins: int) -> list[CalibrationBin]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (p >= lo) & ((p < hi) if hi < 1.0 else (p <= hi))
        if mask.any():
            out.append(CalibrationBin(float(lo), float(hi), int(mask.sum()),
                                      float(p[mask].mean()), float(y[mask].mean())))
    return out


def _model() -> object:
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=1000))


def _x(df: pd.DataFrame) -> np.ndarray:
    return np.log1p(df[list(FEATURES)].to_numpy(dtype=float))


def early_risk(tables: Mapping[str, ibis.Table], labels: pd.DataFrame, cfg: RiskSettings,
               as_of: datetime, message_tone: ibis.Table | None = None,
               self_service: Sequence[str] | None = None) -> RiskReport:
    """``labels``: customer_id, segment — the segments scoring gave each customer."""
    feats = early_features(tables, cfg.first_days, as_of, message_tone,
                           self_service=self_service)
    feats["signup_at"] = pd.to_datetime(feats["signup_at"])
    # Only customers whose first days lie (at least partly) inside the data: for one who
    # signed up years before the history starts, "nothing in the first 30 days" means
    # "not recorded", not "quiet".
    start = history_start(tables)
    if start is not None:
        feats = feats[feats["signup_at"] + pd.Timedelta(days=cfg.first_days)
                      > pd.Timestamp(start)]
    seg = dict(zip(labels["customer_id"].astype(str), labels["segment"], strict=True))
    old_enough = feats["signup_at"] <= pd.Timestamp(as_of - timedelta(days=cfg.min_label_days))
    lab = feats[old_enough & feats["customer_id"].astype(str).isin(seg)].copy()
    lab["y"] = lab["customer_id"].astype(str).map(seg).isin(cfg.trouble_segments).astype(int)
    lab = lab.sort_values(["signup_at", "customer_id"]).reset_index(drop=True)
    n_test = int(round(len(lab) * cfg.test_share))
    train, test = lab.iloc[: len(lab) - n_test], lab.iloc[len(lab) - n_test:]
    report = RiskReport("not_enough_history", "", cfg.first_days, len(lab), len(train),
                        len(test), int(train["y"].sum()), int(test["y"].sum()))
    short = []
    if len(lab) < cfg.min_customers:
        short.append(f"{len(lab)} labelled customers (need {cfg.min_customers})")
    for name, part in (("training", train), ("test", test)):
        pos = int(part["y"].sum())
        if pos < cfg.min_positives or len(part) - pos < cfg.min_positives:
            short.append(f"{pos} trouble and {len(part) - pos} other customers in the {name} "
                         f"set (need {cfg.min_positives} of each)")
    new = feats[feats["signup_at"] > pd.Timestamp(as_of - timedelta(days=cfg.first_days))]
    if short:
        report.message = ("not enough history to trust an early-life risk score: "
                          + "; ".join(short))
        # Still list the newcomers, ranked by the baseline alone, with no probability.
        report.watch_list = sorted(
            (WatchItem(str(r.customer_id), r.name, r.signup_at.to_pydatetime(),
                       (as_of - r.signup_at.to_pydatetime()).days, None, int(r.tickets), ())
             for r in new.itertuples()), key=lambda w: (-w.tickets, w.customer_id))
        return report
    model = _model()
    model.fit(_x(train), train["y"])  # type: ignore[attr-defined]
    y = test["y"].to_numpy()
    p = model.predict_proba(_x(test))[:, 1]  # type: ignore[attr-defined]
    base = test[BASELINE].to_numpy(dtype=float)
    k = min(cfg.top_k, len(test))
    report.status = "ok"
    report.auc = float(roc_auc_score(y, p))
    report.baseline_auc = float(roc_auc_score(y, base))
    report.k = k
    report.precision_at_k = _precision_at_k(p, y, k)
    report.baseline_precision_at_k = _precision_at_k(base, y, k)
    report.calibration = _calibration(p, y, cfg.calibration_bins)
    # Refit on every labelled customer to score the ones still in their first N days.
    final = _model()
    final.fit(_x(lab), lab["y"])  # type: ignore[attr-defined]
    coef = final.steps[-1][1].coef_[0]  # type: ignore[attr-defined]
    report.coefficients = {f: round(float(c), 4) for f, c in zip(FEATURES, coef, strict=True)}
    report.message = (f"trained on {len(train)} earlier sign-ups, tested on {len(test)} later "
                      f"ones: AUC {report.auc:.2f} (baseline {report.baseline_auc:.2f})")
    if len(new):
        probs = final.predict_proba(_x(new))[:, 1]  # type: ignore[attr-defined]
        scaled = final.steps[0][1].transform(_x(new))  # type: ignore[attr-defined]
        items = []
        for i, r in enumerate(new.itertuples()):
            push = scaled[i] * coef
            drivers = tuple(FEATURES[j] for j in np.argsort(-push)[:3]
                            if push[j] > 0 and getattr(r, FEATURES[j]) > 0)
            items.append(WatchItem(str(r.customer_id), r.name, r.signup_at.to_pydatetime(),
                                   (as_of - r.signup_at.to_pydatetime()).days,
                                   round(float(probs[i]), 4), int(r.tickets), drivers))
        report.watch_list = sorted(items, key=lambda w: (-(w.probability or 0.0), w.customer_id))
    return report
