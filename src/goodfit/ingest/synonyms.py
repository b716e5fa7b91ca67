"""Built-in synonyms for the enum values common exports use, and user value maps.

Values are compared normalised: lower case, spaces and hyphens as ``_`` ("3 - Moderate"
→ ``3_moderate``, "Web Form" → ``web_form``). A synonym is listed only when it means one
thing in every export we know; bare numbers (``1``…``4``) are not, because some tools
count priority up (Freshdesk: 1 = low) and others down (ServiceNow: 1 = critical) — map
them with ``[mapping.TABLE.values.COLUMN]`` or ``--value``. docs/importing.md lists these
tables; a test keeps the two equal.
"""

from __future__ import annotations

import re

# (table, column) → {normalised their value: our value}
SYNONYMS: dict[tuple[str, str], dict[str, str]] = {
    ("tickets", "priority"): {
        # ServiceNow incident priority / urgency / impact
        "1_critical": "urgent", "2_high": "high", "3_moderate": "normal", "4_low": "low",
        "5_planning": "low", "1_high": "high", "2_medium": "normal", "3_low": "low",
        # WHMCS, Freshdesk, Jira, osTicket words
        "critical": "urgent", "emergency": "urgent", "highest": "urgent", "blocker": "urgent",
        "medium": "normal", "moderate": "normal", "standard": "normal",
        "lowest": "low", "planning": "low", "minor": "low",
    },
    ("tickets", "channel"): {
        "web_form": "web", "webform": "web", "self_service": "web", "portal": "web",
        "feedback_widget": "web", "help_center": "web", "web_portal": "web",
        "e_mail": "email", "mail": "email", "outbound_email": "email",
        "ivr": "phone", "voice": "phone", "call": "phone", "telephone": "phone",
        "live_chat": "chat", "messaging": "chat", "virtual_agent": "chat",
    },
    ("orders", "channel"): {
        "web": "self_service", "online": "self_service", "client_area": "self_service",
        "portal": "self_service", "shop": "self_service", "web_form": "self_service",
        "e_mail": "email", "telephone": "phone",
    },
    ("customers", "status"): {
        "canceled": "cancelled", "closed": "cancelled", "terminated": "cancelled",
        "churned": "cancelled",
    },
    ("invoices", "status"): {
        "canceled": "cancelled", "void": "cancelled", "voided": "cancelled",
        "payment_pending": "unpaid", "overdue": "unpaid", "open": "unpaid",
        "collections": "unpaid", "uncollectible": "unpaid", "refund": "refunded",
        "dispute": "disputed",
    },
    ("payments", "outcome"): {
        "success": "succeeded", "successful": "succeeded", "paid": "succeeded",
        "completed": "succeeded", "failure": "failed", "declined": "failed",
        "refund": "refunded", "disputed": "dispute", "charge_back": "chargeback",
    },
    ("messages", "author_role"): {
        "agent": "staff", "admin": "staff", "operator": "staff", "support": "staff",
        "client": "customer", "requester": "customer", "end_user": "customer",
        "user": "customer", "automation": "system", "bot": "system",
    },
}


def normalise(value: str) -> str:
    """The form enum values are compared in (the same rule as the SQL in validate.py)."""
    return re.sub(r"[\s-]+", "_", value.strip().lower())


def value_map(table: str, column: str, user: dict[str, str] | None) -> dict[str, str]:
    """{normalised their value: our value}: the user's map over the built-in synonyms."""
    merged = dict(SYNONYMS.get((table, column), {}))
    merged.update({normalise(k): v for k, v in (user or {}).items()})
    return merged


def synonyms_markdown() -> str:
    """The table of built-in synonyms for docs/importing.md."""
    out = ["| table.column | their value (any case; spaces or hyphens alike) | read as |",
           "| --- | --- | --- |"]
    for (table, column), values in SYNONYMS.items():
        by_target: dict[str, list[str]] = {}
        for theirs, ours in values.items():
            by_target.setdefault(ours, []).append(theirs.replace("_", " "))
        for ours, theirs_list in by_target.items():
            out.append(f"| {table}.{column} | {', '.join(theirs_list)} | `{ours}` |")
    return "\n".join(out)
