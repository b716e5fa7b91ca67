"""The warehouse: customer data and everything derived from it, behind Ibis.

DuckDB file by default, PostgreSQL for teams. Canonical tables are created from
``goodfit.schema`` so every backend has the same columns and types. Derived tables
(text labels, snapshots of metrics) are written with ``write_table``.

Many users, one project (docs/architecture.md): a warehouse opened with
``access="read"`` starts as a reader — on DuckDB it reads a read-only copy of the last
committed state (``.goodfit/read/``), so it never waits for a writer nor blocks one —
and becomes the writer the first time something writes: it waits for the project's
writer lock (``goodfit.locking``), then reopens the live file. When the writer closes,
it refreshes the read copy while still holding the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from goodfit.errors import ProjectBusy, UnknownCustomer, WarehouseError
from goodfit.locking import LOCK_DIR, WriterLock
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.schema import IMPORTS_TABLE, ROW_HASH, TABLES, Kind, Table

if TYPE_CHECKING:  # Ibis (and pandas, which it loads) come in on the first expression
    import ibis
    import pyarrow as pa

Access = Literal["read", "write"]
ORPHAN_PREFIX = "_goodfit_new_"
ORPHAN_IBIS = re.compile(r"ibis_[a-z]+_table_[0-9a-z]+$")  # ibis's own staging tables
READ_DIR = "read"  # under .goodfit/: the read-only copy and what it was copied from
DEFAULT_BUSY_TIMEOUT = 30.0

IMPORTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("import_id", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("file", "VARCHAR"),
    ("file_hash", "VARCHAR"),
    ("started_at", "TIMESTAMP"),
    ("finished_at", "TIMESTAMP"),
    ("rows_read", "BIGINT"),
    ("accepted", "BIGINT"),
    ("inserted", "BIGINT"),
    ("updated", "BIGINT"),
    ("unchanged", "BIGINT"),
    ("rejected", "BIGINT"),
    ("quarantine_file", "VARCHAR"),
)


def dated_column(name: str) -> str | None:
    """The timestamp that says when a row of canonical table ``name`` happened (its first
    required timestamp), or None for undated tables (contacts, services…)."""
    for col in TABLES[name].columns:
        if col.kind is Kind.TIMESTAMP and col.required:
            return col.name
    return None


def create_table_sql(table: Table, name: str | None = None, temp: bool = False) -> str:
    cols = [f'"{c.name}" {c.sql_type}' for c in table.columns]
    cols.append(f'"{ROW_HASH}" VARCHAR')
    kind = "TEMP TABLE" if temp else "TABLE"
    return f'CREATE {kind} IF NOT EXISTS "{name or table.name}" ({", ".join(cols)})'


class _DuckFile:
    """A DuckDB warehouse file, its writer lock and its read-only copy."""

    def __init__(self, live: Path, base: Path) -> None:
        self.live = live
        self.copy = base / READ_DIR / live.name
        self.meta = base / READ_DIR / f"{live.name}.json"

    @property
    def wal(self) -> Path:
        return self.live.with_name(self.live.name + ".wal")

    def _pending_wal(self) -> bool:
        try:
            return self.wal.stat().st_size > 0
        except FileNotFoundError:
            return False

    def _stamp(self) -> dict[str, int]:
        st = self.live.stat()
        return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}

    def copy_stamp(self) -> tuple[int, int] | None:
        """Which file the read copy is now (inode, mtime): a refresh replaces it."""
        try:
            st = self.copy.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def copy_is_current(self) -> bool:
        """The read copy holds exactly what the live file holds now."""
        if not self.copy.exists() or not self.live.exists() or self._pending_wal():
            return False
        try:
            return bool(json.loads(self.meta.read_text(encoding="utf-8")) == self._stamp())
        except (OSError, ValueError):
            return False

    def refresh(self) -> None:
        """Copy the live file to the read copy. The caller holds the writer lock.

        Work a killed writer committed to the WAL is checkpointed into the file first.
        The copy is written beside the old one and renamed over it, so a reader opens
        either the old copy or the new one, never half of one.
        """
        if not self.live.exists():
            return
        if self._pending_wal():
            con = duck_connect(str(self.live))
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()
            if self._pending_wal():  # still open for writing elsewhere in this process
                return
        if self.copy_is_current():
            return
        self.copy.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.copy.parent.glob("*.tmp"):  # left by a holder that was killed
            stale.unlink(missing_ok=True)
        tmp = self.copy.with_name(f"{self.copy.name}.{os.getpid()}.tmp")
        stamp = self._stamp()
        with open(self.live, "rb") as src, open(tmp, "wb") as dst:
            while chunk := src.read(1 << 24):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, self.copy)
        self.meta.write_text(json.dumps(stamp), encoding="utf-8")

    def read_copy(self, lock: WriterLock, timeout: float, progress: Progress) -> Path | None:
        """A read copy of the last committed state (None: no live file yet)."""
        if not self.live.exists():
            return None
        if self.copy_is_current():
            return self.copy
        if lock.try_acquire():
            try:
                self.refresh()
            finally:
                lock.release()
            return self.copy if self.copy.exists() else None
        if self.copy.exists():  # a writer is at work: read what it started from
            return self.copy
        lock.acquire(timeout, progress)  # no copy yet (a project from before copies)
        try:
            self.refresh()
        finally:
            lock.release()
        return self.copy if self.copy.exists() else None


def duck_connect(path: str = ":memory:", settings: dict[str, str] | None = None,
                 read_only: bool = False) -> Any:
    """A native DuckDB connection set up as Ibis sets up its own (UTC, no replacement
    scans), so the same SQL answers the same through either. Every DuckDB connection
    goodfit opens comes from here, the importer's and the connectors' scratch ones too."""
    import duckdb

    con = duckdb.connect(path, read_only=read_only, config=dict(settings or {}))
    # DuckDB draws its own progress bar on stdout for a query over two seconds: in the
    # middle of goodfit's output, and inside what --json prints. goodfit reports progress.
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET python_enable_replacements = false")
    return con


def _connect_live(path: Path, timeout: float, settings: dict[str, str]) -> Any:
    """Open the live DuckDB file for writing, retrying while another process has it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return duck_connect(str(path), settings)
        except Exception as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                if "lock" in str(exc).lower():
                    raise ProjectBusy(f"another process has {path.name} open ({exc})",
                                      timeout) from None
                raise
            time.sleep(0.1)


