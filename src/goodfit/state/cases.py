"""Cases (one per action about one organisation) and their steps.

Timestamps are ISO 8601 strings (naive UTC) so they read back identically on SQLite
and PostgreSQL; JSON payloads are stored as text for the same reason.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from goodfit.state.db import Base


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20))
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    executed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    closed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cancelled_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # reason to cancel


class StepRow(Base):
    __tablename__ = "case_steps"
    __table_args__ = (UniqueConstraint("case_id", "no", name="uq_case_steps_case_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    no: Mapped[int] = mapped_column(Integer)  # 1-based, in the order the steps are done
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")  # outgoing text, tone-linted
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    lint: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of tone findings
    override_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    drafted_by: Mapped[str] = mapped_column(String(100))
    drafted_at: Mapped[str] = mapped_column(String(32))
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # SHA-256 of what was approved (goodfit.state.approval.step_digest)
    approved_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    executed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    executed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
