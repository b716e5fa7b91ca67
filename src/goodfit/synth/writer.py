"""Streams rows into one Parquet file per canonical table, a row group per batch.

Rows are buffered column-wise for one batch of customers and written as a record batch,
so memory stays bounded by the batch, not by the provider. Types follow schema.py: ids and
text as strings, timestamps naive UTC (given here as epoch seconds), money DECIMAL(18,4)
(given as integer cents).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from goodfit.schema import TABLES, Kind

_ARROW: dict[Kind, pa.DataType] = {
    Kind.STRING: pa.string(), Kind.ENUM: pa.string(), Kind.TIMESTAMP: pa.timestamp("us"),
    Kind.DATE: pa.date32(), Kind.MONEY: pa.decimal128(18, 4), Kind.INTEGER: pa.int64(),
    Kind.NUMBER: pa.float64(), Kind.BOOLEAN: pa.bool_(),
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.kind], nullable=not c.required)
                      for c in TABLES[table].columns])


def _column(kind: Kind, values: list[Any]) -> pa.Array:
    if kind is Kind.TIMESTAMP:
        seconds = pa.array(values, type=pa.int64())
        return pc.multiply(seconds, 1_000_000).cast(pa.timestamp("us"))
    if kind is Kind.MONEY:
        return _decimal_from_cents(pa.array(values, type=pa.int64()))
    return pa.array(values, type=_ARROW[kind])


def _decimal_from_cents(cents: pa.Int64Array) -> pa.Array:
    """DECIMAL(18,4) straight from integer cents: the unscaled value is cents × 100.

    A decimal128 is a 16-byte little-endian two's-complement integer; building the buffer
    with numpy avoids a Python Decimal per value.
    """
    unscaled = cents.fill_null(0).to_numpy().astype(np.int64) * 100
    words = np.empty((len(unscaled), 2), dtype="<i8")
    words[:, 0] = unscaled
    words[:, 1] = np.where(unscaled < 0, -1, 0)
    validity = cents.buffers()[0] if cents.null_count else None
    return pa.Array.from_buffers(pa.decimal128(18, 4), len(cents),
                                 [validity, pa.py_buffer(words.tobytes())],
                                 null_count=cents.null_count)


class TableWriter:
    """Buffers rows of one table (tuples in schema column order) and appends them."""

    def __init__(self, out: Path, table: str) -> None:
        self.table = TABLES[table]
        self.schema = arrow_schema(table)
        self.path = out / f"{table}.parquet"
        self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        self._rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self._rows.append(row)

    def flush(self) -> None:
        if not self._rows:
            return
        columns = list(zip(*self._rows, strict=True))
        arrays = [_column(c.kind, list(values))
                  for c, values in zip(self.table.columns, columns, strict=True)]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.count += len(self._rows)
        self._rows = []

    def close(self) -> None:
        self.flush()
        self._writer.close()


class ProviderWriter:
    """One TableWriter per canonical table."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.tables = {name: TableWriter(out, name) for name in TABLES}

    def __getitem__(self, name: str) -> TableWriter:
        return self.tables[name]

    def flush(self) -> None:
        for writer in self.tables.values():
            writer.flush()

    def close(self) -> dict[str, int]:
        for writer in self.tables.values():
            writer.close()
        return {name: w.count for name, w in self.tables.items()}
