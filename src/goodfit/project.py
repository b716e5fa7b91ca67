"""The one facade: every use case of goodfit is a method on ``Project``.

The command line and the web app only translate input and render what these methods
return. Nothing here prints or exits; problems are ``goodfit.errors`` exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis

from goodfit import metrics
from goodfit.config import (
    CONFIG_FILE,
    Config,
    ConnectorSettings,
    default_config_text,
    load_config,
)
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
from goodfit.text.tone import ToneResult, score_tone_batch
from goodfit.text.tone_table import MESSAGE_TONE, ToneAnalysis, analyze_tone
from goodfit.warehouse import Warehouse

if TYPE_CHECKING:  # text models pull in scikit-learn: imported when first used
    from decimal import Decimal

    from goodfit.actions.audit import AuditEvent, Verification
    from goodfit.actions.cases import Case, Execution
    from goodfit.actions.context import ActionContext
    from goodfit.actions.draw import Verification as DrawVerification
    from goodfit.actions.education import Digest
    from goodfit.actions.outbox import Message, SendReport
    from goodfit.actions.reward_draws import DrawRecord, Export
    from goodfit.actions.rewards import RewardPlan
    from goodfit.actions.users import UserView
    from goodfit.actions.whatif import PriceChange, WhatIf
    from goodfit.text.kb import KbMatches
    from goodfit.text.pipeline import CustomerKb, ResolutionApplied
    from goodfit.text.resolution import Evaluation, ResolutionModel
    from goodfit.text.topics import TopicsResult


DEMO_MARKER = ".goodfit-demo"
When = date | datetime | str | None  # a date means the whole day (see Window.resolve)


def _require_connectors_extra() -> None:
    """Connectors need HTTP libraries the base install leaves out: say so, not a traceback."""
    import importlib.util

    from goodfit.errors import ConfigError

    missing = [m for m in ("httpx", "tenacity") if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(f"connectors need {', '.join(missing)}, which the base install "
                          "leaves out: pip install 'goodfit[connectors]'")


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
        project.close()  # and lets go of the writer lock (reopened on first use)
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

    # Who is writing, for the "project busy" message another writer sees, and where the
    # wait for the writer lock is reported (the CLI sets both).
    activity: str = "goodfit (python)"
    busy_progress: Progress = NO_PROGRESS

    @cached_property
    def warehouse(self) -> Warehouse:
        """Read access to the last committed state; becomes the project's one writer on
        the first write (docs/architecture.md, "Many users, one project")."""
        w = self.config.warehouse
        return Warehouse.connect(w.url, self.root, memory_limit=w.memory_limit, access="read",
                                 activity=self.activity, busy_timeout=w.busy_timeout_seconds,
                                 progress=self.busy_progress)

    @cached_property
    def state(self) -> StateDB:
        """The state DB (snapshots, cases, outbox, audit), migrated to the newest schema."""
        return StateDB.open(self.config.state.url, self.root,
                            busy_timeout=self.config.warehouse.busy_timeout_seconds)

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
        result = import_file(self.warehouse, self.config, table, Path(file),
                             mapping=mapping or {}, strict=strict,
                             quarantine_dir=self.quarantine_dir, progress=progress)
        self._audit_imports([result])
        return result

    def import_directory(self, directory: str | Path, *, strict: bool | None = None,
                         progress: Progress = NO_PROGRESS) -> list[ImportResult]:
        """Import every file in a folder whose name names a table, parents first."""
        results = import_directory(self.warehouse, self.config, Path(directory), strict=strict,
                                   quarantine_dir=self.quarantine_dir, progress=progress)
        self._audit_imports(results)
        return results

    def _audit_imports(self, results: list[ImportResult]) -> None:
        """Every import joins the hash-chained audit log (the data landed before this)."""
        for r in results:
            self.audit("import", data={
                "import_id": r.import_id, "table": r.table, "file": Path(r.file).name,
                "file_hash": r.file_hash, "rows_read": r.rows_read, "inserted": r.inserted,
                "updated": r.updated, "unchanged": r.unchanged, "rejected": r.rejected})

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

    def train_resolution(self, progress: Progress = NO_PROGRESS) -> ResolutionModel:
        """Learn resolution codes from coded tickets; saved under models/resolution/."""
        from goodfit.text import pipeline as text_pipeline

        return text_pipeline.train(self.warehouse, self.config, self.root, progress)

    def evaluate_resolution(self, progress: Progress = NO_PROGRESS) -> Evaluation:
        """Cross-validated macro-F1 and per-code precision/recall vs the baselines."""
        from goodfit.text import pipeline as text_pipeline

        return text_pipeline.evaluate(self.warehouse, self.config, progress)

    def apply_resolution(self, progress: Progress = NO_PROGRESS) -> ResolutionApplied:
        """Label uncoded tickets (or 'unknown'); writes the ticket_resolution table."""
        from goodfit.text import pipeline as text_pipeline

        return text_pipeline.apply(self.warehouse, self.config, self.root, progress)

    def resolution_model(self) -> ResolutionModel:
        from goodfit.text import pipeline as text_pipeline

        return text_pipeline.load_resolution_model(self.root)

    def match_kb(self, progress: Progress = NO_PROGRESS) -> KbMatches:
        """Top-3 knowledge-base articles per ticket; writes the ticket_kb_match table."""
        from goodfit.text import pipeline as text_pipeline

        return text_pipeline.match_kb(self.warehouse, self.config, progress)

    def kb_customer(self, customer_id: str) -> CustomerKb:
        """Share of a customer's tickets the docs answer, and which articles."""
        from goodfit.text import pipeline as text_pipeline

        return text_pipeline.customer_kb(self.warehouse, customer_id)

    def topics(self, progress: Progress = NO_PROGRESS) -> TopicsResult:
        """Recurring topics ranked by staff minutes; writes topics and ticket_topic."""
        from goodfit.text import pipeline as text_pipeline

        return text_pipeline.topics(self.warehouse, self.config, progress)


    # -- scoring, snapshots, report -------------------------------------------
    def _scoring_inputs(self, as_of: datetime | None = None, since: datetime | None = None,
                        until: datetime | None = None) -> tuple[ScoringInputs, datetime]:
        """Canonical tables, the metrics scorecard for the window and the text tables."""
        from goodfit.metrics.window import Window

        wh = self.warehouse
        tables = wh.tables()
        window = Window.resolve(tables, as_of=as_of, since=since, until=until)
        card = self.scorecard(
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
        from goodfit.actions import audit

        run = run or self.score()
        info = save_snapshot(self.state, run.scorecard, run.result,
                             config_hash=self.config.hash(), as_of=run.as_of, since=run.since,
                             until=run.until, label=label)
        audit.append(self.state, "snapshot", data={
            "snapshot_id": info.id, "label": info.label, "config_hash": info.config_hash,
            "since": str(info.since), "until": str(info.until), "customers": info.customers,
            "segments": info.segments})
        return info

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

    def report(self, out: str | Path | None = None, *, run: ScoringRun | None = None,
               progress: Progress = NO_PROGRESS) -> Path:
        """Write the single-file HTML report (from ``run``, else a fresh scoring); its path."""
        from goodfit.report.data import EVIDENCE_SHOWN, build_report, resolution_mix
        from goodfit.report.html import write_report
        from goodfit.scoring.explain import describe_rows

        run = run or self.score(progress=progress)
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
    def actions_context(self) -> ActionContext:
        """State DB, config, folder and (opened on first use) warehouse, for action modules."""
        from goodfit.actions.context import ActionContext

        return ActionContext(self.state, self.config, self.root,
                             load_warehouse=lambda: self.warehouse)

    def add_user(self, name: str, role: str, *, actor: str | None = None) -> UserView:
        """Add a person (owner, manager, agent); the first must be an owner."""
        from goodfit.actions.users import add_user

        return add_user(self.state, name, role, actor=actor)

    def users(self) -> list[UserView]:
        from goodfit.actions.users import list_users

        return list_users(self.state)

    def cases(self, *, state: str | None = None, kind: str | None = None,
              customer_id: str | None = None) -> list[Case]:
        from goodfit.actions.cases import list_cases

        return list_cases(self.state, state=state, kind=kind, customer_id=customer_id)

    def case(self, case_id: int) -> Case:
        from goodfit.actions.cases import get_case

        return get_case(self.state, case_id)

    def approve_case(self, case_id: int, actor: str, *, step: int | None = None,
                     override_reason: str | None = None) -> Case:
        from goodfit.actions.cases import approve

        return approve(self.actions_context(), case_id, actor, step=step,
                       override_reason=override_reason)

    def execute_case(self, case_id: int, actor: str, *, step: int | None = None,
                     dry_run: bool = False) -> Execution:
        from goodfit.actions.cases import execute

        return execute(self.actions_context(), case_id, actor, step=step, dry_run=dry_run)

    def cancel_case(self, case_id: int, actor: str, reason: str) -> Case:
        from goodfit.actions.cases import cancel

        return cancel(self.actions_context(), case_id, actor, reason)

    def close_case(self, case_id: int, actor: str) -> Case:
        from goodfit.actions.cases import close

        return close(self.actions_context(), case_id, actor)

    def offboard(self, customer_id: str, *, reason: str, actor: str,
                 notice_date: date | None = None) -> Case:
        """Draft a courteous offboarding case for an organisation (nothing is sent yet)."""
        from goodfit.actions.offboarding import start

        return start(self.actions_context(), customer_id, reason=reason, actor=actor,
                     notice_date=notice_date)

    def log_call(self, case_id: int, *, outcome: str, notes: str, actor: str) -> Case:
        from goodfit.actions.offboarding import log_call

        return log_call(self.actions_context(), case_id, outcome=outcome, notes=notes,
                        actor=actor)

    def outbox(self, *, state: str | None = None, case_id: int | None = None) -> list[Message]:
        from goodfit.actions.outbox import list_messages

        return list_messages(self.state, state=state, case_id=case_id)

    def outbox_message(self, message: int) -> tuple[Message, str]:
        """A stored message and its complete raw text (RFC 5322)."""
        from goodfit.actions.outbox import get_message, raw_message

        return get_message(self.state, message), raw_message(self.state, message)

    def send_outbox(self, *, actor: str | None, dry_run: bool = False) -> SendReport:
        from goodfit.actions.outbox import send

        return send(self.actions_context(), dry_run=dry_run, actor=actor)

    def confirm_message(self, message: int, *, sent: bool, actor: str) -> Message:
        from goodfit.actions.outbox import confirm

        return confirm(self.actions_context(), message, sent=sent, actor=actor)

    def retry_message(self, message: int, *, actor: str) -> Message:
        from goodfit.actions.outbox import retry

        return retry(self.actions_context(), message, actor=actor)

    def audit(self, kind: str, *, actor: str | None = None, customer_id: str | None = None,
              case_id: int | None = None, data: dict[str, Any] | None = None) -> AuditEvent:
        """Append one event to the hash-chained audit log."""
        from goodfit.actions.audit import append

        return append(self.state, kind, actor=actor, customer_id=customer_id, case_id=case_id,
                      data=data)

    def verify_audit(self, expect_head: str | None = None) -> Verification:
        from goodfit.actions.audit import verify

        return verify(self.state, expect_head)

    def audit_events(self, *, customer_id: str | None = None, case_id: int | None = None,
                     kind: str | None = None) -> list[AuditEvent]:
        from goodfit.actions.audit import events

        return events(self.state, customer_id=customer_id, case_id=case_id, kind=kind)

    def rewards_plan(self, *, as_of: datetime | None = None, save: bool = True,
                     actor: str | None = None) -> tuple[RewardPlan, DrawRecord | None]:
        """Who is eligible for a reward (and the near-misses); saved as a draw to commit."""
        from goodfit.actions import reward_draws, rewards

        tables = self.warehouse.tables()
        as_of = as_of or rewards.newest_timestamp(tables)
        idle, source = self._idle_customers(as_of)
        recent = reward_draws.recent_winners(self.actions_context(), as_of,
                                             self.config.rewards.exclude_recent_winners_months)
        result = rewards.plan(tables, self.config, as_of=as_of, idle=idle, idle_source=source,
                              recent_winners=recent)
        record = reward_draws.save_plan(self.actions_context(), result, actor) if save else None
        return result, record

    def _idle_customers(self, as_of: datetime) -> tuple[set[str], str]:
        """Customers the scoring ``idle`` flag names: from the last ``goodfit score`` when
        there is one, else computed now with the same rule over the rewards window."""
        from goodfit.actions.rewards import minus_months
        from goodfit.scoring.flags_billing import idle

        wh = self.warehouse
        if wh.has_table("flags"):
            f = wh.table("flags")
            rows = f.filter(f.code == "idle").select("customer_id").to_pyarrow().to_pylist()
            return {str(r["customer_id"]) for r in rows}, "flags table"
        since = minus_months(as_of, self.config.rewards.window_months)
        inp, _ = self._scoring_inputs(as_of=as_of, since=since, until=as_of)
        return {f.customer_id for f in idle(inp, self.config.flags.idle)}, "computed"

    def rewards_commit(self, draw_id: int, actor: str) -> DrawRecord:
        """Publish the eligible list and the hash of a secret seed (PROJECT/rewards/<id>/)."""
        from goodfit.actions import reward_draws

        return reward_draws.commit(self.actions_context(), draw_id, actor)

    def rewards_draw(self, draw_id: int, actor: str) -> DrawRecord:
        """Reveal the seed and draw the winners from seed + committed list."""
        from goodfit.actions import reward_draws

        return reward_draws.run_draw(self.actions_context(), draw_id, actor)

    def rewards_verify(self, draw_id: int | None = None, *, directory: Path | None = None,
                       actor: str | None = None) -> DrawVerification:
        """Recompute a draw's winners from its published files alone.

        With a draw id, also check the files are the ones this project recorded, and
        record the outcome (state DB and audit log).
        """
        from goodfit.actions import draw, reward_draws

        if directory is not None:
            return draw.verify(directory)
        if draw_id is None:
            raise ValueError("give a draw id or a directory")
        return reward_draws.verify_recorded(self.actions_context(), draw_id, actor)

    def rewards_export(self, draw_id: int, actor: str) -> Export:
        """Credit lines for billing and a reward case (congratulation e-mail) per winner."""
        from goodfit.actions import reward_draws

        return reward_draws.export(self.actions_context(), draw_id, actor)

    def rewards_draws(self) -> list[DrawRecord]:
        from goodfit.actions import reward_draws

        return reward_draws.list_draws(self.actions_context())

    def whatif(self, *, fees: dict[str, Decimal] | None = None,
               prices: list[PriceChange] | None = None, churn: float | None = None,
               behaviour_change: float | None = None, as_of: datetime | None = None
               ) -> WhatIf:
        """Revenue and profit per customer if these fees and prices applied. Read-only."""
        from goodfit.actions import rewards, whatif

        w = self.config.whatif
        tables = self.warehouse.tables()
        until = as_of or rewards.newest_timestamp(tables)
        since = rewards.minus_months(until, 12)
        card = self.scorecard(as_of=until, since=since, until=until)
        a = whatif.Assumptions(churn=w.churn if churn is None else churn,
                               behaviour_change=(w.behaviour_change if behaviour_change is None
                                                 else behaviour_change))
        result = whatif.whatif(card, tables["orders"], tables["services"],
                               fees if fees is not None else dict(w.fees), prices or [], a,
                               since=since, until=until, currency=self.config.project.currency)
        return result

    def education_plan(self, *, as_of: datetime | None = None,
                       customer_ids: list[str] | None = None) -> list[Digest]:
        """Customers whose tickets the knowledge base answers, with the articles."""
        from goodfit.actions import education
        from goodfit.errors import MissingDerivedTable

        if not self.warehouse.has_table("ticket_kb_match"):
            raise MissingDerivedTable("ticket_kb_match", "goodfit kb match")
        return education.plan(self.warehouse.tables(), self.warehouse.table("ticket_kb_match"),
                              self.config, as_of=as_of, customer_ids=customer_ids)

    def education_draft(self, actor: str, *, as_of: datetime | None = None,
                        customer_ids: list[str] | None = None) -> list[Any]:
        """One education case per digest, its e-mail in the outbox awaiting approval."""
        from goodfit.actions import education

        digests = self.education_plan(as_of=as_of, customer_ids=customer_ids)
        return education.draft(self.actions_context(), digests, actor)

    # -- connectors ------------------------------------------------------------

    # -- everything at once -------------------------------------------------------
    def analyze(self, progress: Progress = NO_PROGRESS) -> list[tuple[str, str]]:
        """Run every derived step on the warehouse, in dependency order.

        Returns (step, one-line outcome) pairs. A step that cannot run on this data (say,
        too few coded tickets to learn from) is reported, not fatal: the others still run.
        """
        from goodfit.errors import GoodfitError

        outcomes: list[tuple[str, str]] = []
        for name, step in self._analysis_steps():
            try:
                outcomes.append((name, step(progress)))
            except GoodfitError as exc:
                outcomes.append((name, f"skipped: {exc.message}"))
        return outcomes

    def _analysis_steps(self) -> list[tuple[str, Callable[[Progress], str]]]:
        def tone(progress: Progress) -> str:
            found = self.analyze_tone(progress)
            return (f"{found.flagged:,} of {found.messages:,} customer messages flagged, "
                    f"{found.abusive:,} abusive toward staff")

        def resolution(progress: Progress) -> str:
            model = self.train_resolution(progress=progress)
            applied = self.apply_resolution(progress=progress)
            return (f"model macro-F1 {model.evaluation.macro_f1:.2f} (baseline "
                    f"{model.evaluation.baseline_macro_f1:.2f}); {applied.given:,} coded, "
                    f"{applied.predicted:,} labelled, {applied.unknown:,} left unknown")

        def kb(progress: Progress) -> str:
            matches = self.match_kb(progress=progress)
            return (f"{matches.answerable:,} of {matches.tickets:,} tickets answerable from "
                    "the knowledge base")

        def topics(progress: Progress) -> str:
            result = self.topics(progress=progress)
            top = result.topics[0].label if result.topics else "none"
            return f"{len(result.topics)} recurring topics; costliest: {top}"

        runs: list[ScoringRun] = []  # the report reuses the scoring step's run

        def score(progress: Progress) -> str:
            runs.append(self.score(progress=progress))
            info = self.snapshot(label="analyze", run=runs[-1])
            segments = ", ".join(f"{n:,} {name}" for name, n in sorted(info.segments.items()))
            return f"snapshot {info.id}: {segments}"

        def report(progress: Progress) -> str:
            return str(self.report(run=runs[-1] if runs else None, progress=progress))

        return [("tone", tone), ("resolution codes", resolution), ("knowledge base", kb),
                ("topics", topics), ("fit scores", score), ("report", report)]

    @classmethod
    def demo(cls, path: str | Path, *, customers: int = 1500, months: int = 24, seed: int = 42,
             progress: Progress = NO_PROGRESS) -> tuple[Project, list[ImportResult],
                                                       list[tuple[str, str]]]:
        """A project filled with a synthetic provider, imported and analysed end to end.

        The folder is created; a folder left by an earlier demo (it holds
        ``.goodfit-demo``) is replaced, anything else is refused.
        """
        import shutil

        from goodfit.errors import ProjectExists
        from goodfit.synth import generate

        root = Path(path).resolve()
        if root.exists() and any(root.iterdir()):
            if not (root / DEMO_MARKER).is_file():
                raise ProjectExists(root)
            shutil.rmtree(root)
        project = cls.init(root)
        (root / DEMO_MARKER).write_text("made by goodfit demo; safe to delete\n", encoding="utf-8")
        # Letters and e-mails are signed with the project name: make the demo's obvious.
        cfg = root / CONFIG_FILE
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(
            'name = "my provider"', 'name = "Example Hosting (synthetic demo)"', 1),
            encoding="utf-8")
        project.config = load_config(cfg)
        data = root / "synthetic-data"
        generate(data, customers=customers, months=months, seed=seed, progress=progress)
        results = project.import_directory(data, progress=progress)
        return project, results, project.analyze(progress=progress)
    def connect_add(self, name: str, type_: str, url: str = "",
                    options: Mapping[str, Any] | None = None) -> ConnectorSettings:
        """Add [connectors.NAME] to goodfit.toml (type, url, options; never credentials)."""
        _require_connectors_extra()
        from goodfit.connectors.setup import add_connector

        settings = add_connector(self.root / CONFIG_FILE, self.config.connectors, name, type_,
                                 url, dict(options or {}))
        self.config = load_config(self.root / CONFIG_FILE)
        return settings

    def connectors(self) -> list[dict[str, Any]]:
        """Configured connectors with where their last sync stands."""
        from goodfit.state.sync import SyncCursor, last_runs

        out = []
        with self.state.session() as s:
            for name, c in self.config.connectors.items():
                runs = last_runs(s, name, limit=1)
                cursor = s.get(SyncCursor, name)
                out.append({
                    "name": name, "type": c.type, "url": c.url, "options": c.options,
                    "last_sync": runs[0].started_at if runs else None,
                    "last_status": runs[0].status if runs else None,
                    "last_error": runs[0].error if runs else None,
                    "cursor_at": cursor.updated_at if cursor else None,
                })
        return out

    def sync(self, name: str | None = None, *, full: bool = False,
             secrets_file: str | Path | None = None, progress: Progress = NO_PROGRESS,
             policy: Any = None) -> list[Any]:
        """Fetch from one connector (or all), import through the file importer, then
        move the stored cursor. Returns one SyncResult per connector."""
        _require_connectors_extra()
        from goodfit.connectors.base import ConnectorContext
        from goodfit.connectors.credentials import load_credentials
        from goodfit.connectors.http import RetryPolicy
        from goodfit.connectors.sync import run_sync
        from goodfit.errors import UnknownConnector

        known = self.config.connectors
        if name is not None and name not in known:
            raise UnknownConnector(name, known)
        if not known:
            raise UnknownConnector(name or "(any)", known)
        results = []
        for cname in [name] if name else list(known):
            creds = load_credentials(cname, self.root,
                                     Path(secrets_file) if secrets_file else None)
            ctx = ConnectorContext(cname, known[cname], creds, policy or RetryPolicy())
            results.append(run_sync(
                ctx, state=self.state, staging_root=self.root / ".sync", full=full,
                import_file=lambda table, path: self.import_file(table, path, progress=progress),
                progress=progress))
        return results
