"""``goodfit analyze``: every derived step, in dependency order, resumable step by step.

tone → resolution codes → knowledge base → topics → fit scores (a stored run) → report.

Each finished step is recorded in ``analysis.json`` in the project folder with the data
and configuration it ran on. A rerun skips a step recorded for the same data and
configuration — so an analysis killed half-way resumes where it stopped — unless an earlier
step ran again (its outputs changed), ``force`` is given, or ``start`` names it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from goodfit.errors import GoodfitError, InvalidChoice
from goodfit.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from goodfit.report.service import Reports
    from goodfit.scoring.service import Scoring
    from goodfit.text.service import Text
    from goodfit.workspace import Workspace

STEPS = ("tone", "resolution codes", "knowledge base", "topics", "fit scores", "report")
RECORD_FILE = "analysis.json"


@dataclass(frozen=True)
class StepOutcome:
    step: str
    status: str  # "done", "skipped" (could not run on this data), "resumed" (done earlier)
    summary: str  # one line a person reads
    seconds: float


class Analysis:
    def __init__(self, ws: Workspace, text: Text, scoring: Scoring, reports: Reports) -> None:
        self._ws = ws
        self._text = text
        self._scoring = scoring
        self._reports = reports

    # -- what the data and configuration are ------------------------------------------
    def _fingerprint(self) -> str:
        """Changes whenever an import lands or goodfit.toml changes."""
        from goodfit.schema import IMPORTS_TABLE

        t = self._ws.warehouse.con.table(IMPORTS_TABLE)
        row = t.aggregate(n=t.count(), last=t.finished_at.max()).to_pyarrow().to_pylist()[0]
        return f"{row['n']}:{row['last']}:{self._ws.config.hash()}"

    def _load_record(self) -> dict[str, Any]:
        path = self._ws.root / RECORD_FILE
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def _save_record(self, record: dict[str, Any]) -> None:
        path = self._ws.root / RECORD_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, path)  # a kill leaves the old record or the new one, never half

    def recorded(self) -> dict[str, Any]:
        """The steps a previous analysis finished, with when and on what."""
        return self._load_record()

    # -- running ------------------------------------------------------------------------
    def run(self, progress: Progress = NO_PROGRESS, *, force: bool = False,
            start: str | None = None,
            on_step: Callable[[StepOutcome], None] | None = None) -> list[StepOutcome]:
        """Run (or resume) every step. A step that cannot run on this data (say, too few
        coded tickets to learn from) is reported as skipped, not fatal."""
        if start is not None and start not in STEPS:
            raise InvalidChoice("step", start, list(STEPS))
        fingerprint = self._fingerprint()
        record = self._load_record()
        if record.get("fingerprint") != fingerprint:
            record = {"fingerprint": fingerprint, "steps": {}}
        done: dict[str, Any] = record.setdefault("steps", {})
        rerun = force
        outcomes: list[StepOutcome] = []
        for name, step in self._steps():
            if name == start:
                rerun = True
            earlier = done.get(name)
            if earlier and not rerun:
                outcome = StepOutcome(name, "resumed", earlier["summary"], 0.0)
            else:
                rerun = True  # everything after a step that ran again runs again
                t0 = time.monotonic()
                progress(f"step {name}", 0, 1)
                try:
                    summary, status = step(progress), "done"
                except GoodfitError as exc:
                    summary, status = f"skipped: {exc.message}", "skipped"
                progress(f"step {name}", 1, 1)
                outcome = StepOutcome(name, status, summary, round(time.monotonic() - t0, 2))
                done[name] = {**asdict(outcome),
                              "finished_at": datetime.now(UTC).replace(tzinfo=None)}
                self._save_record(record)
            outcomes.append(outcome)
            if on_step is not None:
                on_step(outcome)
        return outcomes

    def _steps(self) -> list[tuple[str, Callable[[Progress], str]]]:
        def tone(progress: Progress) -> str:
            found = self._text.analyze_tone(progress)
            return (f"{found.flagged:,} of {found.messages:,} customer messages flagged, "
                    f"{found.abusive:,} abusive toward staff")

        def resolution(progress: Progress) -> str:
            model = self._text.train_resolution(progress=progress)
            applied = self._text.apply_resolution(progress=progress)
            return (f"model macro-F1 {model.evaluation.macro_f1:.2f} (baseline "
                    f"{model.evaluation.baseline_macro_f1:.2f}); {applied.given:,} coded, "
                    f"{applied.predicted:,} labelled, {applied.unknown:,} left unknown")

        def kb(progress: Progress) -> str:
            matches = self._text.match_kb(progress=progress)
            return (f"{matches.answerable:,} of {matches.tickets:,} tickets answerable from "
                    "the knowledge base")

        def topics(progress: Progress) -> str:
            result = self._text.topics(progress=progress)
            top = result.topics[0].label if result.topics else "none"
            return f"{len(result.topics)} recurring topics; costliest: {top}"

        def score(progress: Progress) -> str:
            run = self._scoring.score(label="analyze", progress=progress)
            info = run.snapshot
            assert info is not None  # score always stores its run
            segments = ", ".join(f"{n:,} {name}" for name, n in sorted(info.segments.items()))
            return f"snapshot {info.id}: {segments}"

        def report(progress: Progress) -> str:
            return str(self._reports.write(progress=progress))

        steps = (tone, resolution, kb, topics, score, report)
        return list(zip(STEPS, steps, strict=True))