class Warehouse:
    """A connection to the warehouse named by a URL, with the canonical tables present.

    On DuckDB the native connection opens first and Ibis is put on top of it only when an
    expression is first asked for (``con``): ``status`` and ``explain`` read through
    ``query``/``lookup`` with plain SQL and never pay for loading Ibis and pandas."""

    def __init__(self, con: ibis.BaseBackend | None, url: str, *, access: Access = "write",
                 lock: WriterLock | None = None, duck: _DuckFile | None = None,
                 settings: dict[str, str] | None = None,
                 busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
                 progress: Progress = NO_PROGRESS, native: Any = None) -> None:
        self._ibis = con
        # the driver connection of a DuckDB warehouse (None: reached through Ibis)
        self._native: Any = native if native is not None else (
            con.con if con is not None and con.name == "duckdb" else None)
        self.url = url
        self.backend = con.name if con is not None else "duckdb"  # or "postgres", "pyspark"
        self.access: Access = access
        self._lock = lock
        self._duck = duck
        self._settings = settings or {}  # DuckDB connect settings (memory_limit)
        self._busy_timeout = busy_timeout
        self._progress = progress
        self._copy_stamp = duck.copy_stamp() if duck is not None and access == "read" else None
        self._tables: dict[str, ibis.Table] = {}  # read-only: tables looked up once

    @property
    def con(self) -> ibis.BaseBackend:
        """The Ibis backend (made on first use over the same DuckDB connection)."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self._native)
        return self._ibis

    @classmethod
    def connect(cls, url: str, project_dir: Path | None = None,
                memory_limit: str = "", *, access: Access = "write", activity: str = "goodfit",
                busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
                progress: Progress = NO_PROGRESS) -> Warehouse:
        """Open the warehouse. ``access="read"`` reads the last committed state and turns
        into the writer on the first write; ``"write"`` takes the writer lock now."""
        lock: WriterLock | None = None
        duck: _DuckFile | None = None
        settings: dict[str, str] = {}
        con: ibis.BaseBackend | None = None
        native: Any = None
        try:
            if url.startswith("duckdb://"):
                path = url.removeprefix("duckdb://").removeprefix("/")
                # a setting at connect, not a bound parameter: binding imports pandas
                settings = {"memory_limit": memory_limit} if memory_limit else {}
                if path in ("", ":memory:"):
                    native = duck_connect(":memory:", settings)
                    access = "write"
                else:
                    p = Path(path)
                    if not p.is_absolute() and project_dir is not None:
                        p = project_dir / p
                    base = (project_dir if project_dir is not None else p.parent) / LOCK_DIR
                    lock = WriterLock(base / "writer.lock", activity)
                    duck = _DuckFile(p, base)
                    copy = None
                    if access == "read" and not lock.held_by_this_process():
                        copy = duck.read_copy(lock, busy_timeout, progress)
                    if copy is not None:
                        native = duck_connect(str(copy), settings, read_only=True)
                    else:
                        access = "write"
                        lock.acquire(busy_timeout, progress)
                        try:
                            native = _connect_live(p, busy_timeout, settings)
                        except BaseException:
                            lock.release()
                            raise
            elif url.startswith(("postgresql://", "postgres://")):
                import ibis

                con = ibis.connect(url.replace("postgresql://", "postgres://", 1))
                if project_dir is not None:
                    lock = WriterLock(project_dir / LOCK_DIR / "writer.lock", activity)
                    if access == "write":
                        lock.acquire(busy_timeout, progress)
            else:
                raise WarehouseError(
                    f"unsupported warehouse url '{_redact(url)}': use duckdb:///file.duckdb "
                    "or postgresql://user@host/db"
                )
        except (WarehouseError, ProjectBusy):
            raise
        except Exception as exc:  # driver errors carry no stable type across backends
            raise WarehouseError(f"cannot open warehouse {_redact(url)}: {exc}") from None
        wh = cls(con, url, access=access, lock=lock, duck=duck, settings=settings,
                 busy_timeout=busy_timeout, progress=progress, native=native)
        wh.ensure_schema()
        return wh

    @classmethod
    def from_backend(cls, con: ibis.BaseBackend) -> Warehouse:
        """Wrap an existing Ibis connection (tests, notebooks, Spark sessions)."""
        wh = cls(con, f"{con.name}://")
        wh.ensure_schema()
        return wh

    def read_copy_replaced(self) -> bool:
        """A reader of the read copy whose file a writer has since replaced with a newer
        one (reopening shows the newer data)."""
        return (self.access == "read" and self._duck is not None
                and self._duck.copy_stamp() != self._copy_stamp)

    def become_writer(self) -> None:
        """Take the project's writer lock (waiting up to busy_timeout_seconds) and switch
        from the read copy to the live file. Ibis expressions made before keep working:
        the same backend object is given the new connection."""
        if self.access == "write":
            return
        if self._lock is not None:
            self._lock.acquire(self._busy_timeout, self._progress)
        try:
            if self._duck is not None:
                self._native.close()
                self._native = _connect_live(self._duck.live, self._busy_timeout,
                                             self._settings)
                if self._ibis is not None:
                    self._ibis.con = self._native  # type: ignore[attr-defined]
                    self._ibis._post_connect()  # type: ignore[attr-defined]
                    self._ibis._memtables = weakref.WeakSet()  # type: ignore[attr-defined]
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self.access = "write"
        self._tables.clear()  # the live file's tables may change from now on

    # -- a child process writing for this one (goodfit analyze runs each step so) -----
    def can_lend_file(self) -> bool:
        """Whether a forked child can write this warehouse while this process waits: a
        DuckDB file, written by this process. DuckDB lets one process at a time have a
        file open for writing, so the file is lent: closed here, the writer lock kept."""
        return self._duck is not None and self.access == "write" and self._native is not None

    @contextlib.contextmanager
    def lent_file(self) -> Iterator[None]:
        """Close the DuckDB file (checkpointed) but keep the project's writer lock for the
        time of the block, then open it again: a child forked inside writes it meanwhile
        (``take_lent_file`` / ``give_back_file``), and no other command can."""
        assert self.can_lend_file()
        self.give_back_file()
        try:
            yield
        finally:
            self.take_lent_file()

    def take_lent_file(self) -> None:
        """Open the lent file (in the child; and in the parent once the child is done)."""
        assert self._duck is not None and self._native is None
        self._native = _connect_live(self._duck.live, self._busy_timeout, self._settings)

    def give_back_file(self) -> None:
        """Checkpoint and close the file, keeping the writer lock: the lock's file
        descriptor is shared with the parent, and the parent lets go of it at its end."""
        with contextlib.suppress(Exception):  # a failed checkpoint leaves the WAL: still whole
            self._native.execute("CHECKPOINT")
        self._native.close()
        self._native = None
        self._ibis = None  # made again over the next connection; tables looked up again
        self._tables.clear()

    def reopen(self) -> None:
        """Reconnect after DuckDB invalidated the database (an internal error, e.g. while
        reading a damaged file): the new connection sees the last committed state."""
        if self._native is None:
            return
        self._tables.clear()
        with contextlib.suppress(Exception):
            self._native.close()
        if self._duck is not None and self.access == "write":
            self._native = _connect_live(self._duck.live, self._busy_timeout, self._settings)
        elif self._duck is not None:
            self._native = duck_connect(str(self._duck.copy), self._settings, read_only=True)
        else:  # in memory: an invalidated database has nothing left to keep
            self._native = duck_connect(":memory:", self._settings)
            self.ensure_schema()
        if self._ibis is not None:
            self._ibis.con = self._native  # type: ignore[attr-defined]
            self._ibis._post_connect()  # type: ignore[attr-defined]
            self._ibis._memtables = weakref.WeakSet()  # type: ignore[attr-defined]

    # -- schema -----------------------------------------------------------------
    def list_tables(self) -> list[str]:
        if self._native is not None:
            return [r[0] for r in self._native.execute("SHOW TABLES").fetchall()]
        return list(self.con.list_tables())

    def ensure_schema(self) -> None:
        existing = set(self.list_tables())
        missing = [t for t in TABLES.values() if t.name not in existing]
        if not missing and IMPORTS_TABLE in existing:
            return
        for t in missing:
            self.execute(create_table_sql(t))
        if IMPORTS_TABLE not in existing:
            cols = ", ".join(f'"{n}" {ty}' for n, ty in IMPORTS_COLUMNS)
            self.execute(f'CREATE TABLE IF NOT EXISTS "{IMPORTS_TABLE}" ({cols})')

    # -- plain SQL reads (no Ibis) -------------------------------------------------
    def query(self, sql: str) -> list[dict[str, Any]]:
        """Rows of one read-only statement of goodfit's own as dicts. It takes no
        parameters: binding a value through DuckDB's Python client loads pandas, which
        is what this path exists to avoid. Values from data go through ``lookup``."""
        if self._native is not None:
            cur = self._native.execute(sql)
        elif self.backend == "postgres":
            cur = self.con.con.cursor()  # type: ignore[attr-defined]
            cur.execute(sql)
        else:  # pragma: no cover - Spark: through Ibis
            return list(self.con.sql(sql).to_pyarrow().to_pylist())
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def lookup(self, table: str, key: str, ids: list[str], columns: list[str]
               ) -> list[dict[str, Any]]:
        """The rows of ``table`` whose ``key`` is one of ``ids`` (the rows evidence cites).

        Table and column names must be canonical ones (checked). The ids never become SQL
        text: PostgreSQL binds them; DuckDB reads them from a JSON file it is pointed at
        (binding through its Python client would load pandas)."""
        known = {c.name for c in TABLES[table].columns}
        for col in (key, *columns):
            if col not in known:
                raise KeyError(f"{table}.{col}")
        if not ids:
            return []
        cols = ", ".join(f't."{c}"' for c in (key, *columns))
        if self._native is None:
            if self.backend != "postgres":  # pragma: no cover - Spark: through Ibis
                t = self.table(table)
                return list(t.filter(t[key].isin(ids)).select(key, *columns)
                            .to_pyarrow().to_pylist())
            marks = ", ".join("%s" for _ in ids)
            cur = self.con.con.cursor()  # type: ignore[attr-defined]
            cur.execute(f'SELECT {cols} FROM "{table}" AS t WHERE t."{key}" IN ({marks})',
                        tuple(ids))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        import tempfile

        fd, name = tempfile.mkstemp(prefix="goodfit-ids-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump([{"id": str(i)} for i in ids], f)
            path = name.replace("'", "''")  # our own temp path, not input
            return self.query(
                f'SELECT {cols} FROM "{table}" AS t WHERE t."{key}" IN '
                f"(SELECT id FROM read_json('{path}', columns = {{'id': 'VARCHAR'}}))")
        finally:
            os.unlink(name)

    def summary(self) -> list[dict[str, Any]]:
        """Per canonical table: rows, and the first and last moment its rows happened
        (``dated_column``), in one plain-SQL query."""
        parts = []
        for name in TABLES:
            when = dated_column(name)
            span = f'min("{when}") AS start, max("{when}") AS "end"' if when else \
                'CAST(NULL AS TIMESTAMP) AS start, CAST(NULL AS TIMESTAMP) AS "end"'
            parts.append(f"SELECT '{name}' AS \"table\", count(*) AS rows, {span} "
                         f'FROM "{name}"')
        found = {r["table"]: r for r in self.query(" UNION ALL ".join(parts))}
        return [found[name] for name in TABLES]

    def shape(self) -> str:
        """A digest of what the warehouse holds: per table the rows, the non-empty values of
        every column and the dated span, and the newest import. Any import, erasure,
        restore or cleared column changes it; it keys figures cached between commands."""
        import hashlib

        parts = []
        for name, table in TABLES.items():
            # every column aliased: PostgreSQL names them all "count" otherwise
            counts = ", ".join(f'count("{c.name}") AS "n_{c.name}"' for c in table.columns)
            when = dated_column(name)
            span = (f', CAST(min("{when}") AS VARCHAR) AS first_at, '
                    f'CAST(max("{when}") AS VARCHAR) AS last_at') if when else ""
            parts.append(f'SELECT \'{name}\' AS "table", count(*) AS "rows", {counts}{span} '
                         f'FROM "{name}"')
        rows = [sorted(r.items()) for p in parts for r in self.query(p)]
        rows.append(sorted(self.query(
            f'SELECT count(*) AS n, CAST(max(finished_at) AS VARCHAR) AS last '
            f'FROM "{IMPORTS_TABLE}"')[0].items()))
        return hashlib.sha256(repr(rows).encode()).hexdigest()[:32]

    # -- reading ----------------------------------------------------------------
    def table(self, name: str) -> ibis.Table:
        """A canonical (or derived) table as an Ibis expression (kept on a read-only
        connection, whose tables cannot change: a replaced read copy is a new Warehouse)."""
        hit = self._tables.get(name)
        if hit is not None:
            return hit
        t = self.con.table(name)
        t = t.drop(ROW_HASH) if ROW_HASH in t.columns else t
        if self.access == "read":
            self._tables[name] = t
        return t

    def tables(self) -> dict[str, ibis.Table]:
        return {name: self.table(name) for name in TABLES}

    def lazy_tables(self) -> Mapping[str, ibis.Table]:
        """The canonical tables, each looked up only when first used (a read that cites
        two tables need not ask the backend for the schema of every one)."""
        return _LazyTables(self)

    def has_table(self, name: str) -> bool:
        return name in self.list_tables()

    def row_count(self, name: str) -> int:
        if name not in self.list_tables():
            raise WarehouseError(f"no table '{name}' in the warehouse")
        return int(self.query(f'SELECT count(*) AS n FROM "{name}"')[0]["n"])

    # -- writing ----------------------------------------------------------------
    def write_table(self, name: str, data: pa.Table | Any, overwrite: bool = True) -> None:
        """Replace a derived table (text labels, scores) with ``data``, atomically."""
        if not overwrite:
            self.become_writer()
            self.con.create_table(name, data, overwrite=False)
            return
        self.write_tables({name: data})

    def write_tables(self, tables: Mapping[str, pa.Table | Any]) -> None:
        """Replace derived tables all at once: a reader (or a kill) sees every one of them
        as before or every one as after, never a table missing or half written.

        DuckDB: ``CREATE OR REPLACE TABLE`` for each inside one transaction. PostgreSQL:
        the new tables are loaded under temporary names, then dropped-and-renamed in one
        transaction (its DDL is transactional). Tables a killed writer left behind
        (``_goodfit_new_*``, and ``ibis_*`` from before this was atomic) are dropped first.
        """
        self.become_writer()
        self.drop_orphans()
        arrow = {name: _to_arrow(data) for name, data in tables.items()}
        if self.backend == "duckdb":
            raw = self._native
            views = []
            raw.execute("BEGIN TRANSACTION")
            try:
                for i, (name, data) in enumerate(arrow.items()):
                    view = f"_goodfit_arrow_{os.getpid()}_{i}"
                    raw.register(view, data)
                    views.append(view)
                    raw.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "{view}"')
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            finally:
                for view in views:
                    raw.unregister(view)
        elif self.backend == "postgres":
            staged = {name: f"{ORPHAN_PREFIX}{name}"[:63] for name in arrow}
            for name, data in arrow.items():
                self.con.create_table(staged[name], data, overwrite=True)
            raw = self.con.con
            with raw.cursor() as cur:
                for name, tmp in staged.items():
                    cur.execute(f'DROP TABLE IF EXISTS "{name}"')
                    cur.execute(f'ALTER TABLE "{tmp}" RENAME TO "{name}"')
            raw.commit()
        else:  # pragma: no cover - other engines are read-only for goodfit
            for name, data in arrow.items():
                self.con.create_table(name, data, overwrite=True)

    def orphans(self) -> list[str]:
        """Half-made tables a killed writer left behind."""
        return [t for t in self.list_tables()
                if t.startswith(ORPHAN_PREFIX) or ORPHAN_IBIS.match(t)]

    def drop_orphans(self) -> list[str]:
        found = self.orphans()
        for t in found:
            self.execute(f'DROP TABLE IF EXISTS "{t}"')
        return found

    def execute(self, sql: str, params: tuple[Any, ...] | None = None) -> None:
        """Run one statement that returns nothing (DDL/DML) on the native connection."""
        raw = self.raw
        if self.backend == "duckdb":
            raw.execute(sql, params or ())
        elif self.backend == "postgres":
            with raw.cursor() as cur:
                cur.execute(sql, params)
            raw.commit()
        else:  # pragma: no cover - other engines are read-only for goodfit
            self.con.raw_sql(sql)

    @property
    def raw(self) -> Any:
        """The driver connection (duckdb / psycopg) for the importer's transactions.

        Asking for it makes this warehouse the writer (the importer writes through it)."""
        self.become_writer()
        return self._native if self._native is not None else self.con.con  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._native is not None and self.access == "write" and self._duck is not None:
            with contextlib.suppress(Exception):  # a failed checkpoint only delays the copy
                self._native.execute("CHECKPOINT")
        if self._ibis is not None:
            disconnect = getattr(self._ibis, "disconnect", None)
            if disconnect:
                disconnect()
        elif self._native is not None:
            self._native.close()
        if self._lock is not None and self._lock.held:
            duck = self._duck
            self._lock.release(before_unlock=duck.refresh if duck is not None else None)


def _to_arrow(data: Any) -> pa.Table:
    """An Arrow table from what derived-table code hands over (Arrow, pandas, Ibis)."""
    import ibis
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    if isinstance(data, ibis.Table):
        return data.to_pyarrow()
    return pa.Table.from_pandas(data, preserve_index=False)


class _LazyTables(Mapping[str, "ibis.Table"]):
    def __init__(self, warehouse: Warehouse) -> None:
        self._warehouse = warehouse
        self._loaded: dict[str, ibis.Table] = {}

    def __getitem__(self, name: str) -> ibis.Table:
        if name not in TABLES:
            raise KeyError(name)
        if name not in self._loaded:
            self._loaded[name] = self._warehouse.table(name)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)


def _redact(url: str) -> str:
    """Never show a password from a URL in an error or log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


def require_customer(customers: ibis.Table, customer_id: str) -> None:
    """The one "does this customer exist" check: raises UnknownCustomer naming the
    closest ids when ``customer_id`` is not in the customers table."""
    found = customers.filter(customers.customer_id == customer_id).count().to_pyarrow()
    if found.as_py():
        return
    ids = customers.select("customer_id").to_pyarrow().column(0).to_pylist()
    raise UnknownCustomer(customer_id, [str(i) for i in ids if i is not None])
