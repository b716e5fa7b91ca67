"""The one facade: every use case of goodfit is a method on ``Project``.

The command line and the web app only translate input and render what these methods
return. Nothing here prints or exits; problems are ``goodfit.errors`` exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis

from goodfit import metrics
from goodfit.config import CONFIG_FILE, Config, default_config_text, load_config
from goodfit.errors import (
    InvalidChoice,
    MissingCurrencyRate,
    ProjectExists,
    ProjectNotFound,
    UnknownCustomer,
)
from goodfit.ingest import ImportResult, import_directory, import_file, import_history
from goodfit.metrics import Concentration, CustomerBreakdown, Window
from goodfit.metrics.common import missing_rates
from goodfit.metrics.concentration import LOADS
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.schema import TABLES
from goodfit.state.db import StateDB
from goodfit.warehouse import Warehouse

When = date | datetime | str | None  # a date means the whole day (see Window.resolve)


class Project:
    """A goodfit project folder: goodfit.toml, the warehouse, the state DB and outputs."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config

    # -- opening -------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path = ".") -> Project:
        root = Path(path).resolve()
        cfg = root / CONFIG_FILE
        if not cfg.is_file():
            raise ProjectNotFound(root)
        return cls(root, load_config(cfg))

    @classmethod
    def init(cls, path: str | Path, *, warehouse_url: str | None = None) -> Project:
        """Create a project folder with a commented goodfit.toml and an empty warehouse."""
        root = Path(path).resolve()
        if (root / CONFIG_FILE).exists():
            raise ProjectExists(root)
        root.mkdir(parents=True, exist_ok=True)
        text = default_config_text()
        if warehouse_url:
            # toml basic strings: escape backslashes and quotes of the url we were given
            quoted = warehouse_url.replace("\\", "\\\\").replace('"', '\\"')
            text = text.replace('url = "duckdb:///warehouse.duckdb"', f'url = "{quoted}"', 1)
        for sub in ("quarantine", "outbox", "reports"):
            (root / sub).mkdir(exist_ok=True)
        (root / CONFIG_FILE).write_text(text, encoding="utf-8")
        project = cls.open(root)
        project.warehouse  # noqa: B018 - creates the canonical tables now, not on first use
        return project

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def outbox_dir(self) -> Path:
        return self.root / "outbox"

    @cached_property
    def warehouse(self) -> Warehouse:
        return Warehouse.connect(self.config.warehouse.url, self.root,
                                 memory_limit=self.config.warehouse.memory_limit)

    @cached_property
    def state(self) -> StateDB:
        """The state DB (snapshots, cases, outbox, audit), migrated to the newest schema."""
        return StateDB.open(self.config.state.url, self.root)

    def table(self, name: str) -> ibis.Table:
        """A canonical table as an Ibis expression, for notebooks."""
        from goodfit.schema import table as lookup

        lookup(name)  # clear error with close matches for a typo
        return self.warehouse.table(name)

    def close(self) -> None:
        if "warehouse" in self.__dict__:
            self.warehouse.close()
            del self.__dict__["warehouse"]
        if "state" in self.__dict__:
            self.state.close()
            del self.__dict__["state"]

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import (ingest) -----------------------------------------------------
    def import_file(self, table: str, file: str | Path, *, mapping: Mapping[str, str] | None = None,
                    strict: bool | None = None, progress: Progress = NO_PROGRESS) -> ImportResult:
        """Validate and load one file into a canonical table (atomic, idempotent)."""
        return import_file(self.warehouse, self.config, table, Path(file),
                           mapping=mapping or {}, strict=strict,
                           quarantine_dir=self.quarantine_dir, progress=progress)

    def import_directory(self, directory: str | Path, *, strict: bool | None = None,
                         progress: Progress = NO_PROGRESS) -> list[ImportResult]:
        """Import every file in a folder whose name names a table, parents first."""
        return import_directory(self.warehouse, self.config, Path(directory), strict=strict,
                                quarantine_dir=self.quarantine_dir, progress=progress)

    def status(self) -> dict[str, Any]:
        """Tables with row counts and data window, import history, quarantine files."""
        from goodfit.ingest.status import project_status

        return project_status(self.warehouse, self.quarantine_dir)

    def imports(self) -> list[dict[str, Any]]:
        return import_history(self.warehouse)

    def tables(self) -> list[str]:
        return list(TABLES)

    # -- metrics (cost to serve, concentration) -------------------------------
    def window(self, as_of: When = None, since: When = None, until: When = None) -> Window:
        """The metric window: defaults as_of = end of the newest data's day, until = as_of,
        since = until − 12 months (see docs/cost-model.md)."""
        return Window.resolve(self.warehouse.tables(), as_of=as_of, since=since, until=until)

    def _metric_tables(self) -> dict[str, ibis.Table]:
        tables = self.warehouse.tables()
        missing = missing_rates(tables, self.config)
        if missing:
            raise MissingCurrencyRate(missing, self.config.project.currency)
        return tables

    def scorecard(self, as_of: When = None, since: When = None, until: When = None, *,
                  window: Window | None = None) -> ibis.Table:
        """One row per customer: revenue, cost to serve, profit, shares (an Ibis table:
        keep composing, or ``.to_pandas()`` / ``.to_pyarrow()``)."""
        tables = self._metric_tables()
        window = window or Window.resolve(tables, as_of=as_of, since=since, until=until)
        return metrics.scorecard(tables, self.config, window)

    def customer(self, customer_id: str, as_of: When = None, since: When = None,
                 until: When = None) -> CustomerBreakdown:
        """One customer's figures with the rows behind each and a monthly trend."""
        tables = self._metric_tables()
        cust = tables["customers"]
        found = cust.filter(cust.customer_id == customer_id).count().to_pyarrow().as_py()
        if not found:
            ids = cust.select("customer_id").to_pyarrow().column(0).to_pylist()
            raise UnknownCustomer(customer_id, [i for i in ids if i is not None])
        window = Window.resolve(tables, as_of=as_of, since=since, until=until)
        return CustomerBreakdown.collect(tables, self.config, window, customer_id)

    def concentration(self, by: str = "tickets", as_of: When = None, since: When = None,
                      until: When = None) -> Concentration:
        """Lorenz curve, Gini, top sets and knee of tickets, minutes or cost."""
        if by not in LOADS:
            raise InvalidChoice("by", by, list(LOADS))
        return metrics.concentration(self.scorecard(as_of, since, until), by)

    # -- text (tone, resolution codes, KB, topics) ----------------------------

    # -- scoring, snapshots, report -------------------------------------------

    # -- actions (cases, rewards, what-ifs, education, offboarding, outbox, audit)

    # -- connectors ------------------------------------------------------------
