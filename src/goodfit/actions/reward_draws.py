"""Plan → commit → draw → verify → export, recorded in the state DB and the audit log.

Each step works on the draw saved by the one before it (by id), never on a fresh
computation: what was committed is what is drawn, what was drawn is what is exported.
Public artefacts live in PROJECT/rewards/<draw-id>/:

- plan.json          who is eligible, the near-misses and why (written by plan)
- eligible.txt       the committed list (commit)
- commitment.json    list and seed hashes, number of winners (commit)
- reveal.json        the seed and the winners (draw)
- credits.csv        generic credit lines for billing (export)
- whmcs_credits.csv  the same as WHMCS AddCredit fields (export)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from goodfit.actions import audit, cases, draw, templates
from goodfit.actions.context import ActionContext
from goodfit.actions.drafts import EmailDraft
from goodfit.actions.rewards import RewardPlan
from goodfit.actions.users import require_user
from goodfit.csvsafe import dict_csv
from goodfit.errors import ActionError, IllegalTransition
from goodfit.state.rewards import RewardDrawRow
from goodfit.window import months_before

MOVES = {"planned": ["commit"], "committed": ["draw"], "drawn": ["export", "verify"]}
CREDIT_COLUMNS = ("customer_id", "amount", "currency", "description", "reference")
WHMCS_COLUMNS = ("clientid", "description", "amount", "date")


@dataclass(frozen=True)
class DrawRecord:
    id: int
    state: str
    as_of: str
    eligible_count: int
    winners_wanted: int
    list_sha256: str | None
    seed_sha256: str | None
    seed: str | None  # only once revealed
    winners: tuple[str, ...]
    directory: str  # relative to the project folder
    created_at: str
    committed_at: str | None
    drawn_at: str | None
    exported_at: str | None
    verified_at: str | None
    verified_ok: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Export:
    draw_id: int
    credits_csv: str
    whmcs_csv: str
    case_ids: tuple[int, ...]
    total: Decimal
    currency: str
    skipped: tuple[str, ...]  # winners without an e-mail address (credit still exported)

    def to_dict(self) -> dict[str, Any]:
        return {"draw_id": self.draw_id, "credits_csv": self.credits_csv,
                "whmcs_csv": self.whmcs_csv, "case_ids": list(self.case_ids),
                "total": str(self.total), "currency": self.currency,
                "skipped": list(self.skipped)}


def draw_dir(root: Path, draw_id: int) -> Path:
    return root / "rewards" / str(draw_id)


def _view(row: RewardDrawRow) -> DrawRecord:
    return DrawRecord(row.id, row.state, row.as_of, row.eligible_count, row.winners_wanted,
                      row.list_sha256, row.seed_sha256, row.seed if row.state == "drawn" else None,
                      tuple(json.loads(row.winners or "[]")), f"rewards/{row.id}",
                      row.created_at, row.committed_at, row.drawn_at, row.exported_at,
                      row.verified_at, row.verified_ok)


def _load(session: Any, draw_id: int, expected: str, action: str) -> RewardDrawRow:
    row = session.get(RewardDrawRow, draw_id, with_for_update=True)
    if row is None:
        raise ActionError(f"no reward draw {draw_id}. Plan one with: goodfit rewards plan")
    if row.state != expected:
        raise IllegalTransition(f"reward draw {draw_id}", row.state, action,
                                MOVES.get(row.state, []))
    return row


def save_plan(ctx: ActionContext, plan: RewardPlan, actor: str | None = None) -> DrawRecord:
    """Record a plan (state ``planned``) and write plan.json."""
    now = audit.now_iso()
    body = plan.to_dict()
    with ctx.db.session() as session:
        row = RewardDrawRow(state="planned", as_of=plan.as_of.isoformat(), created_at=now,
                            created_by=actor, config_hash=ctx.config.hash(),
                            rules=audit.canonical_json(body["rules"]),
                            plan=audit.canonical_json(body),
                            eligible_count=len(plan.eligible), winners_wanted=plan.winners)
        session.add(row)
        session.flush()
        d = draw_dir(ctx.root, row.id)
        d.mkdir(parents=True, exist_ok=True)
        # plan.json is for people to read; contact addresses stay in the state DB.
        public = {**body, **{k: [{f: v for f, v in c.items() if f != "email"} for c in body[k]]
                             for k in ("eligible", "near_misses")}}
        (d / "plan.json").write_text(json.dumps({"draw_id": row.id, **public}, indent=2,
                                                ensure_ascii=False) + "\n", encoding="utf-8")
        audit.append_in(session, "rewards_planned", actor=actor, data={
            "draw_id": row.id, "eligible": len(plan.eligible), "winners": plan.winners,
            "near_misses": len(plan.near_misses), "config_hash": row.config_hash})
        return _view(row)


def commit(ctx: ActionContext, draw_id: int, actor: str) -> DrawRecord:
    """Publish the eligible list and the seed's hash; keep the seed secret until the draw."""
    with ctx.db.session() as session:
        require_user(session, actor)
        row = _load(session, draw_id, "planned", "commit")
        if row.winners_wanted < 1:
            raise ActionError(f"reward draw {draw_id} has nobody to draw "
                              f"({row.eligible_count} eligible within the budget)")
        ids = [c["customer_id"] for c in json.loads(row.plan)["eligible"]]
        now = audit.now_iso()
        c, seed = draw.commit(draw_dir(ctx.root, draw_id), draw_id, ids, row.winners_wanted,
                              now)
        row.state, row.list_sha256, row.seed_sha256, row.seed = (
            "committed", c.list_sha256, c.seed_sha256, seed)
        row.committed_at, row.committed_by = now, actor
        audit.append_in(session, "rewards_committed", actor=actor, data={
            "draw_id": draw_id, "list_sha256": c.list_sha256, "seed_sha256": c.seed_sha256,
            "eligible": c.eligible, "winners": c.winners})
        return _view(row)


