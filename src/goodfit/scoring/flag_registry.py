"""Flag rules register where they are defined (``@flag_rule`` in flags_support.py and
flags_billing.py); ``compute_flags`` runs whatever is registered, in ``order``.

A new flag is its rule function with ``@flag_rule("code", order=N)`` and its settings
model in ``[flags.code]`` (goodfit.config.FlagSettings): goodfit.toml's flag lists
(``part_ways_flags``…) are checked against those settings, and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from goodfit.config import Config
    from goodfit.scoring.evidence import Flag
    from goodfit.scoring.inputs import ScoringInputs


@dataclass(frozen=True)
class RuleContext:
    """What a rule may need beyond its own settings."""

    config: Config
    monthly: pd.DataFrame  # customer_id, month, revenue, cost, margin (low_margin)


Run = Callable[["ScoringInputs", RuleContext], list["Flag"]]


@dataclass(frozen=True)
class FlagRule:
    code: str
    order: int  # flags of one customer are listed in this order
    run: Run


RULES: dict[str, FlagRule] = {}


def register(code: str, order: int, run: Run) -> None:
    if code in RULES:
        raise ValueError(f"flag {code!r} registered twice")
    RULES[code] = FlagRule(code, order, run)


def flag_rule(code: str, *, order: int) -> Callable[[Any], Any]:
    """Register ``fn(inp, settings)``, its settings being ``[flags.<code>]``."""

    def decorate(fn: Any) -> Any:
        register(code, order, lambda inp, ctx: fn(inp, getattr(ctx.config.flags, code)))
        return fn

    return decorate


def rules() -> list[FlagRule]:
    """Every registered rule in order (importing the modules that define them)."""
    from goodfit.scoring import flags_billing, flags_support  # noqa: F401  (they register)

    return sorted(RULES.values(), key=lambda r: r.order)
