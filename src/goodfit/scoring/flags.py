"""Run every registered flag rule (goodfit.scoring.flag_registry) over one window, each
flag with its evidence."""

from __future__ import annotations

import pandas as pd

from goodfit.config import Config
from goodfit.scoring.evidence import Flag, FlagWithoutEvidence
from goodfit.scoring.flag_registry import RuleContext, rules
from goodfit.scoring.inputs import ScoringInputs
from goodfit.scoring.monthly import monthly_margins


def compute_flags(inp: ScoringInputs, config: Config,
                  monthly: pd.DataFrame | None = None) -> list[Flag]:
    """Run every flag rule. ``monthly`` (customer_id, month, revenue, cost, margin) feeds
    low_margin; when absent it is computed with :func:`monthly_margins`."""
    f = config.flags
    if monthly is None:
        monthly = monthly_margins(inp, config)
    ctx = RuleContext(config, monthly)
    registered = rules()
    order = {r.code: r.order for r in registered}
    out: list[Flag] = []
    for rule in registered:
        for flag in rule.run(inp, ctx):
            if not flag.evidence:  # Flag() refuses this already; belt and braces for subclasses
                raise FlagWithoutEvidence(f"{flag.code} for {flag.customer_id}")
            out.append(flag)
    if f.hand_holding.skip_if_priority_misuse:
        # Only when most of the customer's tickets are high/urgent questions: then the
        # same tickets are priority misuse, not hand-holding.
        misusers = {x.customer_id for x in out
                    if x.code == "priority_misuse" and x.extra.get("mostly_high")}
        out = [x for x in out if not (x.code == "hand_holding" and x.customer_id in misusers)]
    return sorted(out, key=lambda x: (x.customer_id, order[x.code]))