def run_draw(ctx: ActionContext, draw_id: int, actor: str) -> DrawRecord:
    """Reveal the seed and draw the winners from seed + committed list."""
    with ctx.db.session() as session:
        require_user(session, actor)
        row = _load(session, draw_id, "committed", "draw")
        now = audit.now_iso()
        assert row.seed is not None  # set by commit
        winners = draw.reveal(draw_dir(ctx.root, draw_id), row.seed, now)
        row.state, row.winners, row.drawn_at, row.drawn_by = (
            "drawn", json.dumps(winners), now, actor)
        audit.append_in(session, "rewards_drawn", actor=actor, data={
            "draw_id": draw_id, "seed": row.seed, "winners": winners})
        for cid in winners:
            audit.append_in(session, "reward_won", actor=actor, customer_id=cid,
                            data={"draw_id": draw_id})
        record = _view(row)
    cases.anchor(ctx)  # the draw is committed: anchor the audit head
    return record


def verify_recorded(ctx: ActionContext, draw_id: int, actor: str | None = None
                    ) -> draw.Verification:
    """Verify the published files, and that they are the ones this project recorded.

    The files alone prove the winners follow from list and seed; the state DB (and the
    audit log) prove the files were not swapped for another list, seed and winners. The
    outcome is recorded on the draw and in the audit log.
    """
    v = draw.verify(draw_dir(ctx.root, draw_id))
    rec = get_draw(ctx, draw_id)
    problems = list(v.problems)
    if rec.state != "drawn":
        problems.append(f"draw {draw_id} is {rec.state}, not drawn yet")
    else:
        if rec.list_sha256 != v.list_sha256:
            problems.append("eligible.txt is not the list this project committed")
        if rec.seed_sha256 != v.seed_sha256:
            problems.append("the revealed seed is not the one this project committed")
        if list(rec.winners) != list(v.winners):
            problems.append(f"the recorded winners {list(rec.winners)} differ from the "
                            f"published ones")
    result = draw.Verification(not problems, tuple(problems), v.winners, v.list_sha256,
                               v.seed_sha256)
    with ctx.db.session() as session:
        row = session.get(RewardDrawRow, draw_id)
        assert row is not None
        row.verified_at, row.verified_ok = audit.now_iso(), result.ok
        audit.append_in(session, "rewards_verified", actor=actor, data={
            "draw_id": draw_id, "ok": result.ok, "problems": list(problems)})
    return result


def recent_winners(ctx: ActionContext, as_of: datetime, months: int) -> set[str]:
    """Winners of draws whose as-of date is within ``months`` before ``as_of`` (or later)."""
    if months <= 0:
        return set()
    since = months_before(as_of, months)
    with ctx.db.session() as session:
        rows = session.execute(select(RewardDrawRow).where(RewardDrawRow.state == "drawn"))
        return {w for r in rows.scalars() if datetime.fromisoformat(r.as_of) > since
                for w in json.loads(r.winners or "[]")}


