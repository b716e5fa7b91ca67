"""Score snapshots: a fixed, reviewable picture of the scorecard, flags and scores.

Each snapshot records the config hash and the data window so any figure in it can be
reproduced; two snapshots can be compared ("who moved segment, and why").
Schema changes only through migrations (versions/0002_scoring_snapshots.py,
0007_snapshot_reward_columns.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
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
    # migrations/versions/0007: the known components' weights, the facts missing (words),
    # the one reward rule's facts and each gate's result (scoring/reward_rule.py)
    score_out_of: Mapped[float | None] = mapped_column(Float)
    missing: Mapped[str | None] = mapped_column(Text)
    reward_facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reward_gates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    snapshot: Mapped[ScoreSnapshot] = relationship(back_populates="rows")


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
