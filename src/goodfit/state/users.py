"""People who act in goodfit: every approval, send and override names one of them."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from goodfit.state.db import Base

ROLES = ("owner", "manager", "agent", "viewer")


class User(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[str] = mapped_column(String(32))  # ISO 8601, naive UTC
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # argon2id hash for signing in to the web app; None: this user cannot sign in there.
    # Added by migrations/versions/0005_web_user_passwords.py.
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
