"""Web app sessions and failed sign-ins (state migration 0009): shared by every server
process, kept across restarts."""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from goodfit.state.db import Base


class WebSession(Base):
    __tablename__ = "web_sessions"

    # SHA-256 of the id in the browser's cookie: the id itself is never stored
    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf: Mapped[str] = mapped_column(String(100))
    user_name: Mapped[str | None] = mapped_column(String(100), nullable=True)  # None: not signed in
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch


class SignInFailure(Base):
    __tablename__ = "web_signin_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300))  # "user:NAME" or "addr:ADDRESS"
    at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch

    __table_args__ = (Index("ix_web_signin_failures_key", "key", "at"),)
