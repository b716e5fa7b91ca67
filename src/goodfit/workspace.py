"""What every capability shares: the project folder, its configuration, the two stores
(opened on first use) and the one window resolver.

A service (``goodfit.<capability>.service``) holds a ``Workspace`` and nothing else of the
project, so two services can never disagree about where the data is, which configuration
applies or which dates a window covers.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from goodfit.errors import ProjectNotFound
from goodfit.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # config (pydantic) and the stores (ibis, duckdb, sqlalchemy) load on use
    import ibis

    from goodfit.config import Config
    from goodfit.locking import Holder
    from goodfit.state.db import StateDB
    from goodfit.warehouse import Warehouse
    from goodfit.window import Window

When = date | datetime | str | None  # a date means the whole day (see Window.resolve)


class Workspace:
    """One project folder: ``goodfit.toml``, the warehouse, the state DB and outputs."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self._warehouse: Warehouse | None = None
        self._state: StateDB | None = None
        # Who is writing, for the "project busy" message another writer sees, and where
        # the wait for the writer lock is reported (the CLI sets both).
        self.activity = "goodfit (python)"
        self.busy_progress: Progress = NO_PROGRESS

    @classmethod
    def open(cls, path: str | Path = ".") -> Workspace:
        from goodfit.config import CONFIG_FILE, load_config

        root = Path(path).resolve()
        cfg = root / CONFIG_FILE
        if not cfg.is_file():
            raise ProjectNotFound(root)
        return cls(root, load_config(cfg))

    @classmethod
    def create(cls, path: str | Path, *, warehouse_url: str | None = None) -> Workspace:
        """Create a project folder with a commented goodfit.toml and an empty warehouse."""
        from goodfit.config import CONFIG_FILE, default_config_text
        from goodfit.errors import ProjectExists

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
        ws = cls.open(root)
        ws.warehouse  # noqa: B018 - creates the canonical tables now, not on first use
        ws.close()  # and lets go of the writer lock (the stores reopen on first use)
        return ws

    def reload_config(self) -> Config:
        """Re-read goodfit.toml (after a command edited it)."""
        from goodfit.config import load_config

        self.config = load_config(self.config_file)
        return self.config

    # -- folders ---------------------------------------------------------------
    @property
    def config_file(self) -> Path:
        from goodfit.config import CONFIG_FILE

        return self.root / CONFIG_FILE

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def outbox_dir(self) -> Path:
        return self.root / "outbox"

    # -- the two stores ----------------------------------------------------------
    @property
    def warehouse(self) -> Warehouse:
        if self._warehouse is None:
            from goodfit.warehouse import Warehouse

            # Read access to the last committed state; the first write makes it the
            # project's one writer (docs/architecture.md, "Many users, one project").
            w = self.config.warehouse
            self._warehouse = Warehouse.connect(
                w.url, self.root, memory_limit=w.memory_limit, access="read",
                activity=self.activity, busy_timeout=w.busy_timeout_seconds,
                progress=self.busy_progress)
        return self._warehouse

    @property
    def state(self) -> StateDB:
        """The state DB (snapshots, cases, outbox, audit), migrated to the newest schema."""
        if self._state is None:
            from goodfit.state.db import StateDB

            self._state = StateDB.open(self.config.state.url, self.root,
                                       busy_timeout=self.config.warehouse.busy_timeout_seconds)
        return self._state

    def sibling(self) -> Workspace:
        """Another handle on this project folder with the same configuration and stores of
        its own (a server gives each of its threads one; connections are not shared)."""
        ws = Workspace(self.root, self.config)
        ws.activity = self.activity
        return ws

    def drop_stale_reader(self) -> None:
        """Close the warehouse when it reads a read copy that a writer has since replaced
        (the next use opens the new copy)."""
        if self._warehouse is not None and self._warehouse.read_copy_replaced():
            self._warehouse.close()
            self._warehouse = None

    def writer(self) -> Holder | None:
        """Who else is writing this project now (an import, a scoring run… in another
        process), or None."""
        from goodfit.locking import WriterLock

        return WriterLock.for_project(self.root).writing()

    def close_state(self) -> None:
        """Close the state DB's connections; it opens again when next asked for (a forked
        child process must not share the parent's connections)."""
        if self._state is not None:
            self._state.close()
            self._state = None

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None
        if self._state is not None:
            self._state.close()
            self._state = None

    # -- shared lookups ----------------------------------------------------------
    def tables(self) -> dict[str, ibis.Table]:
        """The canonical tables (and any derived ones) as Ibis expressions."""
        return self.warehouse.tables()

    def window(self, as_of: When = None, since: When = None, until: When = None, *,
               window: Window | None = None) -> Window:
        """The one window resolver: every command's --as-of/--since/--until go through it.

        Half-open ``[since, until)``; defaults as_of = end of the newest data's day,
        until = as_of, since = until − 12 months (docs/cost-model.md).
        """
        if window is not None:
            return window
        from goodfit.window import Window

        # tables looked up only when asked for: an explicit as_of needs none
        return Window.resolve(self.warehouse.lazy_tables(), as_of=as_of, since=since,
                              until=until)

    def require_customer(self, customer_id: str) -> None:
        """The one "does this customer exist" check, with close matches when it does not
        (goodfit.warehouse.require_customer, which pure modules call directly)."""
        from goodfit.warehouse import require_customer

        require_customer(self.warehouse.table("customers"), customer_id)
