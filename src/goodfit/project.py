"""The one facade: every use case of goodfit is a method on ``Project``.

The command line and the web app only translate input and render what these methods
return. Nothing here prints or exits; problems are ``goodfit.errors`` exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis

from goodfit.config import CONFIG_FILE, Config, default_config_text, load_config
from goodfit.errors import ProjectExists, ProjectNotFound
from goodfit.ingest import ImportResult, import_directory, import_file, import_history
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.schema import TABLES
from goodfit.state.db import StateDB
from goodfit.text.tone import ToneResult, score_tone_batch
from goodfit.text.tone_table import MESSAGE_TONE, ToneAnalysis, analyze_tone
from goodfit.warehouse import Warehouse


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

    # -- text (tone, resolution codes, KB, topics) ----------------------------
    def tone(self, texts: list[str]) -> list[ToneResult]:
        """Tone toward staff for arbitrary texts, with this project's [tone] settings."""
        return score_tone_batch(texts, self.config.tone)

    def analyze_tone(self, progress: Progress = NO_PROGRESS, *, workers: int = 1) -> ToneAnalysis:
        """Score every customer message in the warehouse and write ``message_tone``."""
        summary = ToneAnalysis()
        table = analyze_tone(self.warehouse.table("messages"), self.warehouse.table("tickets"),
                             self.config.tone, progress=progress, workers=workers,
                             summary=summary)
        self.warehouse.write_table(MESSAGE_TONE, table)
        return summary


    # -- scoring, snapshots, report -------------------------------------------

    # -- actions (cases, rewards, what-ifs, education, offboarding, outbox, audit)

    # -- connectors ------------------------------------------------------------
