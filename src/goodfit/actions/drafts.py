"""What an action hands to the outbox: a rendered e-mail waiting for approval.

Rewards, education digests and offboarding all produce ``EmailDraft`` values; the
outbox stores them, routes them through approval and sends each exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import getaddresses

from goodfit.errors import ActionError


@dataclass(frozen=True)
class EmailDraft:
    customer_id: str
    to: str  # address of the organisation's billing contact
    subject: str
    body: str  # plain text, rendered from a template in the project folder
    kind: str  # "reward", "education", "offboarding_notice", …
    attachments: tuple[str, ...] = ()  # paths relative to the project folder
    headers: dict[str, str] = field(default_factory=dict)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_header(customer_id: str, field: str, value: str) -> str:
    """A header value from customer data: one line, no control characters."""
    if _CONTROL.search(value):
        raise ActionError(f"customer {customer_id}: {field} {value!r} contains a line break "
                          "or control character; fix it in the source data and import again")
    return value


def check_address(customer_id: str, field: str, value: str) -> str:
    """Exactly one e-mail address, on one line; raises naming the customer and field."""
    check_header(customer_id, field, value)
    found = [addr for _, addr in getaddresses([value]) if addr]
    if len(found) != 1 or "," in value or ";" in value:
        raise ActionError(f"customer {customer_id}: {field} {value!r} must be exactly one "
                          "e-mail address; keep one in the source data (others as contacts)")
    local, _, domain = found[0].rpartition("@")
    if not local or "." not in domain or " " in found[0]:
        raise ActionError(f"customer {customer_id}: {field} {value!r} is not an e-mail "
                          "address")
    return value


def validate(draft: EmailDraft) -> None:
    """Refuse a draft whose headers customer text could steer (before anything is stored)."""
    if not draft.to:
        raise ActionError(f"customer {draft.customer_id}: no e-mail address")
    check_address(draft.customer_id, "e-mail address", draft.to)
    check_header(draft.customer_id, "subject", draft.subject)
    for name, value in draft.headers.items():
        if not re.fullmatch(r"[A-Za-z0-9-]+", name):
            raise ActionError(f"customer {draft.customer_id}: header name {name!r} is invalid")
        check_header(draft.customer_id, f"header {name}", value)
