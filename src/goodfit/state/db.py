"""Connection to the state DB and its migrations (SQLAlchemy 2 + Alembic).

SQLite (WAL) in the project folder by default, PostgreSQL for teams. The schema is
only ever changed by Alembic migrations in ``goodfit/state/migrations/versions``;
``StateDB.open`` upgrades to the newest revision, so an old project keeps working.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

# Stable constraint names so migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@cache
def head_revision() -> str:
    """The newest migration's revision, read from the file names without loading Alembic:
    the chain is linear (a test checks one head, and that this agrees with Alembic)."""
    newest = max((MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    found = re.search(r'^revision = "([^"]+)"', newest.read_text(encoding="utf-8"), re.M)
    if found is None:  # pragma: no cover - every migration names its revision
        raise RuntimeError(f"{newest} names no revision")
    return found.group(1)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    return on_connect


def resolve_url(url: str, project_dir: Path | None) -> str:
    """Make sqlite:///relative.db relative to the project folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and project_dir is not None:
        path = url[len(prefix):]
        if path and path != ":memory:" and not Path(path).is_absolute():
            return prefix + str(project_dir / path)
    if url.startswith("postgresql://"):
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


class StateDB:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, project_dir: Path | None = None, *, migrate: bool = True,
             busy_timeout: float = 30.0) -> StateDB:
        """``busy_timeout``: seconds a SQLite writer waits for another one."""
        engine = create_engine(resolve_url(url, project_dir))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas(int(busy_timeout * 1000)))
        db = cls(engine)
        if migrate and db.revision() != head_revision():
            db.upgrade()
        return db

    def revision(self) -> str | None:
        """The schema revision the DB is at (None: not created yet)."""
        try:
            with self.engine.connect() as con:
                return con.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # no alembic_version table yet: a new state DB
            return None

    def upgrade(self, revision: str = "heads") -> None:
        # Alembic loads only when there is something to migrate (start-up time)
        from alembic import command
        from alembic.config import Config as AlembicConfig

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
