"""The canonical tables: every row of customer data enters goodfit through one of these.

This module is the single source of truth for table names, columns, types, units,
enums and keys. The importer, the templates, docs/data-model.md, the synthetic data
generator and the metrics all read it; nothing else declares a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """Logical column types; the warehouse type follows from the kind."""

    STRING = "string"
    TIMESTAMP = "timestamp"  # stored as naive UTC
    DATE = "date"
    MONEY = "money"  # DECIMAL(18,4), exact
    INTEGER = "integer"
    NUMBER = "number"  # DOUBLE: quantities, not money
    BOOLEAN = "boolean"
    ENUM = "enum"


SQL_TYPES: dict[Kind, str] = {
    Kind.STRING: "VARCHAR",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.DATE: "DATE",
    Kind.MONEY: "DECIMAL(18,4)",
    Kind.INTEGER: "BIGINT",
    Kind.NUMBER: "DOUBLE PRECISION",  # spelled so DuckDB and PostgreSQL both accept it
    Kind.BOOLEAN: "BOOLEAN",
    Kind.ENUM: "VARCHAR",
}


# How a file may write a minute-valued column (unit "minutes": tickets.staff_minutes,
# orders.handling_minutes): declared per column with [mapping.TABLE.units] or --unit,
# never guessed from the values. "hh:mm" is hours and minutes (01:30 = 90 minutes).
DURATION_UNITS: tuple[str, ...] = ("minutes", "seconds", "hours", "hh:mm", "hh:mm:ss")

# Fields of a derived customer a ticket file may fill (tickets only, with
# --derive-customers): `--map "Company Name=customers.name"`.
DERIVED_CUSTOMER_FIELDS: dict[str, str] = {"customers.name": "name"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    doc: str = ""
    unit: str = ""
    values: tuple[str, ...] = ()  # allowed values for ENUM
    min_value: float | None = None  # inclusive lower bound for numbers/money
    max_value: float | None = None
    example: str = ""
    max_length: int = 10_000  # strings longer than this are rejected, not truncated

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # upsert key; re-importing the same key updates the row
    # (column, parent table, parent column): rows whose reference is unknown are orphans
    references: tuple[tuple[str, str, str], ...] = ()
    # Some tables have no natural id (payments without payment_id, usage, costs);
    # their key is made of several columns, documented here.
    key_doc: str = ""
    columns_by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns_by_name", {c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return self.columns_by_name[name]


def _c(name: str, kind: Kind, doc: str, **kw: object) -> Column:
    return Column(name, kind, doc=doc, **kw)  # type: ignore[arg-type]


def _r(name: str, kind: Kind, doc: str, **kw: object) -> Column:
    return Column(name, kind, required=True, doc=doc, **kw)  # type: ignore[arg-type]


S, T, M, I, N, B, E = (Kind.STRING, Kind.TIMESTAMP, Kind.MONEY, Kind.INTEGER, Kind.NUMBER,
                       Kind.BOOLEAN, Kind.ENUM)
CURRENCY = _c("currency", S, "ISO 4217 code; empty means the project currency", example="USD")

CUSTOMER_STATUS = ("active", "suspended", "cancelled")
INVOICE_KINDS = ("recurring", "setup", "one_time", "fee", "credit")
INVOICE_STATUS = ("paid", "unpaid", "refunded", "cancelled", "disputed")
PAYMENT_OUTCOMES = ("succeeded", "failed", "refunded", "chargeback", "dispute")
ORDER_CHANNELS = ("self_service", "email", "phone", "chat", "api")
PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_CHANNELS = ("email", "web", "phone", "chat", "api")
AUTHOR_ROLES = ("customer", "staff", "system")
COST_CATEGORIES = ("licence", "hardware", "third_party", "other")
DEFAULT_RESOLUTION_CODES = (
    "documentation", "software_bug_open", "software_bug_fixed", "hardware_event",
    "network_event", "one_time_event", "information_request", "reassigned",
    "customer_change_request", "other",
)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("customers", "One row per customer organisation: decisions are about organisations. "
          "A ticket export alone can create them (`goodfit import tickets FILE "
          "--derive-customers`): such rows are *derived*, holding only customer_id, as "
          "signup_at the first ticket's opened_at, and a name only when a ticket column is "
          "mapped to customers.name (no billing is invented); they are listed "
          "in the warehouse table goodfit_derived_customers and counted by `goodfit status` "
          "until a customer import describes the same ids.", (
        _r("customer_id", S, "Your id for the customer (account, client or company id)", example="C-1001"),
        _c("name", S, "Organisation name", example="Acme Hosting Ltd"),
        _r("signup_at", T, "When the account was opened", example="2023-04-01 09:30:00"),
        _c("status", E, "Account status", values=CUSTOMER_STATUS, example="active"),
        _c("cancelled_at", T, "When the account was cancelled, if it was"),
        _c("plan", S, "Main plan name", example="vps-2"),
        _c("country", S, "ISO 3166 country code", example="DE"),
        _c("email", S, "Billing e-mail of the organisation", example="billing@acme.example"),
        CURRENCY,
    ), key=("customer_id",)),
    Table("contacts", "People at a customer. goodfit never scores individuals.", (
        _c("contact_id", S, "Your id for the person; derived from the row when absent", example="P-1"),
        _r("customer_id", S, "Customer the person belongs to", example="C-1001"),
        _c("name", S, "Full name", example="Ada Example"),
        _c("email", S, "E-mail address", example="ada@acme.example"),
        _c("role", S, "billing, technical, owner, …", example="billing"),
    ), key=("contact_id",), references=(("customer_id", "customers", "customer_id"),),
        key_doc="contact_id; when empty, a hash of customer_id, name and email"),
    Table("services", "What a customer has bought: one row per service/subscription.", (
        _r("service_id", S, "Your id for the service", example="S-1"),
        _r("customer_id", S, "Owner of the service", example="C-1001"),
        _c("product", S, "Product family", example="vps"),
        _c("plan", S, "Plan name; usage is compared with peers on the same plan", example="vps-2"),
        _c("price_monthly", M, "Recurring price per month", unit="currency", min_value=0,
           example="24.00"),
        CURRENCY,
        _c("started_at", T, "Start of service", example="2023-04-01 09:35:00"),
        _c("ended_at", T, "End of service, if ended"),
    ), key=("service_id",), references=(("customer_id", "customers", "customer_id"),)),
    Table("invoices", "Invoices issued; revenue is recognised from paid invoices.", (
        _r("invoice_id", S, "Your invoice number", example="INV-2024-0001"),
        _r("customer_id", S, "Billed customer", example="C-1001"),
        _r("issued_at", T, "Issue date", example="2024-01-01 00:00:00"),
        _r("amount", M, "Invoice total (negative only for kind=credit)", unit="currency",
           example="24.00"),
        CURRENCY,
        _c("kind", E, "What the invoice is for", values=INVOICE_KINDS, example="recurring"),
        _c("status", E, "Payment state", values=INVOICE_STATUS, example="paid"),
        _c("due_at", T, "Due date", example="2024-01-15 00:00:00"),
        _c("paid_at", T, "When it was paid", example="2024-01-03 12:00:00"),
        _c("refunded_amount", M, "Amount refunded on this invoice", unit="currency",
           min_value=0, example="0"),
    ), key=("invoice_id",), references=(("customer_id", "customers", "customer_id"),)),
    Table("payments", "Payment attempts, including failures, refunds and chargebacks.", (
        _c("payment_id", S, "Gateway transaction id; derived from the row when absent",
           example="TX-1"),
        _r("customer_id", S, "Paying customer", example="C-1001"),
        _c("invoice_id", S, "Invoice paid", example="INV-2024-0001"),
        _r("at", T, "When the attempt happened", example="2024-01-03 12:00:00"),
        _r("amount", M, "Amount of the attempt (positive)", unit="currency", min_value=0,
           example="24.00"),
        CURRENCY,
        _c("outcome", E, "What happened", values=PAYMENT_OUTCOMES, example="succeeded"),
    ), key=("payment_id",), references=(("customer_id", "customers", "customer_id"),),
        key_doc="payment_id; when empty, a hash of customer_id, invoice_id, at, amount and outcome"),
    Table("orders", "Orders placed; manual (non self-service) orders cost staff time.", (
        _r("order_id", S, "Your order id", example="O-1"),
        _r("customer_id", S, "Ordering customer", example="C-1001"),
        _r("placed_at", T, "When the order was placed", example="2023-04-01 09:31:00"),
        _c("channel", E, "How it was placed", values=ORDER_CHANNELS, example="self_service"),
        _c("custom", B, "Custom/unsupported setup requested (true/false)", example="false"),
        _c("handling_minutes", N, "Staff minutes spent, if logged", unit="minutes",
           min_value=0, example="0"),
        _c("amount", M, "Order value", unit="currency", example="24.00"),
    ), key=("order_id",), references=(("customer_id", "customers", "customer_id"),)),
    Table("tickets", "Support tickets (cases).", (
        _r("ticket_id", S, "Helpdesk ticket id", example="T-1"),
        _r("customer_id", S, "Customer (organisation) the ticket is about", example="C-1001"),
        _r("opened_at", T, "When it was opened", example="2024-02-01 10:00:00"),
        _c("closed_at", T, "When it was closed", example="2024-02-01 11:00:00"),
        _c("priority", E, "Priority set by the customer", values=PRIORITIES, example="normal"),
        _c("channel", E, "Channel", values=TICKET_CHANNELS, example="email"),
        _c("subject", S, "Subject line", example="Cannot reach my VPS"),
        _c("category", S, "Helpdesk category/department", example="technical"),
        _c("resolution_code", S, "Why the ticket happened (see [text] resolution_codes)",
           example="network_event"),
        _c("staff_minutes", N, "Staff minutes logged; estimated from replies when empty",
           unit="minutes", min_value=0, example="15"),
        _c("first_response_at", T, "First staff response", example="2024-02-01 10:20:00"),
        _c("reopened_count", I, "Times reopened", min_value=0, example="0"),
        _c("satisfaction", I, "CSAT 1–5", min_value=1, max_value=5, example="5"),
        _c("assignee", S, "Staff member assigned", example="sam"),
    ), key=("ticket_id",), references=(("customer_id", "customers", "customer_id"),)),
    Table("messages", "Messages in a ticket thread, customer and staff.", (
        _r("message_id", S, "Message id", example="M-1"),
        _r("ticket_id", S, "Ticket the message belongs to", example="T-1"),
        _r("sent_at", T, "When it was sent", example="2024-02-01 10:00:00"),
        _r("author_role", E, "Who wrote it", values=AUTHOR_ROLES, example="customer"),
        _c("author", S, "Author name or e-mail", example="ada@acme.example"),
        _c("body", S, "Message text (plain text)", example="My VPS does not answer ping.",
           max_length=500_000),
    ), key=("message_id",), references=(("ticket_id", "tickets", "ticket_id"),)),
    Table("usage", "Metered usage per period (e.g. egress GB per month).", (
        _r("customer_id", S, "Customer", example="C-1001"),
        _c("service_id", S, "Service the usage belongs to", example="S-1"),
        _r("period_start", T, "Start of the metering period", example="2024-01-01 00:00:00"),
        _r("metric", S, "What is measured, e.g. egress_gb, storage_gb, cpu_hours",
           example="egress_gb"),
        _r("quantity", N, "Amount used in the period", unit="metric unit", min_value=0,
           example="120.5"),
        _c("allowance", N, "Amount included in the plan for the period", unit="metric unit",
           min_value=0, example="1000"),
        _c("unit_cost", M, "Your cost per unit beyond allowance (overrides [costs.usage])",
           unit="currency per metric unit", min_value=0, example="0.01"),
    ), key=("customer_id", "service_id", "period_start", "metric"),
        references=(("customer_id", "customers", "customer_id"),),
        key_doc="customer_id, service_id, period_start, metric"),
    Table("costs", "Direct costs of serving a customer (licences, hardware, third parties).", (
        _r("customer_id", S, "Customer", example="C-1001"),
        _r("at", T, "When the cost was incurred", example="2024-01-31 00:00:00"),
        _r("amount", M, "Cost amount", unit="currency", min_value=0, example="3.50"),
        CURRENCY,
        _c("category", E, "Kind of cost", values=COST_CATEGORIES, example="licence"),
    ), key=("customer_id", "at", "category", "amount"),
        references=(("customer_id", "customers", "customer_id"),),
        key_doc="customer_id, at, category, amount"),
    Table("kb_articles", "Knowledge-base articles; goodfit matches tickets to them.", (
        _r("article_id", S, "Article id", example="KB-1"),
        _r("title", S, "Title", example="How to reset your VPS root password"),
        _c("body", S, "Article text", example="Open the control panel, …", max_length=500_000),
        _c("url", S, "Public URL", example="https://help.example/kb/1"),
        _c("tags", S, "Comma-separated tags", example="vps,password"),
    ), key=("article_id",)),
)}

# Import order for a directory: parents before children so orphans can be checked.
IMPORT_ORDER: tuple[str, ...] = (
    "customers", "contacts", "services", "invoices", "payments", "orders", "tickets",
    "messages", "usage", "costs", "kb_articles",
)
assert set(IMPORT_ORDER) == set(TABLES)

# Bookkeeping tables the importer keeps in the warehouse, beside the canonical tables.
IMPORTS_TABLE = "goodfit_imports"
# Customers that exist only because a ticket file named them (import --derive-customers).
DERIVED_TABLE = "goodfit_derived_customers"
ROW_HASH = "_row_hash"  # content hash per row, for idempotent re-imports


def table(name: str) -> Table:
    """The canonical table called ``name``; raises UnknownTable with close matches."""
    from goodfit.errors import UnknownTable

    try:
        return TABLES[name]
    except KeyError:
        raise UnknownTable(name, list(TABLES)) from None
