"""Writing validated rows into the warehouse in one transaction (DuckDB or PostgreSQL).

The same upsert statements serve both engines: rows whose key exists with different
content are deleted, then every staged row whose key is absent is inserted; the import
record is written in the same transaction, so it exists exactly when the data does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from goodfit.ingest.result import UpsertCounts
from goodfit.ingest.validate import q
from goodfit.schema import DERIVED_TABLE, IMPORTS_TABLE, ROW_HASH, TABLES, Table
from goodfit.warehouse import IMPORTS_COLUMNS, create_table_sql


def _key_match(tbl: Table, a: str, b: str) -> str:
    return " AND ".join(f"{a}.{q(k)} IS NOT DISTINCT FROM {b}.{q(k)}" for k in tbl.key)


def upsert_statements(tbl: Table, stage: str) -> tuple[str, str, str]:
    """(count matches, delete changed, insert new-or-changed) for ``stage`` into ``tbl``."""
    target = q(tbl.name)
    match = _key_match(tbl, "t", "s")
    count = (f"SELECT count(*) FILTER (WHERE t.{q(ROW_HASH)} = s.{q(ROW_HASH)}), "
             f"count(*) FILTER (WHERE t.{q(ROW_HASH)} <> s.{q(ROW_HASH)}) "
             f"FROM {stage} s JOIN {target} t ON {match}")
    delete = (f"DELETE FROM {target} t WHERE EXISTS (SELECT 1 FROM {stage} s WHERE {match} "
              f"AND s.{q(ROW_HASH)} <> t.{q(ROW_HASH)})")
    cols = ", ".join(q(c) for c in [*tbl.column_names, ROW_HASH])
    insert = (f"INSERT INTO {target} ({cols}) SELECT {', '.join('s.' + q(c) for c in [*tbl.column_names, ROW_HASH])} "
              f"FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {match})")
    return count, delete, insert


def _record_sql(placeholder: str) -> str:
    cols = ", ".join(q(n) for n, _ in IMPORTS_COLUMNS)
    return f"INSERT INTO {q(IMPORTS_TABLE)} ({cols}) VALUES ({', '.join([placeholder] * len(IMPORTS_COLUMNS))})"


def _record_values(record: dict[str, Any], counts: UpsertCounts) -> tuple[Any, ...]:
    full = {**record, "finished_at": datetime.now(UTC).replace(tzinfo=None),
            "inserted": counts.inserted, "updated": counts.updated,
            "unchanged": counts.unchanged}
    return tuple(full.get(n) for n, _ in IMPORTS_COLUMNS)


def derived_sql(ph: str) -> tuple[str, str, str]:
    """(create the bookkeeping table, mark ids derived, clear ids a customer file named).

    goodfit_derived_customers lists the customers that exist only because a ticket file
    named them (``derive_customers``): no customer file has described them yet."""
    create = (f"CREATE TABLE IF NOT EXISTS {q(DERIVED_TABLE)} (customer_id VARCHAR, "
              "import_id VARCHAR, file VARCHAR)")
    mark = (f"INSERT INTO {q(DERIVED_TABLE)} (customer_id, import_id, file) "
            f"SELECT s.customer_id, {ph}, {ph} FROM {{stage}} s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {q(DERIVED_TABLE)} d WHERE d.customer_id = s.customer_id)")
    clear = (f"DELETE FROM {q(DERIVED_TABLE)} WHERE customer_id IN "
             f"(SELECT customer_id FROM {{stage}})")
    return create, mark, clear


def insert_new_sql(tbl: Table, stage: str) -> str:
    """Insert the staged rows whose key is not in the table (never overwrite)."""
    return upsert_statements(tbl, stage)[2]


def _orphan_update(parsed: str, col: str, parent: str, parents_sql: str) -> str:
    return (f"UPDATE {parsed} SET _field = '{col}', _problem = 'unknown {parent[:-1]}', "
            f"_reason = 'unknown {parent[:-1]} ''' || {q(col)} || ''' (not in {parent}; "
            f"import {parent} first)' "
            f"WHERE _field IS NULL AND {q(col)} IS NOT NULL AND {q(col)} NOT IN ({parents_sql})")


class Loader(Protocol):
    def mark_orphans(self, parsed: str, tbl: Table) -> None: ...

    def existing_rows(self, tbl: Table, columns: list[str]) -> str:
        """A relation in the engine with the key and ``columns`` of the rows stored now."""
        ...

    def upsert(self, stage: str, tbl: Table, record: dict[str, Any],
               derived: str | None = None) -> UpsertCounts:
        """``derived``: a stage of customers rows derived from this (tickets) file, inserted
        (never overwriting) and marked derived in the same transaction."""
        ...


class DuckDBLoader:
    """The warehouse is the DuckDB file the rows were parsed in: no copying."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def mark_orphans(self, parsed: str, tbl: Table) -> None:
        for col, parent, pcol in tbl.references:
            self.con.execute(_orphan_update(parsed, col, parent,
                                            f"SELECT {q(pcol)} FROM main.{q(parent)}"))

    def existing_rows(self, tbl: Table, columns: list[str]) -> str:
        return f"main.{q(tbl.name)}"

    def upsert(self, stage: str, tbl: Table, record: dict[str, Any],
               derived: str | None = None) -> UpsertCounts:
        con = self.con
        staged = int(con.execute(f"SELECT count(*) FROM {stage}").fetchone()[0])  # type: ignore[index]
        count_sql, delete_sql, insert_sql = upsert_statements(tbl, stage)
        create, mark, clear = derived_sql("?")
        con.execute("BEGIN TRANSACTION")
        try:
            if derived is not None or tbl.name == "customers":
                con.execute(create)
            if derived is not None:
                con.execute(insert_new_sql(TABLES["customers"], derived))
                con.execute(mark.format(stage=derived), (record["import_id"], record["file"]))
            if tbl.name == "customers":
                con.execute(clear.format(stage=stage))
            existing = con.execute(f"SELECT count(*) FROM {q(tbl.name)}").fetchone()[0]  # type: ignore[index]
            if existing == 0:
                unchanged = updated = 0
                cols = ", ".join(q(c) for c in [*tbl.column_names, ROW_HASH])
                con.execute(f"INSERT INTO {q(tbl.name)} ({cols}) SELECT {cols} FROM {stage}")
            else:
                unchanged, updated = (int(x or 0) for x in con.execute(count_sql).fetchone())  # type: ignore[union-attr]
                if updated:
                    con.execute(delete_sql)
                con.execute(insert_sql)
            counts = UpsertCounts(staged - unchanged - updated, updated, unchanged)
            con.execute(_record_sql("?"), _record_values(record, counts))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return counts


