"""Commands for scoring: score, explain, snapshots, diff, risk, report."""


from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable
from rich.text import Text

from goodfit.cli.app import (
    JsonOption,
    ProjectOption,
    app,
    console,
    open_project,
    print_json,
    rich_progress,
)
from goodfit.cli.options import AsOf, Since, Snapshot, Until, window_line

if TYPE_CHECKING:
    from goodfit.scoring.history import SnapshotInfo

SEGMENT_STYLE = {"reward": "green", "healthy": "white", "educate": "blue", "reprice": "yellow",
                 "part_ways": "red", "not_enough_data": "magenta"}


def who(name: object, customer_id: object) -> str:
    """"Name (id)", or the id alone when the customer has no name (never "None (id)")."""
    text = "" if name is None or name != name else str(name).strip()  # name != name: NaN
    return f"{text} ({customer_id})" if text else str(customer_id)


def stored_run_line(info: "SnapshotInfo | None") -> Text:
    """Which stored run a read shows: reads never compute one."""
    if info is None:
        return Text("")
    return Text(f"Stored run: snapshot {info.id} of {info.created_at:%Y-%m-%d %H:%M} "
                f"(config {info.config_hash}); window {info.since:%Y-%m-%d} – "
                f"{info.until:%Y-%m-%d}. Recompute with: goodfit score", style="dim")


@app.command()
def score(
    project: ProjectOption = Path("."), as_of: AsOf = None, since: Since = None, until: Until = None,
    label: Annotated[str | None, typer.Option("--label", help="Label for the stored run.")] = None,
    json: JsonOption = False,
    _snapshot: Annotated[bool, typer.Option(
        "--snapshot", hidden=True, help="Kept for old scripts: every run is stored.")] = False,
) -> None:
    """Flag behaviour, compute the fit score and segment of every customer, and store the
    run as a snapshot (what explain, risk, report and rewards read)."""
    with open_project(project) as p:
        window = p.metrics.window(as_of, since, until)
        rows = p.metrics.window_rows(window)
        with rich_progress(not json) as progress:
            run = p.scoring.score(window=window, label=label, progress=progress)
    snap = run.snapshot
    assert snap is not None  # score always stores its run
    scores = run.result.scores
    counts = scores["segment"].value_counts().to_dict()
    if json:
        print_json({"window": {**window.to_dict(), "rows": rows}, "segments": counts,
                    "flags": len(run.result.flags), "snapshot": snap.id,
                    "customers": scores.to_dict("records")})
        return
    console.print(window_line(window, rows))
    t = RichTable(title=f"Segments ({run.since:%Y-%m-%d} to {run.until:%Y-%m-%d})")
    t.add_column("segment")
    t.add_column("customers", justify="right")
    for seg in sorted(counts, key=lambda k: (list(SEGMENT_STYLE).index(k)
                                             if k in SEGMENT_STYLE else 99, k)):
        t.add_row(Text(seg, style=SEGMENT_STYLE.get(seg, "")), str(counts.get(seg, 0)))
    console.print(t)
    worst = scores.sort_values(["score", "customer_id"]).head(10)
    w = RichTable(title="Lowest fit")
    for col in ("customer", "fit", "segment", "reason"):
        w.add_column(col)
    for r in worst.to_dict("records"):
        w.add_row(Text(who(r['name'], r['customer_id'])), f"{r['score']:.0f}",
                  Text(r["segment"], style=SEGMENT_STYLE.get(r["segment"], "")), Text(r["reason"]))
    console.print(w)
    console.print(Text(f"{len(run.result.flags)} flags. Stored as snapshot {snap.id} "
                       f"(config {snap.config_hash}); tables flags and fit_scores written."))


