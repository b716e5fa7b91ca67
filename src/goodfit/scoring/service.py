"""The scoring capability for a project: flags, fit scores, segments, snapshots, risk.

Only ``score`` computes. It stores every run as a snapshot (scorecard, flags, scores,
window, config hash) and writes the warehouse tables ``flags`` and ``fit_scores``; every
other method reads a stored run — the newest, or the one named — and never writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from goodfit.progress import NO_PROGRESS, Progress
from goodfit.scoring.history import SnapshotDiff, SnapshotInfo, diff_snapshots, list_snapshots
from goodfit.scoring.stored import load_explanation, load_run

if TYPE_CHECKING:  # scoring pulls in pandas: loaded by the methods that compute
    from goodfit.metrics.concentration import Concentration
    from goodfit.metrics.service import Metrics
    from goodfit.scoring.browse import CustomerPage, CustomerQuery, PageMarks
    from goodfit.scoring.causes import Causes
    from goodfit.scoring.compare import Comparison
    from goodfit.scoring.explain import ScoringRun
    from goodfit.scoring.explanation import Explanation
    from goodfit.scoring.inputs import ScoringInputs
    from goodfit.scoring.risk import RiskReport
    from goodfit.window import Window
    from goodfit.workspace import When, Workspace

OnSnapshot = Callable[[SnapshotInfo], None]


def _nothing(info: SnapshotInfo) -> None:
    return None


class Scoring:
    def __init__(self, ws: Workspace, metrics: Metrics, on_snapshot: OnSnapshot = _nothing
                 ) -> None:
        self._ws = ws
        self._metrics = metrics
        self._on_snapshot = on_snapshot

    def inputs(self, window: Window) -> ScoringInputs:
        """Canonical tables, the metrics scorecard for the window and the text tables
        (lazy expressions: nothing is computed until a flag reads them)."""
        from goodfit.scoring.inputs import ScoringInputs

        wh = self._ws.warehouse
        text = {n: wh.table(n) for n in ("message_tone", "ticket_resolution", "ticket_kb_match")
                if wh.has_table(n)}
        return ScoringInputs(tables=self._metrics.tables(),
                             scorecard=self._metrics.scorecard(window=window),
                             since=window.since, until=window.until,
                             self_service=tuple(self._ws.config.costs.self_service_channels),
                             costs=self._ws.config.costs, **text)

    # -- the one computing method ------------------------------------------------
    def score(self, as_of: When = None, since: When = None, until: When = None, *,
              window: Window | None = None, label: str | None = None,
              progress: Progress = NO_PROGRESS) -> ScoringRun:
        """Flags, fit scores and segments for every customer, stored as a snapshot (its
        id is ``run.snapshot.id``) and written to the warehouse tables ``flags`` and
        ``fit_scores``."""
        from goodfit.scoring.explain import ScoringRun
        from goodfit.scoring.history import save_snapshot
        from goodfit.scoring.inputs import frame, scorecard_computed
        from goodfit.scoring.score import score_customers

        w = self._ws.window(as_of, since, until, window=window)
        progress("score", 0, 4)
        inp = self.inputs(w)
        with scorecard_computed(inp) as computed:
            card = frame(computed.scorecard)  # money as Ibis gives it, read faster
            progress("score", 1, 4)
            result = score_customers(computed, self._ws.config, as_of=w.as_of)
        progress("score", 2, 4)
        info = save_snapshot(self._ws.state, card, result, config_hash=self._ws.config.hash(),
                             as_of=w.as_of, since=w.since, until=w.until, label=label,
                             countries=self._metrics.country_of_customers())
        self._on_snapshot(info)
        progress("score", 3, 4)
        wh = self._ws.warehouse
        wh.write_tables({"flags": result.flags_table(), "fit_scores": result.scores_table()})
        progress("score", 4, 4)
        return ScoringRun(result, card, w.as_of, w.since, w.until, inp, wh.lookup,
                          snapshot=info)

    # -- reads ---------------------------------------------------------------------
    def run(self, snapshot: int | None = None) -> ScoringRun:
        """A stored run: snapshot ``snapshot``, or the newest. Raises NoScoringRun when
        nothing was ever scored (reads never compute)."""
        return load_run(self._ws.state, self.inputs, self._ws.warehouse.lookup, snapshot)

    def explain(self, customer_id: str, snapshot: int | None = None) -> Explanation:
        """A customer's score contributions, flags with evidence and segment reason, as
        the stored run has them (``explanation.snapshot`` says which)."""
        return load_explanation(self._ws.state, self._ws.warehouse.lookup, customer_id,
                                snapshot)

    def snapshots(self) -> list[SnapshotInfo]:
        return list_snapshots(self._ws.state)

    def diff(self, a: int, b: int) -> SnapshotDiff:
        """Who moved segment between snapshot a and snapshot b, and why."""
        return diff_snapshots(self._ws.state, a, b)

    def early_risk(self, snapshot: int | None = None, *, run: ScoringRun | None = None
                   ) -> RiskReport:
        """Early-life risk trained on this provider's history, labelled by the segments of
        a stored run (scikit-learn loads here, not when explaining)."""
        from goodfit.scoring.risk import early_risk

        run = run or self.run(snapshot)
        wh = self._ws.warehouse
        tone = wh.table("message_tone") if wh.has_table("message_tone") else None
        return early_risk(wh.tables(), run.result.scores[["customer_id", "segment"]],
                          self._ws.config.risk, run.as_of, tone,
                          self_service=self._ws.config.costs.self_service_channels)

    def compare(self, period: str = "quarter", as_of: When = None) -> Comparison:
        """This quarter against the last and the same quarter a year ago: per customer and
        in total, cost, profit, load, flags and segment (scored in memory, nothing
        written)."""
        from goodfit.errors import InvalidChoice
        from goodfit.scoring.compare import compare

        if period != "quarter":
            raise InvalidChoice("period", period, ["quarter"])
        return compare(self.inputs, self._ws.config, self._ws.window(as_of).as_of)

    # -- browsing stored snapshots a page at a time (the web app and its API) -------
    def latest_snapshot(self) -> SnapshotInfo | None:
        """The newest complete score snapshot, or None before the first ``score``."""
        from goodfit.scoring import browse

        return browse.latest(self._ws.state)

    def snapshot_overview(self, snapshot_id: int) -> dict[str, Any]:
        """Totals, segments, cost by part, flag counts and plans of a stored snapshot."""
        from goodfit.scoring import browse

        return browse.overview(self._ws.state, snapshot_id)

    def snapshot_customers(self, snapshot_id: int, query: CustomerQuery,
                           marks: PageMarks | None = None) -> CustomerPage:
        """One page of a snapshot's customers: filtered, sorted and paginated in SQL
        (with ``marks``, a reader's kept page openings: pages read by key, not OFFSET)."""
        from goodfit.scoring import browse

        return browse.customers(self._ws.state, snapshot_id, query, marks)

    def snapshot_customer(self, snapshot_id: int, customer_id: str) -> dict[str, Any]:
        """One customer of a snapshot with its flags and their evidence."""
        from goodfit.scoring import browse

        return browse.customer(self._ws.state, snapshot_id, customer_id)

    def snapshot_flag_codes(self, snapshot_id: int) -> list[str]:
        from goodfit.scoring import browse

        return browse.flag_codes(self._ws.state, snapshot_id)

    def snapshot_causes(self, snapshot_id: int) -> Causes:
        """Why tickets happen in a stored snapshot's window: resolution mix, costliest
        topics with their KB article, tickets the docs answer (read, never computed)."""
        from goodfit.scoring.browse import snapshot_info
        from goodfit.scoring.causes import causes

        info = snapshot_info(self._ws.state, snapshot_id)
        wh = self._ws.warehouse
        w = self._ws.window(info.as_of, info.since, info.until)
        text = {n: wh.table(n) for n in ("topics", "ticket_kb_match") if wh.has_table(n)}
        return causes(self.inputs(w), text, wh.table("kb_articles"))

    def snapshot_concentration(self, snapshot_id: int, by: str = "cost") -> Concentration:
        """Lorenz curve, Gini and top sets over a stored snapshot's rows (the metrics' one
        definition, not a second one)."""
        import ibis
        import pyarrow as pa

        from goodfit.errors import InvalidChoice
        from goodfit.metrics.concentration import LOADS, concentration
        from goodfit.scoring import browse

        if by not in LOADS:
            raise InvalidChoice("by", by, list(LOADS))
        rows = browse.load_rows(self._ws.state, snapshot_id)
        schema = pa.schema([("customer_id", pa.string()), ("name", pa.string()),
                            ("revenue", pa.float64()), ("tickets", pa.float64()),
                            ("support_minutes", pa.float64()), ("cost_to_serve", pa.float64())])
        return concentration(ibis.memtable(pa.Table.from_pylist(rows, schema=schema)), by)
