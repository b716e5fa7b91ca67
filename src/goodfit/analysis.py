"""``goodfit analyze``: every derived step, in dependency order, resumable step by step.

tone → resolution codes → knowledge base → topics → fit scores (a stored run) → report.

Each finished step is recorded in ``analysis.json`` in the project folder with the data
and configuration it ran on. A rerun skips a step recorded for the same data and
configuration — so an analysis killed half-way resumes where it stopped — unless an earlier
step ran again (its outputs changed), ``force`` is given, or ``start`` names it.

On a DuckDB warehouse on Linux each step runs in a forked child process of its own (see
``_can_fork`` for when it cannot), so the memory a step used is given back to the system
when it ends: the analysis needs as much memory as its largest step, not the sum of what
every step left behind (at 100k customers: 4.8 GB in one process). This process keeps
the project's writer lock throughout, so no other command writes between two steps; the
child opens the warehouse file while this one has it closed (DuckDB lets one process at
a time write a file).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from goodfit.errors import GoodfitError, InvalidChoice, StepStopped
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
                summary, status = self._run_step(name, step, progress)
                progress(f"step {name}", 1, 1)
                outcome = StepOutcome(name, status, summary, round(time.monotonic() - t0, 2))
                done[name] = {**asdict(outcome),
                              "finished_at": datetime.now(UTC).replace(tzinfo=None)}
                self._save_record(record)
            outcomes.append(outcome)
            if on_step is not None:
                on_step(outcome)
        return outcomes

    def _run_step(self, name: str, step: Callable[[Progress], str],
                  progress: Progress) -> tuple[str, str]:
        """(summary, status) of one step, run in a child process when the warehouse can
        be lent to one (see the module docstring), else here."""
        wh = self._ws.warehouse
        if _can_fork() and wh.backend == "duckdb":
            # taken at the first step that runs (a rerun that resumes every step stays a
            # reader) and held to the end: the steps' children write under it
            wh.become_writer()
        if not (_can_fork() and wh.can_lend_file()):
            return _step_outcome(step, progress)
        self._ws.close_state()  # the child opens its own connections
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        with wh.lent_file():
            child = ctx.Process(target=self._child, args=(step, send), name=f"goodfit {name}")
            child.start()
            send.close()
            message: tuple[Any, ...] | None = None
            try:
                while message is None:
                    try:
                        got = receive.recv()
                    except EOFError:  # the child ended without a word: killed
                        break
                    if got[0] == "progress":
                        progress(*got[1:])
                    else:
                        message = got
            finally:
                receive.close()
                if message is None and child.is_alive():  # we were interrupted
                    child.terminate()
                child.join()
        if message is None:
            code = child.exitcode or 0
            how = (f"was killed by {signal.Signals(-code).name}" if code < 0
                   else f"exited with status {code}")
            raise StepStopped(name, how)
        if message[0] == "failed":  # a bug: shown with the child's traceback
            raise RuntimeError(f"step {name} failed in its process:\n{message[1]}")
        return message[1], message[0]

    def _child(self, step: Callable[[Progress], str],
               send: multiprocessing.connection.Connection) -> None:
        """The child's side of ``_run_step``: open the lent file, run, report, close."""
        _die_with_parent()
        wh = self._ws.warehouse
        wh.take_lent_file()

        def progress(stage: str, done: int, total: int | None = None) -> None:
            send.send(("progress", stage, done, total))

        try:
            summary, status = _step_outcome(step, progress)
            message: tuple[str, str] = (status, summary)
        except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
            message = ("failed", traceback.format_exc())
        finally:
            self._ws.close_state()
            wh.give_back_file()
        send.send(message)
        send.close()

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


# Native runtimes whose worker threads do not survive a fork: a child of a process that
# started one hangs when it uses it (the chart renderer's JavaScript engine; OpenMP, which
# scikit-learn's k-means uses). `goodfit analyze` never loads them before its steps; a
# long-lived process that has (a notebook, a test run) gets its steps run in itself.
_FORK_UNSAFE_MODULES = ("vl_convert", "sklearn")


def _can_fork() -> bool:
    """Whether a step may run in a forked child: Linux (elsewhere forking a process with
    threads is unsafe or unavailable) and none of the runtimes above started here."""
    return sys.platform == "linux" and not any(m in sys.modules for m in _FORK_UNSAFE_MODULES)


def _step_outcome(step: Callable[[Progress], str], progress: Progress) -> tuple[str, str]:
    """(summary, status): a step that cannot run on this data is skipped, not fatal."""
    try:
        return step(progress), "done"
    except GoodfitError as exc:
        return f"skipped: {exc.message}", "skipped"


def _die_with_parent() -> None:
    """Ask Linux to kill this child when its parent dies, so a killed ``goodfit analyze``
    leaves no step running on (and writing) behind it."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