@app.command()
def explain(
    customer: Annotated[str, typer.Argument(help="Customer id.")],
    project: ProjectOption = Path("."), snapshot: Snapshot = None, json: JsonOption = False,
) -> None:
    """Show a customer's fit score contributions, flags with evidence, and segment reason,
    from the newest stored run (or --snapshot)."""
    with open_project(project) as p:
        e = p.scoring.explain(customer, snapshot)
    if json:
        print_json(e.to_dict())
        return
    console.print(stored_run_line(e.snapshot))
    out_of = "" if e.score_out_of >= 100 else f" of {e.score_out_of:.0f} known"
    console.print(Text.assemble((who(e.name, e.customer_id), "bold"), "  fit ",
                                (f"{e.score:.1f}{out_of}", "bold"), "  ",
                                (e.segment, SEGMENT_STYLE.get(e.segment, ""))))
    console.print(Text(e.reason))
    if e.missing:
        console.print(Text(f"Missing data: {e.missing}", style="yellow"))
    t = RichTable(title="Fit score")
    t.add_column("component")
    t.add_column("points", justify="right")
    for k, v in e.components.items():
        t.add_row(k.replace("_", " "), Text("unknown", style="yellow") if v is None
                  else Text(f"{v:.1f}"))
    t.add_row(Text("total", style="bold"), Text(f"{e.score:.1f}{out_of}", style="bold"))
    console.print(t)
    if e.reward_gates:
        failed = [g for g in e.reward_gates if not g.passed]
        console.print(Text("Reward gates: " + ("all hold" if not failed else "; ".join(
            f"{g.rule.replace('_', ' ')}: {g.shortfall or g.value}" for g in failed))))
    for f in e.flags:
        console.print(Text.assemble((f"{f.code}", "bold"), f" [{f.severity.value}] ", f.detail))
        for ev in f.evidence[:10]:
            line = Text(f"    {ev.kind} {ev.id}")
            if ev.quote:
                line.append(f": “{ev.quote}”", style="yellow")
            row = e.rows.get((ev.kind, ev.id))
            if row:
                line.append(f"  ({row})", style="dim")
            console.print(line)
        if len(f.evidence) > 10:
            console.print(Text(f"    … and {len(f.evidence) - 10} more rows", style="dim"))
    if not e.flags:
        console.print(Text("No flags."))


@app.command()
def snapshots(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """List stored score snapshots."""
    snaps = open_project(project).snapshots()
    if json:
        print_json([asdict(s) for s in snaps])
        return
    t = RichTable(title="Snapshots")
    for col in ("id", "created", "label", "window", "config", "customers", "segments"):
        t.add_column(col)
    for s in snaps:
        t.add_row(str(s.id), f"{s.created_at:%Y-%m-%d %H:%M}", Text(s.label or ""),
                  f"{s.since:%Y-%m-%d} – {s.until:%Y-%m-%d}", s.config_hash, str(s.customers),
                  ", ".join(f"{k} {v}" for k, v in sorted(s.segments.items())))
    console.print(t)


@app.command()
def diff(
    a: Annotated[int, typer.Argument(help="Earlier snapshot id.")],
    b: Annotated[int, typer.Argument(help="Later snapshot id.")],
    project: ProjectOption = Path("."), json: JsonOption = False,
) -> None:
    """Who moved segment between two snapshots, and why."""
    d = open_project(project).diff(a, b)
    if json:
        print_json({"a": asdict(d.a), "b": asdict(d.b), "config_changed": d.config_changed,
                    "moves": [{**asdict(m), "why": m.why} for m in d.moves]})
        return
    if d.config_changed:
        console.print(Text(f"Configuration changed ({d.a.config_hash} → {d.b.config_hash}).",
                           style="yellow"))
    t = RichTable(title=f"{len(d.moves)} customers moved between snapshot {a} and {b}")
    for col in ("customer", "from", "to", "why"):
        t.add_column(col)
    for m in d.moves:
        t.add_row(Text(who(m.name, m.customer_id)), m.segment_a or "—", m.segment_b or "—",
                  Text(m.why))
    console.print(t)


@app.command()
def risk(project: ProjectOption = Path("."), snapshot: Snapshot = None,
         json: JsonOption = False) -> None:
    """Early-life risk: model quality on later sign-ups, and the watch list (labelled by the
    segments of the newest stored run, or --snapshot)."""
    with open_project(project) as p:
        run = p.scoring.run(snapshot)
        r = p.scoring.early_risk(run=run)
    if json:
        print_json({"snapshot": run.snapshot.id if run.snapshot else None, **asdict(r)})
        return
    console.print(stored_run_line(run.snapshot))
    if r.status != "ok":
        console.print(Text(r.message, style="yellow"))
        for item in r.watch_list[:25]:
            console.print(Text(f"  {who(item.name, item.customer_id)}: {item.tickets} tickets in "
                               f"{item.days_in} days"))
        return
    console.print(Text(r.message))
    q = RichTable(title="Quality on later sign-ups")
    for col in ("", "model", f"baseline (tickets in first {r.first_days} days)"):
        q.add_column(col)
    q.add_row("AUC", f"{r.auc:.2f}", f"{r.baseline_auc:.2f}")
    q.add_row(f"precision@{r.k}", f"{r.precision_at_k:.0%}", f"{r.baseline_precision_at_k:.0%}")
    console.print(q)
    c = RichTable(title="Calibration")
    for col in ("predicted", "customers", "mean predicted", "observed"):
        c.add_column(col)
    for b in r.calibration:
        c.add_row(f"{b.low:.0%}–{b.high:.0%}", str(b.customers), f"{b.mean_predicted:.0%}",
                  f"{b.observed_rate:.0%}")
    console.print(c)
    w = RichTable(title=f"Watch list (first {r.first_days} days)")
    for col in ("customer", "signed up", "tickets", "probability", "drivers"):
        w.add_column(col)
    for item in r.watch_list[:25]:
        w.add_row(Text(who(item.name, item.customer_id)), f"{item.signup_at:%Y-%m-%d}",
                  str(item.tickets), f"{item.probability or 0:.0%}", ", ".join(item.drivers))
    console.print(w)


@app.command()
def report(
    project: ProjectOption = Path("."),
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output HTML file "
                                             "(default: reports/report-<time>.html).")] = None,
    snapshot: Snapshot = None, json: JsonOption = False,
) -> None:
    """Write the single-file HTML report of the newest stored run (or --snapshot), which
    opens offline, and print its path."""
    with open_project(project) as p, rich_progress(not json) as progress:
        path = p.reports.write(out, snapshot=snapshot, progress=progress)
    if json:
        print_json({"report": str(path)})
    else:
        console.print(Text(f"Report written: {path}"))


