"""Rewards (plan, commit, draw, verify, export), fee/price what-ifs and education digests."""


from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable
from rich.text import Text

from goodfit.cli.app import JsonOption, ProjectOption, app, console, open_project, print_json
from goodfit.cli.options import AsOf, window_line
from goodfit.project import Project

rewards_app = typer.Typer(help="Reward time-efficient customers with a draw anyone can verify.",
                          no_args_is_help=True)
educate_app = typer.Typer(help="Send customers the articles that answer their questions.",
                          no_args_is_help=True)
app.add_typer(rewards_app, name="rewards")
app.add_typer(educate_app, name="educate")

AsUser = Annotated[str | None, typer.Option("--as", envvar="GOODFIT_USER",
                                            help="Who is acting (a goodfit user).")]
DrawId = Annotated[int, typer.Argument(help="Draw id (from goodfit rewards plan).")]


def _need(actor: str | None) -> str:
    if not actor:
        raise typer.BadParameter("say who is acting: --as USER (or set GOODFIT_USER)",
                                 param_hint="--as")
    return actor


# -- rewards --------------------------------------------------------------------------
@rewards_app.command("plan")
def rewards_plan(project: ProjectOption = Path("."), as_of: AsOf = None,
                 actor: AsUser = None, json_: JsonOption = False,
                 dry_run: Annotated[bool, typer.Option(
                     "--dry-run", help="Show the plan without saving it as a draw.")] = False
                 ) -> None:
    """Who is eligible for a reward, and why the near-misses are not. Saved as a draw."""
    with open_project(project) as p:
        plan, record = p.rewards_plan(as_of=as_of, save=not dry_run, actor=actor)
    if json_:
        print_json({"draw": record.to_dict() if record else None, **plan.to_dict()})
        return
    s = plan.settings
    console.print(Text(f"Reward plan as of {plan.as_of:%Y-%m-%d} (window from "
                       f"{plan.since:%Y-%m-%d}); facts from: {plan.idle_source}"))
    if plan.funnel:
        gate_table = RichTable(
            title="Gate funnel (customers passing this gate and every one before)")
        gate_table.add_column("gate")
        gate_table.add_column("customers", justify="right")
        for gate, count in plan.funnel:
            gate_table.add_row(gate.replace("_", " "), str(count))
        console.print(gate_table)
    t = RichTable(title=f"Eligible: {len(plan.eligible)}")
    for col in ("customer", "name", "tenure", f"spend/month ({plan.currency})", "reward"):
        t.add_column(col)
    for c in plan.eligible:
        t.add_row(Text(c.customer_id), Text(c.name), f"{c.tenure_months} mo",
                  str(c.monthly_spend), str(c.reward))
    console.print(t)
    if plan.near_misses:
        n = RichTable(title=f"Near-misses (fail one rule): {len(plan.near_misses)}")
        for col in ("customer", "name", "rule", "has", "needs", "by how much"):
            n.add_column(col)
        for c in plan.near_misses:
            r = c.failed[0]
            n.add_row(Text(c.customer_id), Text(c.name), r.rule, Text(r.value),
                      Text(r.required), Text(r.shortfall))
        console.print(n)
    console.print(Text(f"{plan.others} other customer(s) fail two rules or more."))
    console.print(Text(f"Winners to draw: {plan.winners} (asked {s.winners}, budget "
                       f"{s.budget if s.budget > 0 else 'none'})"))
    for note in plan.notes:
        console.print(Text(f"Note: {note}", style="yellow"))
    if record:
        console.print(Text(f"Saved as draw {record.id} in {record.directory}/. Next: goodfit "
                           f"rewards commit {record.id} --as USER"))


@rewards_app.command("commit")
def rewards_commit(draw_id: DrawId, project: ProjectOption = Path("."), actor: AsUser = None,
                   json_: JsonOption = False) -> None:
    """Publish the eligible list and the SHA-256 of a secret seed."""
    with open_project(project) as p:
        rec = p.rewards_commit(draw_id, _need(actor))
    if json_:
        print_json(rec.to_dict())
        return
    console.print(Text(f"Draw {rec.id} committed: {rec.eligible_count} eligible, "
                       f"{rec.winners_wanted} winner(s) to draw."))
    console.print(Text(f"  list SHA-256: {rec.list_sha256}"))
    console.print(Text(f"  seed SHA-256: {rec.seed_sha256}"))
    console.print(Text(f"Publish {rec.directory}/commitment.json and eligible.txt before the "
                       f"draw. Next: goodfit rewards draw {rec.id} --as USER"))


