"""Staging: a sync's rows land in Parquet files, one per canonical table, before import.

Batches are appended to a raw file per table as they arrive (memory stays flat), with a
sequence number. ``finish`` keeps the last version of every key — APIs that page over a
changing list (incremental exports, event streams) can return one object twice, and the
importer rightly rejects a key repeated within one file — and writes <table>.parquet.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from goodfit.connectors.rows import arrow_schema, to_arrow
from goodfit.schema import IMPORT_ORDER, TABLES
from goodfit.warehouse import duck_connect

SEQ = "_gf_seq"


class StagingWriter:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        data = to_arrow(table, rows)
        start = self.counts.get(table, 0)
        data = data.append_column(SEQ, pa.array(range(start, start + len(rows)), pa.int64()))
        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(self._raw(table), data.schema)
        self._writers[table].write_table(data)
        self.counts[table] = start + len(rows)

    def _raw(self, table: str) -> Path:
        return self.directory / f"_raw_{table}.parquet"

    def close(self) -> None:
        """Close the raw files (after a failed fetch; finish() closes them itself)."""
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def finish(self) -> dict[str, Path]:
        """Deduplicated <table>.parquet per table that received rows, in import order."""
        self.close()
        out: dict[str, Path] = {}
        con = duck_connect()
        try:
            for table in IMPORT_ORDER:
                if table not in self.counts:
                    continue
                raw, final = self._raw(table), self.directory / f"{table}.parquet"
                cols = ", ".join(f'"{c}"' for c in arrow_schema(table).names)
                keys = ", ".join(f'"{k}"' for k in TABLES[table].key)
                data = con.execute(
                    f"SELECT {cols} FROM read_parquet(?) QUALIFY row_number() OVER "
                    f"(PARTITION BY {keys} ORDER BY {SEQ} DESC) = 1 ORDER BY {SEQ}",
                    [str(raw)]).fetch_arrow_table()
                pq.write_table(data.cast(arrow_schema(table)), final)
                raw.unlink()
                out[table] = final
        finally:
            con.close()
        return out
