"""Score snapshots: a fixed, reviewable picture of the scorecard, flags and scores.

Each snapshot records the config hash and the data window so any figure in it can be
reproduced; two snapshots can be compared ("who moved segment, and why").
Schema changes only through migrations/versions/0002_scoring_snapshots.py (and 0008, which
gave the fields the customers table sorts and filters on columns of their own).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goodfit.state.db import Base


class ScoreSnapshot(Base):
    __tablename__ = "score_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    label: Mapped[str | None] = mapped_column(String(200))
    config_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    as_of: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    since: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    until: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    customers: Mapped[int] = mapped_column(Integer, nullable=False)
    segments: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)  # counts per segment
    # False for snapshots stored before rows carried the customer's country (0008).
    country_stored: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    rows: Mapped[list[SnapshotCustomer]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", passive_deletes=True)
    flags: Mapped[list[SnapshotFlag]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", passive_deletes=True)


class SnapshotCustomer(Base):
    __tablename__ = "snapshot_customers"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("score_snapshots.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(500))
    score: Mapped[float] = mapped_column(Float, nullable=False)
    segment: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    scorecard: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)  # money as strings
    # Copies of scorecard fields as real columns, indexed per snapshot, so the customers
    # table sorts, filters and pages in SQL at 100k rows (migration 0008). Written with
    # the row (``indexed_fields``); the scorecard JSON stays what is shown (exact money).
    plan: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(100))
    revenue: Mapped[float | None] = mapped_column(Float)
    cost_to_serve: Mapped[float | None] = mapped_column(Float)
    profit: Mapped[float | None] = mapped_column(Float)
    margin: Mapped[float | None] = mapped_column(Float)
    tickets: Mapped[float | None] = mapped_column(Float)
    support_cost: Mapped[float | None] = mapped_column(Float)
    order_handling_cost: Mapped[float | None] = mapped_column(Float)
    custom_work_cost: Mapped[float | None] = mapped_column(Float)
    payment_friction_cost: Mapped[float | None] = mapped_column(Float)
    usage_cost: Mapped[float | None] = mapped_column(Float)
    direct_cost: Mapped[float | None] = mapped_column(Float)
    support_minutes: Mapped[float | None] = mapped_column(Float)

    snapshot: Mapped[ScoreSnapshot] = relationship(back_populates="rows")

    # One index per sort key: (snapshot, key, id) orders a page; the filter columns after
    # them let the index alone answer a filtered page (no row is read to test a filter).
    __table_args__ = tuple(
        Index(f"ix_snapshot_customers_{c}", "snapshot_id", c, "customer_id",
              *(f for f in ("segment", "plan", "country", "revenue", "cost_to_serve")
                if f != c))
        for c in ("name", "score", "segment", "plan", "country", "revenue", "cost_to_serve",
                  "profit", "margin", "tickets", "support_cost", "order_handling_cost",
                  "custom_work_cost", "payment_friction_cost", "usage_cost", "direct_cost",
                  "support_minutes"))


class SnapshotFlag(Base):
    __tablename__ = "snapshot_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("score_snapshots.id", ondelete="CASCADE"), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(String(200), nullable=False)
    code: Mapped[str] = mapped_column(String(50), nullable=False)
    severity: Mapped[str] = mapped_column(String(10), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)

    snapshot: Mapped[ScoreSnapshot] = relationship(back_populates="flags")

    __table_args__ = (Index("ix_snapshot_flags_code", "snapshot_id", "code", "customer_id"),
                      Index("ix_snapshot_flags_customer", "snapshot_id", "customer_id"))


# Scorecard fields held as numbers in their own columns (money is a decimal string in the
# scorecard JSON); with ``plan`` and ``country`` these are what the customers table sorts
# and filters on.
NUMBER_FIELDS = ("revenue", "cost_to_serve", "profit", "margin", "tickets", "support_cost",
                 "order_handling_cost", "custom_work_cost", "payment_friction_cost",
                 "usage_cost", "direct_cost", "support_minutes")


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        n = float(value)
    except (TypeError, ValueError):
        return None
    return None if n != n else n  # NaN: unknown


def indexed_fields(scorecard: dict[str, Any], country: str | None) -> dict[str, Any]:
    """The column values of a snapshot row, from its scorecard (the one place they are
    derived: ``save_snapshot`` and anything else writing rows go through here)."""
    plan = scorecard.get("plan")
    return {"plan": None if plan is None else str(plan),
            "country": country.strip().upper() or None if country else None,
            **{k: _number(scorecard.get(k)) for k in NUMBER_FIELDS}}
