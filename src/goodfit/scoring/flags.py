"""The flag catalogue: every rule, run over one window, each flag with its evidence."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from goodfit.config import Config
from goodfit.scoring import flags_billing as billing
from goodfit.scoring import flags_support as support
from goodfit.scoring.evidence import Flag, FlagWithoutEvidence
from goodfit.scoring.inputs import ScoringInputs
from goodfit.scoring.monthly import monthly_margins

FLAG_CODES = ("priority_misuse", "impatience", "hand_holding", "abusive_language",
              "infra_burden", "payment_trouble", "manual_orders", "custom_requests",
              "unprofitable", "low_margin", "idle", "heavy_load")


def compute_flags(inp: ScoringInputs, config: Config,
                  monthly: pd.DataFrame | None = None) -> list[Flag]:
    """Run every flag rule. ``monthly`` (customer_id, month, revenue, cost, margin) feeds
    low_margin; when absent it is computed with :func:`monthly_margins`."""
    f = config.flags
    if monthly is None:
        monthly = monthly_margins(inp, config)
    rules: list[Callable[[], list[Flag]]] = [
        lambda: support.priority_misuse(inp, f.priority_misuse),
        lambda: support.impatience(inp, f.impatience),
        lambda: support.hand_holding(inp, f.hand_holding),
        lambda: support.abusive_language(inp, f.abusive_language),
        lambda: billing.infra_burden(inp, f.infra_burden),
        lambda: billing.payment_trouble(inp, f.payment_trouble,
                                        billing.default_ticket_minutes(config.costs)),
        lambda: billing.manual_orders(inp, f.manual_orders),
        lambda: billing.custom_requests(inp, f.custom_requests),
        lambda: billing.unprofitable(inp, f.unprofitable),
        lambda: billing.low_margin(inp, f.low_margin, monthly),
        lambda: billing.idle(inp, f.idle),
        lambda: support.heavy_load(inp, f.heavy_load),
    ]
    out: list[Flag] = []
    for rule in rules:
        for flag in rule():
            if not flag.evidence:  # Flag() refuses this already; belt and braces for subclasses
                raise FlagWithoutEvidence(f"{flag.code} for {flag.customer_id}")
            out.append(flag)
    if f.hand_holding.skip_if_priority_misuse:
        # Only when most of the customer's tickets are high/urgent questions: then the
        # same tickets are priority misuse, not hand-holding.
        misusers = {x.customer_id for x in out
                    if x.code == "priority_misuse" and x.extra.get("mostly_high")}
        out = [x for x in out if not (x.code == "hand_holding" and x.customer_id in misusers)]
    return sorted(out, key=lambda x: (x.customer_id, FLAG_CODES.index(x.code)))
