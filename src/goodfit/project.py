"""The front door: ``Project.open(path)`` exposes one service per capability.

Composition only: each capability's logic lives in its service beside its code
(``goodfit/<capability>/service.py``, map in docs/architecture.md), all sharing one
``Workspace``. Services are built, and their heavy libraries imported, on first use. The
first release's flat names (``project.scorecard()``…) remain as ``ALIASES`` for one release.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goodfit.aliases import ALIASES
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.workspace import Workspace

if TYPE_CHECKING:
    from goodfit.actions.draw import Verification as DrawVerification
    from goodfit.actions.pricing import Pricing
    from goodfit.actions.rewards_service import Rewards
    from goodfit.actions.service import Actions, Audit
    from goodfit.analysis import Analysis, StepOutcome
    from goodfit.config import Config, ToneSettings
    from goodfit.connectors.service import Connectors
    from goodfit.ingest import ImportResult
    from goodfit.ingest.service import Ingest
    from goodfit.maintenance.service import Maintenance
    from goodfit.metrics.service import Metrics
    from goodfit.report.service import Reports
    from goodfit.scoring.history import SnapshotInfo
    from goodfit.scoring.service import Scoring
    from goodfit.state.db import StateDB
    from goodfit.text.service import Text
    from goodfit.text.tone import ToneResult
    from goodfit.warehouse import Warehouse


class Project:
    """A goodfit project folder: goodfit.toml, the warehouse, the state DB and outputs."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    @classmethod
    def open(cls, path: str | Path = ".") -> Project:
        return cls(Workspace.open(path))

    @classmethod
    def init(cls, path: str | Path, *, warehouse_url: str | None = None) -> Project:
        """Create a project folder with a commented goodfit.toml and an empty warehouse."""
        return cls(Workspace.create(path, warehouse_url=warehouse_url))

    @classmethod
    def demo(cls, path: str | Path, *, customers: int = 1500, months: int = 24, seed: int = 42,
             progress: Progress = NO_PROGRESS) -> tuple[Project, list[ImportResult],
                                                       list[StepOutcome]]:
        """A project filled with a synthetic provider, imported and analysed end to end."""
        from goodfit.demo import create_demo_workspace

        ws, data = create_demo_workspace(path, customers=customers, months=months, seed=seed,
                                         progress=progress)
        project = cls(ws)
        results = project.ingest.import_directory(data, progress=progress)
        return project, results, project.analysis.run(progress)

    # -- what needs no project (templates, synthetic data, tone of a text) -----------
    @staticmethod
    def write_templates(directory: Path) -> list[Path]:
        from goodfit.ingest.templates import write_templates

        return write_templates(directory)

    @staticmethod
    def data_model_markdown() -> str:
        from goodfit.ingest.templates import data_model_markdown

        return data_model_markdown()

    @staticmethod
    def synth(out: Path, *, customers: int, months: int, seed: int, end: date | None = None,
              progress: Progress = NO_PROGRESS) -> Any:
        from goodfit.synth import DEFAULT_END, generate

        return generate(out, customers=customers, months=months, seed=seed,
                        end=end or DEFAULT_END, progress=progress)

    @staticmethod
    def score_tone(texts: list[str], settings: ToneSettings) -> list[ToneResult]:
        from goodfit.text.tone import score_tone_batch

        return score_tone_batch(texts, settings)

    @staticmethod
    def restore_backup(src: Path, target: Path) -> Any:
        """Put a backup made by ``project.maintenance.backup`` into a new folder."""
        from goodfit.maintenance.service import Maintenance

        return Maintenance.restore(Path(src), Path(target))

    @staticmethod
    def verify_draw_files(directory: Path) -> DrawVerification:
        """Recompute a reward draw's winners from its published files alone (no project)."""
        from goodfit.actions.draw import verify

        return verify(directory)

    # -- the workspace ---------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self.ws.root

    @property
    def config(self) -> Config:
        return self.ws.config

    @property
    def quarantine_dir(self) -> Path:
        return self.ws.quarantine_dir

    @property
    def reports_dir(self) -> Path:
        return self.ws.reports_dir

    @property
    def outbox_dir(self) -> Path:
        return self.ws.outbox_dir

    @property
    def warehouse(self) -> Warehouse:
        return self.ws.warehouse

    @property
    def state(self) -> StateDB:
        return self.ws.state

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one service per capability (composition only) ------------------------------------
    @cached_property
    def audit(self) -> Audit:
        from goodfit.actions.service import Audit

        return Audit(self.ws)

    @cached_property
    def ingest(self) -> Ingest:
        from goodfit.actions.service import ImportAudit
        from goodfit.ingest.service import Ingest

        # every import joins the hash-chained log: an intent before the warehouse commit,
        # its results after (goodfit.actions.service.ImportAudit)
        return Ingest(self.ws, journal=ImportAudit(self.ws))

    @cached_property
    def metrics(self) -> Metrics:
        from goodfit.metrics.service import Metrics

        return Metrics(self.ws)

    @cached_property
    def text(self) -> Text:
        from goodfit.text.service import Text

        return Text(self.ws)

    @cached_property
    def scoring(self) -> Scoring:
        from goodfit.scoring.service import Scoring

        def audited(info: SnapshotInfo) -> None:
            self.audit.append("snapshot", data={
                "snapshot_id": info.id, "label": info.label, "config_hash": info.config_hash,
                "since": str(info.since), "until": str(info.until),
                "customers": info.customers, "segments": info.segments})

        return Scoring(self.ws, self.metrics, on_snapshot=audited)

    @cached_property
    def reports(self) -> Reports:
        from goodfit.report.service import Reports

        return Reports(self.ws, self.scoring)

    @cached_property
    def actions(self) -> Actions:
        from goodfit.actions.service import Actions

        return Actions(self.ws)

    @cached_property
    def maintenance(self) -> Maintenance:
        from goodfit.maintenance.service import Maintenance

        return Maintenance(self.ws)

    @cached_property
    def rewards(self) -> Rewards:
        from goodfit.actions.rewards_service import Rewards

        return Rewards(self.ws, self.scoring)

    @cached_property
    def pricing(self) -> Pricing:
        from goodfit.actions.pricing import Pricing

        return Pricing(self.ws, self.metrics)

    @cached_property
    def connectors(self) -> Connectors:
        from goodfit.connectors.service import Connectors

        return Connectors(self.ws, self.ingest)

    @cached_property
    def analysis(self) -> Analysis:
        from goodfit.analysis import Analysis

        return Analysis(self.ws, self.text, self.scoring, self.reports)

    def __getattr__(self, name: str) -> Any:
        """The first release's flat names (``ALIASES``), for one release."""
        target = ALIASES.get(name)
        if target is None:
            raise AttributeError(f"'Project' object has no attribute '{name}'")
        service, method = target.split(".")
        return getattr(getattr(self, service), method)
