"""Cost to serve and concentration: scorecard, customer, concentration."""


import json
import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table as RichTable
from rich.text import Text

from goodfit.cli.app import JsonOption, ProjectOption, app, console, open_project, print_json
from goodfit.cli.options import AsOf, Since, Until, window_line
from goodfit.csvsafe import csv_text
from goodfit.errors import GoodfitError

if TYPE_CHECKING:  # ibis and pyarrow load when a command needs them, not at start-up
    import ibis
    import pyarrow as pa


class Sort(StrEnum):
    profit = "profit"
    support_cost_per_dollar = "support_cost_per_dollar"
    cost_per_dollar = "cost_per_dollar"
    tickets = "tickets"
    minutes = "minutes"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    parquet = "parquet"
    json = "json"


class By(StrEnum):
    tickets = "tickets"
    minutes = "minutes"
    cost = "cost"


def sort_scorecard(card: "ibis.Table", sort: Sort) -> "ibis.Table":
    """Worst first: least profit, most support cost per dollar (no revenue but some support
    cost counts as infinitely expensive), most tickets, most minutes."""
    import ibis

    if sort is Sort.profit:
        return card.order_by([card.profit, card.customer_id])
    if sort in (Sort.support_cost_per_dollar, Sort.cost_per_dollar):
        # support cost per dollar, or total cost to serve per dollar: two named ratios
        cost = card.support_cost if sort is Sort.support_cost_per_dollar else card.cost_to_serve
        no_revenue = ibis.ifelse(cost > 0, 1e300, 0.0)
        key = card[sort.value].coalesce(no_revenue)
        return card.order_by([ibis.desc(key), card.customer_id])
    column = "tickets" if sort is Sort.tickets else "support_minutes"
    return card.order_by([ibis.desc(card[column]), card.customer_id])


def spreadsheet_csv(data: "pa.Table") -> str:
    return csv_text(data.column_names, (row.values() for row in data.to_pylist()))


def _fmt(value: Any, column: str) -> str:
    if value is None:
        return "no revenue" if column in ("margin", "support_cost_per_dollar",
                                          "cost_per_dollar") else ""
    if column.endswith("_share") or column == "margin":
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if hasattr(value, "quantize"):
        return f"{value:,.2f}"
    if isinstance(value, bool):
        return "estimated" if value else ""
    return str(value)


TABLE_COLUMNS = ("customer_id", "name", "revenue", "cost_to_serve", "profit", "margin",
                 "support_cost_per_dollar", "tickets", "support_minutes", "ticket_share")


