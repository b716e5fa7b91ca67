"""The warehouse: customer data and everything derived from it, behind Ibis.

DuckDB file by default, PostgreSQL for teams. Canonical tables are created from
``goodfit.schema`` so every backend has the same columns and types. Derived tables
(text labels, snapshots of metrics) are written with ``write_table``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from goodfit.errors import UnknownCustomer, WarehouseError
from goodfit.schema import IMPORTS_TABLE, ROW_HASH, TABLES, Table

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


def create_table_sql(table: Table, name: str | None = None, temp: bool = False) -> str:
    cols = [f'"{c.name}" {c.sql_type}' for c in table.columns]
    cols.append(f'"{ROW_HASH}" VARCHAR')
    kind = "TEMP TABLE" if temp else "TABLE"
    return f'CREATE {kind} IF NOT EXISTS "{name or table.name}" ({", ".join(cols)})'


class Warehouse:
    """A connection to the warehouse named by a URL, with the canonical tables present."""

    def __init__(self, con: ibis.BaseBackend, url: str) -> None:
        self.con = con
        self.url = url
        self.backend = con.name  # "duckdb", "postgres", "pyspark"

    @classmethod
    def connect(cls, url: str, project_dir: Path | None = None,
                memory_limit: str = "") -> Warehouse:
        try:
            if url.startswith("duckdb://"):
                path = url.removeprefix("duckdb://").removeprefix("/")
                # a setting at connect, not a bound parameter: binding imports pandas
                settings = {"memory_limit": memory_limit} if memory_limit else {}
                if path in ("", ":memory:"):
                    con = ibis.duckdb.connect(**settings)
                else:
                    p = Path(path)
                    if not p.is_absolute() and project_dir is not None:
                        p = project_dir / p
                    con = ibis.duckdb.connect(str(p), **settings)
            elif url.startswith(("postgresql://", "postgres://")):
                con = ibis.connect(url.replace("postgresql://", "postgres://", 1))
            else:
                raise WarehouseError(
                    f"unsupported warehouse url '{_redact(url)}': use duckdb:///file.duckdb "
                    "or postgresql://user@host/db"
                )
        except WarehouseError:
            raise
        except Exception as exc:  # driver errors carry no stable type across backends
            raise WarehouseError(f"cannot open warehouse {_redact(url)}: {exc}") from None
        wh = cls(con, url)
        wh.ensure_schema()
        return wh

    @classmethod
    def from_backend(cls, con: ibis.BaseBackend) -> Warehouse:
        """Wrap an existing Ibis connection (tests, notebooks, Spark sessions)."""
        wh = cls(con, f"{con.name}://")
        wh.ensure_schema()
        return wh

    # -- schema -----------------------------------------------------------------
    def ensure_schema(self) -> None:
        existing = set(self.con.list_tables())
        for t in TABLES.values():
            if t.name not in existing:
                self.execute(create_table_sql(t))
        if IMPORTS_TABLE not in existing:
            cols = ", ".join(f'"{n}" {ty}' for n, ty in IMPORTS_COLUMNS)
            self.execute(f'CREATE TABLE IF NOT EXISTS "{IMPORTS_TABLE}" ({cols})')

    # -- reading ----------------------------------------------------------------
    def table(self, name: str) -> ibis.Table:
        """A canonical (or derived) table as an Ibis expression."""
        t = self.con.table(name)
        return t.drop(ROW_HASH) if ROW_HASH in t.columns else t

    def tables(self) -> dict[str, ibis.Table]:
        return {name: self.table(name) for name in TABLES}

    def lazy_tables(self) -> Mapping[str, ibis.Table]:
        """The canonical tables, each looked up only when first used (a read that cites
        two tables need not ask the backend for the schema of every one)."""
        return _LazyTables(self)

    def has_table(self, name: str) -> bool:
        return name in self.con.list_tables()

    def row_count(self, name: str) -> int:
        return int(self.con.table(name).count().execute())

    # -- writing ----------------------------------------------------------------
    def write_table(self, name: str, data: pa.Table | Any, overwrite: bool = True) -> None:
        """Replace a derived table (text labels, scores) with ``data``."""
        self.con.create_table(name, data, overwrite=overwrite)

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
        """The driver connection (duckdb / psycopg) for the importer's transactions."""
        return self.con.con

    def close(self) -> None:
        disconnect = getattr(self.con, "disconnect", None)
        if disconnect:
            disconnect()


class _LazyTables(Mapping[str, ibis.Table]):
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
