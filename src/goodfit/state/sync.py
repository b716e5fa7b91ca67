"""Where each connector's incremental sync stands, and what every sync run did.

The cursor is written only after every table of a run has been imported, so a sync that
is interrupted re-fetches from the previous cursor; the importer's upsert turns rows
fetched twice into no-ops, so nothing is duplicated and nothing is skipped.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from goodfit.state.db import Base


class SyncCursor(Base):
    __tablename__ = "connector_cursors"

    connector: Mapped[str] = mapped_column(String(100), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text)  # JSON, source-specific
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    run_id: Mapped[str] = mapped_column(String(40))


class SyncRun(Base):
    __tablename__ = "connector_runs"

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    connector: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    full: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))  # running / ok / failed
    rows: Mapped[str] = mapped_column(Text, default="{}")  # JSON: table -> counts
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


def load_cursor(session: Session, connector: str) -> dict[str, Any] | None:
    row = session.get(SyncCursor, connector)
    return json.loads(row.cursor) if row else None


def save_cursor(session: Session, connector: str, cursor: dict[str, Any], run_id: str,
                at: datetime) -> None:
    row = session.get(SyncCursor, connector)
    text = json.dumps(cursor, sort_keys=True)
    if row is None:
        session.add(SyncCursor(connector=connector, cursor=text, updated_at=at, run_id=run_id))
    else:
        row.cursor, row.updated_at, row.run_id = text, at, run_id


def last_runs(session: Session, connector: str | None = None, limit: int = 20) -> list[SyncRun]:
    stmt = select(SyncRun).order_by(SyncRun.started_at.desc()).limit(limit)
    if connector:
        stmt = stmt.where(SyncRun.connector == connector)
    return list(session.scalars(stmt))
