"""Monthly revenue, cost and margin per customer, for the low_margin flag.

The scorecard covers a whole window; "margin below X% for N months running" needs months.
They come from the cost model itself (``goodfit.metrics.breakdown.monthly_trend``: the
same revenue recognition, currency conversion and cost parts as the scorecard), so a
customer's months add up to its scorecard. A caller with another monthly table (same
columns) can pass it to ``compute_flags`` instead.
"""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd

from goodfit.config import Config
from goodfit.metrics.breakdown import monthly_trend
from goodfit.scoring.inputs import ScoringInputs, frame

MONTHLY_COLUMNS = ("customer_id", "month", "revenue", "cost", "margin")


def _text(column: ir.Value) -> ir.Value:
    return column.cast("string") if column.type().is_decimal() else column


def monthly_margins(inp: ScoringInputs, config: Config) -> pd.DataFrame:
    window = inp.window()
    trend = monthly_trend(dict(inp.tables), config, window)
    # Money read as its exact text and parsed to float: the same floats as through Python
    # Decimals (both round correctly), without building a Decimal for every customer-month.
    out = frame(trend.select("customer_id", "month", revenue=_text(trend.revenue),
                             cost=_text(trend.cost_to_serve)))
    if out.empty:
        return pd.DataFrame(columns=list(MONTHLY_COLUMNS))
    out["revenue"] = out["revenue"].astype(float)
    out["cost"] = out["cost"].astype(float)
    out["margin"] = [(r - c) / r if r > 0 else (float("-inf") if c > 0 else float("nan"))
                     for r, c in zip(out["revenue"], out["cost"], strict=True)]
    out["month"] = pd.to_datetime(out["month"])
    return out[list(MONTHLY_COLUMNS)].sort_values(["customer_id", "month"]).reset_index(drop=True)