class PostgresLoader:
    """Rows are parsed in an in-memory DuckDB, then copied into PostgreSQL and upserted."""

    def __init__(self, pg: Any, engine: duckdb.DuckDBPyConnection) -> None:
        self.pg = pg
        self.engine = engine

    def mark_orphans(self, parsed: str, tbl: Table) -> None:
        for col, parent, pcol in tbl.references:
            with self.pg.cursor() as cur:
                cur.execute(f"SELECT DISTINCT {q(pcol)} FROM {q(parent)}")
                keys = [r[0] for r in cur.fetchall()]
            self.pg.commit()
            self.engine.register("_gf_parent_keys", pa.table({"k": pa.array(keys, pa.string())}))
            self.engine.execute(_orphan_update(parsed, col, parent,
                                               "SELECT k FROM _gf_parent_keys"))
            self.engine.unregister("_gf_parent_keys")

    def existing_rows(self, tbl: Table, columns: list[str]) -> str:
        names = list(dict.fromkeys([*tbl.key, *columns]))
        with self.pg.cursor() as cur:
            cur.execute(f"SELECT {', '.join(q(c) for c in names)} FROM {q(tbl.name)}")
            rows = cur.fetchall()
        self.pg.commit()
        data = {n: [r[i] for r in rows] for i, n in enumerate(names)}
        self.engine.register("_gf_existing", pa.table(data) if rows else
                             pa.table({n: pa.array([], pa.string()) for n in names}))
        return "_gf_existing"

    def _copy(self, cur: Any, stage: str, tbl: Table, name: str) -> int:
        """Copy ``stage`` (in DuckDB) into a new temp table ``name`` shaped like ``tbl``."""
        cols = [*tbl.column_names, ROW_HASH]
        cur.execute(create_table_sql(TABLES[tbl.name], name, temp=True)
                    .replace("IF NOT EXISTS ", "") + " ON COMMIT DROP")
        reader = self.engine.execute(f"SELECT {', '.join(q(c) for c in cols)} FROM {stage}") \
            .fetch_record_batch(50_000)
        staged = 0
        with cur.copy(f"COPY {name} ({', '.join(q(c) for c in cols)}) FROM STDIN") as copy:
            for batch in reader:
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
                staged += batch.num_rows
        return staged

    def upsert(self, stage: str, tbl: Table, record: dict[str, Any],
               derived: str | None = None) -> UpsertCounts:
        count_sql, delete_sql, insert_sql = upsert_statements(tbl, "_gf_stage")
        create, mark, clear = derived_sql("%s")
        with self.pg.transaction(), self.pg.cursor() as cur:
            staged = self._copy(cur, stage, tbl, "_gf_stage")
            if derived is not None or tbl.name == "customers":
                cur.execute(create)
            if derived is not None:
                self._copy(cur, derived, TABLES["customers"], "_gf_derived_stage")
                cur.execute(insert_new_sql(TABLES["customers"], "_gf_derived_stage"))
                cur.execute(mark.format(stage="_gf_derived_stage"),
                            (record["import_id"], record["file"]))
            if tbl.name == "customers":
                cur.execute(clear.format(stage="_gf_stage"))
            cur.execute(count_sql)
            unchanged, updated = (int(x or 0) for x in cur.fetchone())
            if updated:
                cur.execute(delete_sql)
            cur.execute(insert_sql)
            counts = UpsertCounts(staged - unchanged - updated, updated, unchanged)
            cur.execute(_record_sql("%s"), _record_values(record, counts))
        return counts
