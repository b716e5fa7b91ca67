"""Cost to serve, profit and support concentration: Ibis tables in, Ibis tables out."""

from goodfit.metrics.breakdown import CustomerBreakdown, customer_breakdown
from goodfit.metrics.concentration import Concentration, concentration
from goodfit.metrics.scorecard import scorecard
from goodfit.window import Window  # the window lives below metrics: the workspace resolves it

__all__ = ["Concentration", "CustomerBreakdown", "Window", "concentration",
           "customer_breakdown", "scorecard"]