@rewards_app.command("draw")
def rewards_draw(draw_id: DrawId, project: ProjectOption = Path("."), actor: AsUser = None,
                 json_: JsonOption = False) -> None:
    """Reveal the seed and draw the winners from seed + committed list."""
    with open_project(project) as p:
        rec = p.rewards_draw(draw_id, _need(actor))
    if json_:
        print_json(rec.to_dict())
        return
    console.print(Text(f"Draw {rec.id}: seed {rec.seed}"))
    for i, w in enumerate(rec.winners, 1):
        console.print(Text(f"  {i}. {w}"))
    console.print(Text(f"Anyone can check it: goodfit rewards verify --dir {rec.directory}. "
                       f"Next: goodfit rewards export {rec.id} --as USER"))


@rewards_app.command("verify")
def rewards_verify(draw_id: Annotated[int | None, typer.Argument(help="Draw id.")] = None,
                   directory: Annotated[Path | None, typer.Option(
                       "--dir", help="A folder with eligible.txt, commitment.json and "
                       "reveal.json (no project needed).")] = None,
                   project: ProjectOption = Path("."), actor: AsUser = None,
                   json_: JsonOption = False) -> None:
    """Recompute the winners from the published files alone. Exit 1 when they disagree."""
    if directory is not None:
        v = Project.verify_draw_files(directory)
    elif draw_id is not None:
        with open_project(project) as p:
            v = p.rewards_verify(draw_id, actor=actor)
    else:
        raise typer.BadParameter("give a draw id or --dir FOLDER")
    if json_:
        print_json(v.to_dict())
    elif v.ok:
        console.print(Text(f"ok: winners {', '.join(v.winners)} follow from the committed "
                           f"list ({v.list_sha256[:12]}…) and seed ({v.seed_sha256[:12]}…)",
                           style="green"))
    else:
        for problem in v.problems:
            console.print(Text(f"FAILED: {problem}", style="red"))
    if not v.ok:
        raise typer.Exit(1)


@rewards_app.command("export")
def rewards_export(draw_id: DrawId, project: ProjectOption = Path("."), actor: AsUser = None,
                   json_: JsonOption = False) -> None:
    """Credit lines for billing and one reward case (e-mail for approval) per winner."""
    with open_project(project) as p:
        ex = p.rewards_export(draw_id, _need(actor))
    if json_:
        print_json(ex.to_dict())
        return
    console.print(Text(f"Credits: {ex.credits_csv} and {ex.whmcs_csv} "
                       f"(total {ex.total} {ex.currency})"))
    console.print(Text(f"Reward cases drafted: {', '.join(map(str, ex.case_ids))}. "
                       "Approve them with: goodfit case approve CASE --as USER"))
    if ex.skipped:
        console.print(Text(f"No e-mail address for: {', '.join(ex.skipped)} (credit "
                           "exported, no e-mail drafted)", style="yellow"))


@rewards_app.command("list")
def rewards_list(project: ProjectOption = Path("."), json_: JsonOption = False) -> None:
    """Every draw and its state."""
    with open_project(project) as p:
        draws = p.rewards_draws()
    if json_:
        print_json([d.to_dict() for d in draws])
        return
    t = RichTable(title="Reward draws")
    for col in ("draw", "state", "as of", "eligible", "winners", "exported", "verified"):
        t.add_column(col)
    for d in draws:
        verified = "" if d.verified_ok is None else ("ok" if d.verified_ok else "FAILED")
        t.add_row(str(d.id), d.state, d.as_of[:10], str(d.eligible_count),
                  Text(", ".join(d.winners) or str(d.winners_wanted)),
                  (d.exported_at or "")[:10], verified)
    console.print(t)


