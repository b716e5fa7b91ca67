"""The one facade: every use case of goodfit is a method on ``Project``.

The command line and the web app only translate input and render what these methods
return. Nothing here prints or exits; problems are ``goodfit.errors`` exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis

from goodfit.config import CONFIG_FILE, Config, default_config_text, load_config
from goodfit.errors import ProjectExists, ProjectNotFound
from goodfit.ingest import ImportResult, import_directory, import_file, import_history
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.schema import TABLES
from goodfit.scoring.explain import Explanation, ScoringRun
from goodfit.scoring.history import (
    SnapshotDiff,
    SnapshotInfo,
    diff_snapshots,
    list_snapshots,
    save_snapshot,
)
from goodfit.scoring.inputs import ScoringInputs
from goodfit.scoring.risk import RiskReport, early_risk
from goodfit.scoring.score import score_customers
from goodfit.state.db import StateDB
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
        return Warehouse.connect(self.config.warehouse.url, self.root)

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

    # -- scoring, snapshots, report -------------------------------------------
    def _scoring_inputs(self, as_of: datetime | None = None, since: datetime | None = None,
                        until: datetime | None = None) -> tuple[ScoringInputs, datetime]:
        """Canonical tables, the metrics scorecard for the window and the text tables."""
        from goodfit.metrics.window import Window

        wh = self.warehouse
        tables = wh.tables()
        window = Window.resolve(tables, as_of=as_of, since=since, until=until)
        card = self.scorecard(  # type: ignore[attr-defined]  # metrics section
            as_of=window.as_of, since=window.since, until=window.until)
        text = {n: wh.table(n) for n in ("message_tone", "ticket_resolution", "ticket_kb_match")
                if wh.has_table(n)}
        return (ScoringInputs(tables=tables, scorecard=card, since=window.since,
                              until=window.until, **text), window.as_of)

    def score(self, *, as_of: datetime | None = None, since: datetime | None = None,
              until: datetime | None = None, progress: Progress = NO_PROGRESS) -> ScoringRun:
        """Flags, fit scores and segments for every customer; writes the warehouse tables
        ``flags`` and ``fit_scores``."""
        progress("score", 0, 3)
        inp, as_of_ = self._scoring_inputs(as_of, since, until)
        card = inp.scorecard.to_pandas()
        progress("score", 1, 3)
        result = score_customers(inp, self.config)
        progress("score", 2, 3)
        self.warehouse.write_table("flags", result.flags_table())
        self.warehouse.write_table("fit_scores", result.scores_table())
        progress("score", 3, 3)
        return ScoringRun(result, card, as_of_, inp.since, inp.until, inp)

    def explain(self, customer_id: str, run: ScoringRun | None = None) -> Explanation:
        """A customer's score contributions, flags with evidence and segment reason."""
        return (run or self.score()).explain(customer_id)

    def snapshot(self, label: str | None = None, run: ScoringRun | None = None) -> SnapshotInfo:
        """Store scorecard, flags and scores with the config hash and window in the state DB."""
        run = run or self.score()
        return save_snapshot(self.state, run.scorecard, run.result,
                             config_hash=self.config.hash(), as_of=run.as_of, since=run.since,
                             until=run.until, label=label)

    def snapshots(self) -> list[SnapshotInfo]:
        return list_snapshots(self.state)

    def diff(self, a: int, b: int) -> SnapshotDiff:
        """Who moved segment between snapshot a and snapshot b, and why."""
        return diff_snapshots(self.state, a, b)

    def early_risk(self, run: ScoringRun | None = None) -> RiskReport:
        """Early-life risk trained on this provider's history (segments from ``score``)."""
        run = run or self.score()
        wh = self.warehouse
        tone = wh.table("message_tone") if wh.has_table("message_tone") else None
        return early_risk(wh.tables(), run.result.scores[["customer_id", "segment"]],
                          self.config.risk, run.as_of, tone)

    def report(self, out: str | Path | None = None, *,
               progress: Progress = NO_PROGRESS) -> Path:
        """Write the single-file HTML report; returns its path."""
        from goodfit.report.data import EVIDENCE_SHOWN, build_report, resolution_mix
        from goodfit.report.html import write_report
        from goodfit.scoring.explain import describe_rows

        run = self.score(progress=progress)
        risk = self.early_risk(run)
        wh = self.warehouse
        topics = None
        if wh.has_table("topics"):
            t = wh.table("topics")
            topics = t.order_by(ibis.desc(t.staff_minutes)).limit(15).to_pandas()
        generated = datetime.now(UTC).replace(tzinfo=None)
        data = build_report(run.scorecard, run.result, risk,
                            resolution=resolution_mix(run.inputs.tickets()), topics=topics,
                            title=self.config.project.name, currency=self.config.project.currency,
                            since=run.since, until=run.until, config_hash=self.config.hash(),
                            generated_at=generated, load=self.config.flags.heavy_load.load,
                            rows=describe_rows(run.inputs, (e for f in run.result.flags
                                                            for e in f.evidence[:EVIDENCE_SHOWN])))
        path = Path(out) if out else self.reports_dir / f"report-{generated:%Y%m%d-%H%M%S}.html"
        return write_report(data, path)

    # -- actions (cases, rewards, what-ifs, education, offboarding, outbox, audit)

    # -- connectors ------------------------------------------------------------
