"""What every connector is: fetch(cursor) yields rows per canonical table, then a cursor.

A connector maps one source's API onto the canonical tables (goodfit.schema). It never
writes to the warehouse: the sync writes its rows to Parquet files and imports them
through the same validated, atomic, idempotent importer as any file.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from goodfit.config import ConnectorSettings
from goodfit.connectors.credentials import Credentials
from goodfit.connectors.http import RetryPolicy
from goodfit.errors import ConfigError, close_matches

Row = dict[str, Any]
Cursor = dict[str, Any]


@dataclass
class Batch:
    """Rows for one canonical table, keyed by that table's column names."""

    table: str
    rows: list[Row] = field(default_factory=list)


# A fetch yields batches and returns the cursor the next incremental sync starts from.
Fetch = Generator[Batch, None, Cursor]


class Connector(Protocol):
    name: str

    def fetch(self, cursor: Cursor | None) -> Fetch:
        """Everything changed since ``cursor`` (everything when None), then the new cursor."""
        ...

    def close(self) -> None: ...


class Options(BaseModel):
    """Base of each connector's options model ([connectors.NAME.options])."""

    model_config = ConfigDict(extra="forbid")
    page_size: int = 100


def parse_options(model: type[Options], name: str, raw: Mapping[str, Any]) -> Any:
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                hint = close_matches(str(err["loc"][-1]), list(model.model_fields))
                problems.append(f"unknown option '{where}'"
                                + (f" (did you mean '{hint[0]}'?)" if hint else ""))
            else:
                problems.append(f"{where}: {err['msg']}")
        raise ConfigError(f"[connectors.{name}.options]: " + "; ".join(problems)) from None


@dataclass(frozen=True)
class ConnectorContext:
    """What a connector is built from: its settings, credentials and retry policy."""

    name: str
    settings: ConnectorSettings
    credentials: Credentials
    policy: RetryPolicy = field(default_factory=RetryPolicy)
