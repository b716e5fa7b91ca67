"""People who act in goodfit: every approval, send and override names one of them."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from goodfit.state.db import Base

ROLES = ("owner", "manager", "agent")


class User(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[str] = mapped_column(String(32))  # ISO 8601, naive UTC
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
