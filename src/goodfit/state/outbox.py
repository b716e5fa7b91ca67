"""The outbox: rendered e-mails waiting for approval, being sent, sent, or stuck."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodfit.state.cases import CaseRow  # noqa: F401  (the table outbox.case_id refers to)
from goodfit.state.db import Base


class OutboxRow(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The idempotency key: the same Message-ID is never handed to SMTP twice.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    step_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)  # the complete RFC 5322 message, as approved
    state: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[str] = mapped_column(String(32))
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # SHA-256 of what was approved (goodfit.state.approval.message_digest)
    approved_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sending_owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sending_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sent_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