# -- what-if -----------------------------------------------------------------------------
@app.command("whatif")
def whatif_cmd(
    fee: Annotated[list[str] | None, typer.Option(
        "--fee", help="NAME=AMOUNT: manual_order, custom_setup, support_hour, usage, "
        "direct_costs (repeatable). Only the fees given apply, unless --fees.")] = None,
    fee_model: Annotated[bool, typer.Option(
        "--fees", help="Charge every fee of the \\[fees] model (what segments and explain "
        "assume); --fee overrides single amounts.")] = False,
    price: Annotated[list[str] | None, typer.Option(
        "--price", help="PLAN=+10% | PLAN=-5% | PLAN=+2.50 (per month; repeatable).")] = None,
    churn: Annotated[float | None, typer.Option(
        "--churn", help="Share (0-1) of customers paying more who leave.")] = None,
    behaviour: Annotated[float | None, typer.Option(
        "--behaviour-change", help="Share (0-1) of fee-triggering behaviour that stops.")]
    = None,
    as_of: AsOf = None, project: ProjectOption = Path("."), json_: JsonOption = False,
    top: Annotated[int, typer.Option(help="Customers to list (0: all).")] = 20,
) -> None:
    """Revenue and profit per customer and in total if fees or prices changed. Read-only."""
    with open_project(project) as p:
        fees: dict[str, Decimal] | None = p.pricing.parse_fees(fee) if fee else None
        prices = p.pricing.parse_prices(price or [])
        window = p.metrics.window(as_of)
        r = p.pricing.whatif(fees=fees, fee_model=fee_model, prices=prices, churn=churn,
                             behaviour_change=behaviour, window=window)
    if json_:
        print_json({"window": window.to_dict(), **r.to_dict()})
        return
    console.print(window_line(window))
    what = [f"{k}={v}" for k, v in r.fees.items()] + [x.describe() for x in r.prices]
    console.print(Text(f"What if: {', '.join(what) or 'nothing changes'}"))
    console.print(Text(f"Assumptions: {r.assumption_text}"))
    t = RichTable(title="Per customer (those who change status first)")
    for col in ("customer", "name", "revenue", "new revenue", "profit", "new profit",
                "crosses"):
        t.add_column(col, justify="left" if col in ("customer", "name", "crosses") else "right")
    shown = r.customers if top <= 0 else r.customers[:top]
    for c in shown:
        t.add_row(Text(c.customer_id), Text(c.name), str(c.revenue), str(c.new_revenue),
                  str(c.profit), str(c.new_profit),
                  Text(c.crosses.replace("_", " "),
                       style="green" if c.crosses == "to_profitable" else "red"))
    console.print(t)
    tot = r.totals
    console.print(Text(
        f"Total revenue {tot.revenue} → {tot.new_revenue} {r.currency}; profit {tot.profit} → "
        f"{tot.new_profit}; expected with churn: revenue {tot.expected_revenue}, profit "
        f"{tot.expected_profit}"))
    console.print(Text(f"{tot.to_profitable} customer(s) become profitable, "
                       f"{tot.to_unprofitable} become unprofitable; unprofitable "
                       f"{tot.unprofitable_before} → {tot.unprofitable_after} of "
                       f"{tot.customers}. Nothing was changed."))
    for note in r.notes:
        console.print(Text(f"Note: {note}", style="yellow"))


# -- education ----------------------------------------------------------------------------
CustomerOpt = Annotated[list[str] | None, typer.Option(
    "--customer", help="Only these customers (repeatable).")]


@educate_app.command("plan")
def educate_plan(project: ProjectOption = Path("."), as_of: AsOf = None,
                 customer: CustomerOpt = None, json_: JsonOption = False) -> None:
    """Customers whose tickets the knowledge base answers, and the articles for each."""
    with open_project(project) as p:
        digests = p.education_plan(as_of=as_of, customer_ids=customer)
    if json_:
        print_json([d.to_dict() for d in digests])
        return
    for d in digests:
        to = d.to or "(no e-mail address: cannot be drafted)"
        console.print(Text(f"{d.customer_id} {d.name} → {to}", style="bold"))
        for i in d.items:
            console.print(Text(f"  \"{i.subject}\" ({i.opened_at:%Y-%m-%d}) → {i.title}"))
    console.print(Text(f"{len(digests)} digest(s). Draft them with: goodfit educate draft "
                       "--as USER"))


@educate_app.command("draft")
def educate_draft(project: ProjectOption = Path("."), as_of: AsOf = None,
                  customer: CustomerOpt = None, actor: AsUser = None,
                  json_: JsonOption = False) -> None:
    """Draft one education e-mail per customer into the outbox, awaiting approval."""
    with open_project(project) as p:
        opened: list[Any] = p.education_draft(_need(actor), as_of=as_of,
                                              customer_ids=customer)
    if json_:
        print_json([c.to_dict() for c in opened])
        return
    for c in opened:
        lint = sum(len(s.lint) for s in c.steps)
        flag = f" — tone lint: {lint} finding(s), needs rewording or an override" if lint else ""
        console.print(Text(f"case {c.id}: {c.customer_id} ({c.title}){flag}"))
    console.print(Text(f"{len(opened)} case(s) drafted. Approve with: goodfit case approve "
                       "CASE --as USER"))
