"""Cost to serve, profit and support concentration: Ibis tables in, Ibis tables out."""

from goodfit.metrics.breakdown import CustomerBreakdown, customer_breakdown
from goodfit.metrics.concentration import Concentration, concentration
from goodfit.metrics.scorecard import scorecard
from goodfit.metrics.window import Window

__all__ = ["Concentration", "CustomerBreakdown", "Window", "concentration",
           "customer_breakdown", "scorecard"]
