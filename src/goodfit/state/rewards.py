"""Reward draws: a plan, its commitment, the revealed seed and the winners.

One row per draw, moving ``planned → committed → drawn``. The public artefacts (the
eligible list, the commitment, the reveal) are files under PROJECT/rewards/<id>/; this
row keeps the state, the secret seed until it is revealed, and the hashes that bind
them. Timestamps are ISO 8601 text (naive UTC), JSON is text: identical on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodfit.state.db import Base


class RewardDrawRow(Base):
    __tablename__ = "reward_draws"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    state: Mapped[str] = mapped_column(String(20))  # planned, committed, drawn
    as_of: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    config_hash: Mapped[str] = mapped_column(String(64))
    rules: Mapped[str] = mapped_column(Text)  # JSON: the [rewards] settings used
    plan: Mapped[str] = mapped_column(Text)  # JSON: eligible (with amounts), near-misses
    eligible_count: Mapped[int] = mapped_column(Integer)
    winners_wanted: Mapped[int] = mapped_column(Integer)  # after the budget
    list_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seed_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Kept secret between commit and draw; published in reveal.json by the draw.
    seed: Mapped[str | None] = mapped_column(String(128), nullable=True)
    committed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    committed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    winners: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list, draw order
    drawn_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    drawn_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    exported_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The last verification run inside the project, and whether it passed.
    verified_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verified_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