@app.command()
def scorecard(
    project: ProjectOption = Path("."),
    as_of: AsOf = None, since: Since = None, until: Until = None,
    top: Annotated[int | None, typer.Option("--top", help="Only the first N rows.")] = None,
    sort: Annotated[Sort, typer.Option("--sort", help="Worst first by this.")] = Sort.profit,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write to this file (format from --format, else from the suffix: "
        ".csv, .parquet, .json).")] = None,
    columns: Annotated[str | None, typer.Option(
        "--columns", help="Extra columns, comma-separated: 'service' (every service-level "
        "figure) or their names, e.g. first_response_median_minutes, sla_breaches, "
        "csat_average (docs/cost-model.md).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Cost to serve, profit and support load per customer (one row per customer)."""
    with open_project(project) as proj:
        window = proj.metrics.window(as_of, since, until)
        rows = proj.metrics.window_rows(window)
        card = proj.metrics.scorecard(window=window)
        extra = proj.metrics.service_columns(columns)
        if extra:
            card = proj.metrics.with_service_levels(card, extra, window=window)
        card = sort_scorecard(card, sort)
        if top is not None:
            card = card.limit(top)
        data = card.to_pyarrow()
    if as_json:
        fmt = Format.json
    elif fmt is Format.table and out is not None:  # --out card.csv: the suffix says how
        fmt = {".csv": Format.csv, ".parquet": Format.parquet, ".json": Format.json}.get(
            out.suffix.lower(), Format.csv)
    if fmt is Format.parquet:
        if out is None:
            raise GoodfitError("--format parquet needs --out FILE")
        import pyarrow.parquet as pq

        pq.write_table(data, out)
        console.print(Text(f"{data.num_rows} rows written to {out}"))
        return
    if fmt is Format.csv:
        text = spreadsheet_csv(data)
    elif fmt is Format.json:  # the window travels with the rows
        text = json.dumps({"window": {**window.to_dict(), "rows": rows},
                           "customers": data.to_pylist()}, indent=2, default=str) + "\n"
    else:
        text = ""
    if out is not None and fmt is not Format.table:
        out.write_text(text, encoding="utf-8")
        console.print(Text(f"{data.num_rows} rows written to {out}"))
        return
    if text:
        typer.echo(text, nl=False)
        return
    console.print(window_line(window, rows))
    table = RichTable(title=f"Scorecard (worst first by {sort.value})")
    for col in TABLE_COLUMNS:
        table.add_column(col.replace("_", " "), justify="left" if col in ("customer_id", "name")
                         else "right")
    shown = (*TABLE_COLUMNS, *extra)
    for col in extra:
        table.add_column(col.replace("_", " "), justify="right")
    for row in data.to_pylist():
        table.add_row(*(Text("unknown" if row[c] is None and c in extra else _fmt(row[c], c))
                        for c in shown))
    console.print(table)
    rows = data.to_pylist()
    estimated = sum(1 for r in rows if r["minutes_estimated"])
    if estimated:
        console.print(Text(f"{estimated} customer(s) have support minutes estimated from staff "
                           "replies or the per-ticket default ([costs] "
                           "ticket_default_minutes; see docs/cost-model.md)."))
    untimed = sum(int(r.get("untimed_tickets") or 0) for r in rows)
    if untimed:
        console.print(Text(f"{untimed} ticket(s) have neither logged minutes nor staff replies: "
                           "their support time is unknown and counted as 0 (import "
                           "tickets.staff_minutes or messages to measure it).", style="yellow"))


def _evidence(title: str, data: "pa.Table", columns: tuple[str, ...]) -> RichTable:
    table = RichTable(title=title, title_justify="left")
    cols = [c for c in columns if c in data.column_names]
    for c in cols:
        table.add_column(c.replace("_", " "))
    for row in data.to_pylist():
        table.add_row(*(Text(_fmt(row[c], c)) for c in cols))
    return table


@app.command()
def customer(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    project: ProjectOption = Path("."),
    as_of: AsOf = None, since: Since = None, until: Until = None,
    as_json: JsonOption = False,
) -> None:
    """One customer: every figure broken down to its rows, and the monthly trend."""
    with open_project(project) as p:
        window = p.metrics.window(as_of, since, until)
        b = p.metrics.customer(customer_id, window=window)
    if as_json:
        print_json(b.to_dict())
        return
    s = b.summary
    w = b.window
    console.print(Text(f"{s['customer_id']} {s['name'] or ''}  plan {s['plan'] or '-'}  "
                       f"window {w.since:%Y-%m-%d} – {w.until:%Y-%m-%d} (as of {w.as_of:%Y-%m-%d})",
                       style="bold"))
    summary = RichTable(show_header=False)
    for key in ("revenue", "support_minutes", "support_cost", "order_handling_cost",
                "custom_work_cost", "payment_friction_cost", "usage_cost", "direct_cost",
                "cost_to_serve", "profit", "margin", "support_cost_per_dollar", "tickets",
                "tickets_per_month", "ticket_share", "revenue_share"):
        note = " (estimated in part)" if key == "support_minutes" and s["minutes_estimated"] else ""
        summary.add_row(key.replace("_", " "), Text(_fmt(s[key], key) + note))
    console.print(summary)
    console.print(_evidence("Tickets (support cost)", b.tickets,
                            ("ticket_id", "opened_at", "channel", "staff_replies", "minutes",
                             "estimated", "cost")))
    console.print(_evidence("Invoices (revenue)", b.invoices,
                            ("invoice_id", "at", "status", "currency", "amount", "gross",
                             "deducted", "net")))
    if b.returns.num_rows:
        console.print(_evidence("Refunds/chargebacks without an invoice", b.returns,
                                ("payment_id", "at", "outcome", "amount", "net")))
    for title, data, cols in (
        ("Payments (friction)", b.payments, ("payment_id", "at", "outcome", "fee")),
        ("Orders", b.orders, ("order_id", "placed_at", "channel", "custom", "handling_cost",
                              "custom_cost")),
        ("Usage beyond allowance", b.usage, ("period_start", "metric", "quantity",
                                             "allowance", "excess", "unit_cost", "cost")),
        ("Direct costs", b.costs, ("at", "category", "currency", "amount", "cost")),
    ):
        if data.num_rows:
            console.print(_evidence(title, data, cols))
    if b.service:
        sl = RichTable(title="Service levels (tickets opened in the window)", show_header=False,
                       title_justify="left")
        for key, value in b.service.items():
            sl.add_row(key.replace("_", " "), Text("unknown" if value is None else _fmt(value, key)))
        console.print(sl)
    for title, data in (("By category", b.by_category), ("By assignee", b.by_assignee)):
        if data is not None and data.num_rows:
            console.print(_evidence(title, data, ("value", "tickets", "minutes", "support_cost")))
    console.print(_evidence("Monthly trend", b.monthly,
                            ("month", "revenue", "tickets", "minutes", "support_cost",
                             "cost_to_serve", "profit")))


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(points: list[tuple[float, float]], width: int = 40) -> str:
    """The Lorenz curve sampled at ``width`` customer shares, as block characters."""
    chars = []
    for i in range(1, width + 1):
        x = i / width
        y = max((py for px, py in points if px <= x + 1e-12), default=0.0)
        chars.append(SPARK[min(len(SPARK) - 1, math.floor(y * (len(SPARK) - 1) + 0.5))])
    return "".join(chars)


@app.command()
def concentration(
    by: Annotated[By, typer.Option("--by", help="Load to measure.")] = By.tickets,
    project: ProjectOption = Path("."),
    as_of: AsOf = None, since: Since = None, until: Until = None,
    as_json: JsonOption = False,
) -> None:
    """Who carries the load: Gini, the few customers carrying 50/80/90%, the knee."""
    with open_project(project) as p:
        window = p.metrics.window(as_of, since, until)
        rows = p.metrics.window_rows(window)
        c = p.metrics.concentration(by.value, window=window)
    if as_json:
        print_json({"window": {**window.to_dict(), "rows": rows}, **c.to_dict()})
        return
    console.print(window_line(window, rows))
    console.print(Text(f"Concentration of {by.value} across {c.customers:,} customers "
                       f"(total {c.total_load:,.2f})", style="bold"))
    console.print(Text(f"Gini {c.gini:.3f}  (0 = everyone equal, 1 = one customer carries all)"))
    console.print(Text("Lorenz curve, lightest customers first:"))
    console.print(Text(f"  {sparkline(c.lorenz)}  "), end="")
    console.print(Text("(a flat start and a steep end = concentrated)"))
    bars = RichTable(title="Smallest set of customers carrying the load", title_justify="left")
    for col in ("load", "customers", "share of customers", "", "their revenue share"):
        bars.add_column(col)
    for t in c.top:
        bar = "█" * max(1, round(t.customer_share * 40)) if t.customers else ""
        bars.add_row(f"{t.load_share:.0%}", f"{t.customers:,}", f"{t.customer_share:.1%}",
                     Text(bar, style="cyan"), f"{t.revenue_share:.1%}")
    console.print(bars)
    console.print(Text(f"Knee: the top {c.knee.customers:,} customers "
                       f"({c.knee.customer_share:.1%}) carry {c.knee.load_share:.1%} of "
                       f"{by.value}; beyond them each adds less than an average customer."))
    if c.leaders:
        lead = RichTable(title="Heaviest customers", title_justify="left")
        for col in ("rank", "customer", "name", "load", "share", "revenue share"):
            lead.add_column(col)
        for row in c.leaders:
            lead.add_row(str(row["rank"]), Text(str(row["customer_id"])),
                         Text(str(row["name"] or "")), f"{row['load']:,.2f}",
                         f"{row['load_share']:.1%}", f"{row['revenue_share']:.1%}")
        console.print(lead)