def get_draw(ctx: ActionContext, draw_id: int) -> DrawRecord:
    with ctx.db.session() as session:
        row = session.get(RewardDrawRow, draw_id)
        if row is None:
            raise ActionError(f"no reward draw {draw_id}. Plan one with: goodfit rewards plan")
        return _view(row)


def list_draws(ctx: ActionContext) -> list[DrawRecord]:
    with ctx.db.session() as session:
        rows = session.execute(select(RewardDrawRow).order_by(RewardDrawRow.id)).scalars()
        return [_view(r) for r in rows]


def export(ctx: ActionContext, draw_id: int, actor: str) -> Export:
    """Credit lines for billing, and one reward case per winner with its e-mail drafted."""
    with ctx.db.session() as session:
        require_user(session, actor)
        row = _load(session, draw_id, "drawn", "export")
        if row.exported_at:
            raise ActionError(f"reward draw {draw_id} was already exported at "
                              f"{row.exported_at}; its cases are in goodfit cases list")
        plan = json.loads(row.plan)
        winners = json.loads(row.winners or "[]")
    by_id = {c["customer_id"]: c for c in plan["eligible"]}
    currency = plan["currency"]
    description = plan["rules"]["description"]
    d = draw_dir(ctx.root, draw_id)
    day = ctx.today().isoformat()
    lines = [{"customer_id": cid, "amount": by_id[cid]["reward"], "currency": currency,
              "description": description, "reference": f"goodfit-reward-{draw_id}-{cid}"}
             for cid in winners]
    (d / "credits.csv").write_text(_csv(CREDIT_COLUMNS, lines), encoding="utf-8")
    whmcs = [{"clientid": x["customer_id"], "description": f"{description} ({x['reference']})",
              "amount": x["amount"], "date": day} for x in lines]
    (d / "whmcs_credits.csv").write_text(_csv(WHMCS_COLUMNS, whmcs), encoding="utf-8")
    rel = f"rewards/{draw_id}"
    case_ids, skipped = [], []
    for x in lines:
        cand = by_id[x["customer_id"]]
        steps: list[cases.StepSpec] = []
        if cand.get("email"):
            steps.append(cases.StepSpec(kind="email", title="Congratulate the winner",
                                        drafts=(congratulation(ctx, plan, draw_id, row, cand),)))
        else:
            skipped.append(x["customer_id"])
        steps += [cases.StepSpec(kind="credit", title=f"Credit {x['amount']} {currency}",
                                 files=(f"{rel}/credits.csv", f"{rel}/whmcs_credits.csv"),
                                 payload={"credit": x}),
                  cases.StepSpec(kind="close", title="Close")]
        case = cases.open_case(ctx, kind="reward", customer_id=x["customer_id"],
                               title=f"Reward draw {draw_id}: {description}", actor=actor,
                               steps=steps, data={"draw_id": draw_id, "credit": x})
        case_ids.append(case.id)
    with ctx.db.session() as session:
        done = session.get(RewardDrawRow, draw_id)
        assert done is not None
        done.exported_at = audit.now_iso()
        audit.append_in(session, "export", actor=actor, data={
            "draw_id": draw_id, "what": "reward credits",
            "files": [{"path": f"{rel}/{n}", "sha256": cases.file_digest(ctx.root, f"{rel}/{n}")}
                      for n in ("credits.csv", "whmcs_credits.csv")],
            "cases": case_ids})
    total = sum((Decimal(x["amount"]) for x in lines), Decimal(0))
    return Export(draw_id, f"{rel}/credits.csv", f"{rel}/whmcs_credits.csv", tuple(case_ids),
                  total, currency, tuple(skipped))


def congratulation(ctx: ActionContext, plan: dict[str, Any], draw_id: int, row: RewardDrawRow,
                   cand: dict[str, Any]) -> EmailDraft:
    templates.ensure_defaults(ctx.root, "rewards")
    subject, body = templates.render_email(
        ctx.root, "rewards", ctx.config.rewards.template,
        provider=ctx.config.project.name, customer_name=cand["name"] or cand["customer_id"],
        customer_id=cand["customer_id"], amount=cand["reward"], currency=plan["currency"],
        description=plan["rules"]["description"], draw_id=draw_id,
        eligible=row.eligible_count, list_sha256=row.list_sha256)
    return EmailDraft(customer_id=cand["customer_id"], to=cand["email"], subject=subject,
                      body=body, kind="reward",
                      headers={"X-Goodfit-Draw": str(draw_id)})


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    return dict_csv(columns, ({k: str(v) for k, v in r.items()} for r in rows))
