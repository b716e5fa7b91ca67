"""What an action hands to the outbox: a rendered e-mail waiting for approval.

Rewards, education digests and offboarding all produce ``EmailDraft`` values; the
outbox stores them, routes them through approval and sends each exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EmailDraft:
    customer_id: str
    to: str  # address of the organisation's billing contact
    subject: str
    body: str  # plain text, rendered from a template in the project folder
    kind: str  # "reward", "education", "offboarding_notice", …
    attachments: tuple[str, ...] = ()  # paths relative to the project folder
    headers: dict[str, str] = field(default_factory=dict)
