"""Cost to serve, profit and support concentration: Ibis tables in, Ibis tables out.

The names below load on first use, so code that only needs the service (or the window)
does not pay for Ibis and pandas."""

from typing import Any

from goodfit.window import Window  # the window lives below metrics: the workspace resolves it

__all__ = ["Concentration", "CustomerBreakdown", "Window", "concentration",
           "customer_breakdown", "scorecard"]

_WHERE = {"Concentration": "concentration", "concentration": "concentration",
          "CustomerBreakdown": "breakdown", "customer_breakdown": "breakdown",
          "scorecard": "scorecard"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'goodfit.metrics' has no attribute '{name}'")
    from importlib import import_module

    return getattr(import_module(f"goodfit.metrics.{module}"), name)