@app.command()
def compare(
    project: ProjectOption = Path("."),
    period: Annotated[str, typer.Option("--period", help="Period to compare: quarter.")]
    = "quarter",
    as_of: AsOf = None,
    top: Annotated[int, typer.Option("--top", help="Movers shown per comparison.")] = 15,
    json: JsonOption = False,
) -> None:
    """This quarter vs the last and vs a year ago: what changed in cost, profit, load,
    flags and segment, per customer (biggest movers first) and in total."""
    with open_project(project) as p:
        c = p.scoring.compare(period, as_of)
    if json:
        print_json(c.to_dict())
        return
    w = c.windows
    tot = RichTable(title="Totals")
    for col in ("period", "window", "cost", "profit", "tickets", "minutes"):
        tot.add_column(col)
    for name in ("this", "last", "year_ago"):
        t = c.totals[name]
        tot.add_row(name.replace("_", " "), f"{w[name].since:%Y-%m-%d} – {w[name].until:%Y-%m-%d}",
                    f"{t['cost']:,.2f}", f"{t['profit']:,.2f}", f"{t['tickets']:,.0f}",
                    f"{t['minutes']:,.0f}")
    console.print(tot)
    for other, title in (("last", "vs last quarter"), ("year_ago", "vs a year ago")):
        m = RichTable(title=f"Biggest movers {title}")
        for col in ("customer", "profit Δ", "cost Δ", "tickets Δ", "segment", "flags"):
            m.add_column(col)
        for ch in c.against[other][:top]:
            d = ch.to_dict()
            seg = d["segment"] if d["segment_before"] in (None, d["segment"]) else \
                f"{d['segment_before']} → {d['segment']}"
            flags = " ".join([f"+{f}" for f in d["flags_gained"]]
                             + [f"-{f}" for f in d["flags_lost"]])
            m.add_row(Text(who(ch.name, ch.customer_id)), f"{d['profit_change']:+,.2f}",
                      f"{d['cost_change']:+,.2f}", f"{d['tickets_change']:+.0f}", Text(seg),
                      Text(flags))
        console.print(m)
