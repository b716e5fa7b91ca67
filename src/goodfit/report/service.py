"""The report capability for a project: the single-file HTML report of a stored run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis

from goodfit.progress import NO_PROGRESS, Progress
from goodfit.scoring.causes import resolution_mix
from goodfit.scoring.coverage import project_facts
from goodfit.scoring.explain import ScoringRun, describe_rows

if TYPE_CHECKING:
    from goodfit.scoring.service import Scoring
    from goodfit.workspace import Workspace


class Reports:
    def __init__(self, ws: Workspace, scoring: Scoring) -> None:
        self._ws = ws
        self._scoring = scoring

    def write(self, out: str | Path | None = None, *, snapshot: int | None = None,
              run: ScoringRun | None = None, progress: Progress = NO_PROGRESS,
              generated_at: datetime | None = None) -> Path:
        """Write the report of a stored run (the newest, or ``snapshot``); its path.

        Two reports of one snapshot differ only in their generation time.
        """
        # imported here, not with the service: the charts load a JavaScript engine (and
        # scikit-learn comes with them) that `goodfit analyze` must not have loaded before
        # it forks its steps (goodfit.analysis)
        from goodfit.report.data import build_report
        from goodfit.report.html import write_report

        progress("report", 0, 2)
        run = run or self._scoring.run(snapshot)
        risk = self._scoring.early_risk(run=run)
        cfg = self._ws.config
        wh = self._ws.warehouse
        topics = None
        if wh.has_table("topics"):
            t = wh.table("topics")
            topics = t.order_by([ibis.desc(t.staff_minutes), t.topic_id]).limit(15).to_pandas()
        generated = generated_at or datetime.now(UTC).replace(tzinfo=None)
        progress("report", 1, 2)
        data = build_report(run.scorecard, run.result, risk,
                            resolution=resolution_mix(run.inputs.tickets()), topics=topics,
                            title=cfg.project.name, currency=cfg.project.currency,
                            since=run.since, until=run.until,
                            config_hash=run.snapshot.config_hash if run.snapshot else cfg.hash(),
                            generated_at=generated, load=cfg.flags.heavy_load.load,
                            # plain SQL, as `goodfit explain` reads them (an Ibis
                            # filter compiles every id into its query), and only the
                            # rows of the flags the file shows
                            describe=lambda refs: describe_rows(wh.lookup, refs),
                            facts=project_facts(run.inputs),
                            service=self._service_levels(run))
        path = Path(out) if out else self._ws.reports_dir / f"report-{generated:%Y%m%d-%H%M%S}.html"
        written = write_report(data, path)
        progress("report", 2, 2)
        return written

    def _service_levels(self, run: ScoringRun) -> dict[str, dict[str, Any]]:
        """Service-level figures per customer over the run's window (the same figures as
        ``goodfit customer`` and ``scorecard --columns service``)."""
        from goodfit.metrics.service_levels import service_levels_by_customer
        from goodfit.window import Window

        window = Window(as_of=run.as_of, since=run.since, until=run.until)
        return service_levels_by_customer(dict(run.inputs.tables), self._ws.config, window)
