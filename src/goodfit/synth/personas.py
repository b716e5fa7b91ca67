"""Who the synthetic customers are: personas, their mix and the behaviour each one drives.

The numbers are picked so that the generated provider looks like the ones owners describe:
most accounts never open a ticket, a few percent carry most of the support load, and each
problem behaviour leaves evidence a person could point at (tickets, messages, invoices,
payments, orders, usage). Persona labels are written only to ``ground_truth/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERSONAS: tuple[str, ...] = (
    "normal", "ideal", "idle", "hand_holder", "priority_abuser", "abusive",
    "bandwidth_hog", "payment_trouble", "manual_orderer",
)

# Share of customers per persona (sums to 1).
DEFAULT_MIX: dict[str, float] = {
    "normal": 0.45, "ideal": 0.20, "idle": 0.05, "hand_holder": 0.08,
    "priority_abuser": 0.04, "abusive": 0.03, "bandwidth_hog": 0.04,
    "payment_trouble": 0.05, "manual_orderer": 0.06,
}


@dataclass(frozen=True)
class Behaviour:
    """What a persona does; rates are per active month, shares are probabilities."""

    tickets_per_month: float  # mean; each customer gets a lognormal multiplier around it
    ticket_spread: float  # sigma of that multiplier: heavier tail within the persona
    # intent → weight for the tickets this persona opens (see text.INTENTS)
    intents: dict[str, float] = field(default_factory=dict)
    # low, normal, high, urgent
    priorities: tuple[float, float, float, float] = (0.15, 0.65, 0.15, 0.05)
    abusive_share: float = 0.0  # share of customer messages with insults/shouting/threats
    late_payment: float = 0.02  # share of invoices paid late (after a failed attempt)
    usage_level: float = 0.25  # median share of the plan allowance used
    manual_orders: float = 0.03  # share of orders placed outside the self-service form
    extra_orders_per_year: float = 0.3  # orders after signup (upgrades, add-ons)
    long_tenure: float = 0.35  # share signed up before the generated window
    cancel: float = 0.08  # share that cancels within the window
    satisfaction: tuple[float, ...] = (0.03, 0.05, 0.12, 0.35, 0.45)  # CSAT 1..5


ORDINARY = {"network": 3.0, "hardware": 1.0, "bug": 2.0, "one_time": 1.5, "info": 2.0,
            "change": 1.5, "billing": 1.0, "sales": 0.6, "howto": 1.2}

BEHAVIOURS: dict[str, Behaviour] = {
    "normal": Behaviour(0.025, 1.0, ORDINARY),
    "ideal": Behaviour(0.0, 0.0, ORDINARY, late_payment=0.0, manual_orders=0.0,
                       extra_orders_per_year=0.6, long_tenure=0.65, cancel=0.02),
    "idle": Behaviour(0.0, 0.0, ORDINARY, late_payment=0.0, usage_level=0.0, manual_orders=0.0,
                      extra_orders_per_year=0.0, long_tenure=0.6, cancel=0.0),
    "hand_holder": Behaviour(2.4, 1.3, {"howto": 10.0, "info": 1.0, "network": 0.5, "bug": 0.5},
                             priorities=(0.1, 0.6, 0.25, 0.05),
                             satisfaction=(0.02, 0.04, 0.14, 0.4, 0.4)),
    "priority_abuser": Behaviour(0.6, 0.8, {**ORDINARY, "info": 4.0},
                                 priorities=(0.0, 0.15, 0.35, 0.5)),
    "abusive": Behaviour(1.0, 0.9, ORDINARY, priorities=(0.02, 0.38, 0.35, 0.25),
                         abusive_share=0.6, satisfaction=(0.5, 0.25, 0.15, 0.07, 0.03)),
    "bandwidth_hog": Behaviour(0.06, 0.7, {**ORDINARY, "network": 4.0}, usage_level=8.0),
    "payment_trouble": Behaviour(0.12, 0.8, {**ORDINARY, "billing": 8.0}, late_payment=0.3,
                                 cancel=0.2, satisfaction=(0.15, 0.15, 0.25, 0.25, 0.2)),
    "manual_orderer": Behaviour(0.1, 0.8, {**ORDINARY, "change": 5.0, "sales": 2.0},
                                manual_orders=0.9, extra_orders_per_year=4.0),
}
assert tuple(BEHAVIOURS) == PERSONAS


@dataclass(frozen=True)
class Plan:
    name: str
    product: str
    price: str  # monthly, in the customer's currency
    egress_gb: float  # monthly allowance
    storage_gb: float


PLANS: dict[str, Plan] = {p.name: p for p in (
    Plan("shared-1", "hosting", "5.00", 100, 10),
    Plan("vps-1", "vps", "12.00", 1000, 25),
    Plan("vps-2", "vps", "24.00", 2000, 50),
    Plan("vps-4", "vps", "48.00", 4000, 100),
    Plan("dedicated", "dedicated", "150.00", 10000, 1000),
    Plan("storage-1tb", "storage", "20.00", 500, 1000),
)}
MAIN_PLANS: tuple[str, ...] = tuple(PLANS)
MAIN_PLAN_WEIGHTS: tuple[float, ...] = (0.22, 0.25, 0.22, 0.12, 0.05, 0.14)
# Bandwidth hogs sit where egress is cheap to buy and expensive to serve.
HOG_PLAN_WEIGHTS: tuple[float, ...] = (0.05, 0.15, 0.15, 0.1, 0.05, 0.5)
ADDON_PLAN = "storage-1tb"

CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP")
CURRENCY_WEIGHTS: tuple[float, ...] = (0.7, 0.2, 0.1)
COUNTRIES: dict[str, tuple[str, ...]] = {
    "USD": ("US", "US", "US", "CA"), "EUR": ("DE", "FR", "NL", "ES", "IT", "AT"), "GBP": ("GB",),
}


def check_mix(mix: dict[str, float]) -> list[float]:
    """Weights in PERSONAS order, normalised; unknown personas are an error."""
    unknown = sorted(set(mix) - set(PERSONAS))
    if unknown:
        raise ValueError(f"unknown persona(s) {unknown}; known: {', '.join(PERSONAS)}")
    weights = [max(0.0, float(mix.get(p, 0.0))) for p in PERSONAS]
    total = sum(weights)
    if total <= 0:
        raise ValueError("the persona mix must give some persona a positive share")
    return [w / total for w in weights]
