"""Commands that read ticket text: resolution codes, knowledge-base matches, topics."""


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
from goodfit.cli.options import AsOf, Since, Until, window_line

if TYPE_CHECKING:
    from goodfit.text.resolution import Evaluation

resolution_app = typer.Typer(
    help="Resolution codes (why tickets happen), learned from your coded tickets.",
    no_args_is_help=True)
kb_app = typer.Typer(help="Match tickets to knowledge-base articles.", no_args_is_help=True)
app.add_typer(resolution_app, name="resolution")
app.add_typer(kb_app, name="kb")


def render_evaluation(ev: "Evaluation", min_gain: float, max_p: float) -> None:
    table = RichTable(title=f"Resolution codes: {ev.folds}-fold cross-validation on "
                            f"{ev.tickets:,} coded tickets")
    for col in ("code", "tickets", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "code" else "right")
    for c in ev.per_class:
        table.add_row(Text(c.code), f"{c.support:,}", f"{c.precision:.2f}", f"{c.recall:.2f}",
                      f"{c.f1:.2f}")
    console.print(table)
    p_value = "< 1e-12" if ev.p_value < 1e-12 else f"{ev.p_value:.2g}"
    console.print(Text(f"macro-F1 {ev.macro_f1:.3f}   accuracy {ev.accuracy:.3f}   "
                       f"calibration error {ev.calibration_error:.3f}   "
                       f"p-value vs baseline {p_value}"))
    console.print(Text(f"baselines: always '{ev.baseline_code}' macro-F1 "
                       f"{ev.baseline_macro_f1:.3f} (accuracy {ev.baseline_accuracy:.3f}); "
                       f"chance macro-F1 {ev.chance_macro_f1:.3f}"))
    if ev.model:
        console.print(Text(f"model: {ev.model} (chosen by cross-validation among "
                           f"{len(ev.candidates)})", style="dim"))
    if ev.excluded:
        left_out = ", ".join(f"{c} ({n})" for c, n in sorted(ev.excluded.items()))
        console.print(Text(f"left out (too few tickets to learn): {left_out}", style="dim"))
    if ev.beats_baseline(min_gain, max_p):
        console.print(Text("The model beats the baselines: it can label uncoded tickets.",
                           style="green"))
    else:
        console.print(Text(f"The model does not beat the baselines by {min_gain} macro-F1 "
                           f"at p ≤ {max_p} ([text] min_f1_gain, max_p_value): "
                           "goodfit resolution apply will refuse it.",
                           style="yellow"))


@resolution_app.command("train")
def resolution_train(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Learn your resolution codes from tickets that have one; saves models/resolution/."""
    proj = open_project(project)
    with rich_progress(not json) as progress:
        model = proj.train_resolution(progress)
    if json:
        print_json({"model": str(proj.root / "models" / "resolution"),
                    "codes": model.classes, "temperature": model.temperature,
                    "calibration": model.evaluation.calibration,
                    "usable": model.evaluation.beats_baseline(proj.config.text.min_f1_gain,
                                                              proj.config.text.max_p_value),
                    "evaluation": model.evaluation.to_dict()})
        return
    render_evaluation(model.evaluation, proj.config.text.min_f1_gain,
                      proj.config.text.max_p_value)
    console.print(Text(f"Model saved in {proj.root / 'models' / 'resolution'}"))


@resolution_app.command("evaluate")
def resolution_evaluate(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Cross-validated macro-F1 and per-code precision/recall vs a majority-class baseline."""
    proj = open_project(project)
    with rich_progress(not json) as progress:
        ev = proj.evaluate_resolution(progress)
    if json:
        usable = ev.beats_baseline(proj.config.text.min_f1_gain, proj.config.text.max_p_value)
        print_json({**ev.to_dict(), "usable": usable})
        return
    render_evaluation(ev, proj.config.text.min_f1_gain, proj.config.text.max_p_value)


@resolution_app.command("apply")
def resolution_apply(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Label tickets without a code; below [text] min_confidence they stay 'unknown'."""
    proj = open_project(project)
    with rich_progress(not json) as progress:
        result = proj.apply_resolution(progress)
    if json:
        print_json({k: v for k, v in asdict(result).items() if k != "evaluation"})
        return
    console.print(Text(f"{result.tickets:,} tickets: {result.given:,} coded by your team, "
                       f"{result.predicted:,} labelled by the model, {result.unknown:,} left "
                       f"'unknown' (confidence below {result.min_confidence})."))
    console.print(Text("Written to the ticket_resolution table.", style="dim"))


@kb_app.command("match")
def kb_match(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Match every ticket to its 3 best knowledge-base articles; estimate answerable ones."""
    proj = open_project(project)
    with rich_progress(not json) as progress:
        result = proj.match_kb(progress)
    cal = result.calibration
    if json:
        acal = result.article_calibration
        print_json({"tickets": result.tickets, "answerable": result.answerable,
                    "calibration": asdict(cal),
                    "answered": {"linked": result.linked, "matched": result.matched,
                                 "unsure": result.tickets - result.linked - result.matched},
                    "article_calibration": asdict(acal) if acal else None})
        return
    share = result.answerable / result.tickets if result.tickets else 0.0
    console.print(Text(f"{result.tickets:,} tickets matched; {result.answerable:,} "
                       f"({share:.0%}) answerable from the knowledge base."))
    how = ("calibrated on your tickets coded 'documentation'"
           f" (precision {cal.precision:.2f}, recall {cal.recall:.2f})"
           if cal.source == "calibrated" and cal.precision is not None and cal.recall is not None
           else "from [text] kb_answerable_score (too few coded tickets to calibrate)")
    console.print(Text(f"Answerable threshold {cal.threshold:.3f}, {how}.", style="dim"))
    unsure = result.tickets - result.linked - result.matched
    console.print(Text(f"Article that answers the ticket: {result.linked:,} linked by staff, "
                       f"{result.matched:,} a sure match of the question, {unsure:,} unsure "
                       "(no article named)."))
    acal = result.article_calibration
    if acal is not None:
        if acal.source == "calibrated":
            got = (f"precision {acal.precision:.2f}, {acal.coverage:.0%} of linked tickets "
                   "found from the question alone" if acal.precision is not None
                   else "no score reached the precision: only a perfect match is sure")
            where = (f"calibrated on {acal.linked_tickets:,} tickets staff linked an article "
                     f"in ({got}; [text] kb_article_precision)")
        else:
            where = ("from [text] kb_article_score and kb_article_margin (fewer than "
                     "kb_min_calibration_tickets tickets link an article)")
        console.print(Text(f"Sure match: score >= {acal.threshold:.3f} and lead over the "
                           f"second article >= {acal.margin:.2f}, {where}.", style="dim"))
    console.print(Text("Written to the ticket_kb_match table.", style="dim"))


@kb_app.command("customer")
def kb_customer(customer_id: Annotated[str, typer.Argument(help="Customer id.")],
                project: ProjectOption = Path("."), as_of: AsOf = None, since: Since = None,
                until: Until = None, json: JsonOption = False) -> None:
    """Share of a customer's tickets (opened in the window) the docs already answer, and
    which articles."""
    with open_project(project) as p:
        window = p.metrics.window(as_of, since, until)
        info = p.text.kb_customer(customer_id, window)
    if json:
        print_json({"window": window.to_dict(), **asdict(info)})
        return
    console.print(window_line(window))
    console.print(Text(f"{info.customer_id}: {info.answerable_tickets:,} of {info.tickets:,} "
                       f"tickets ({info.answerable_share:.0%}) are answered by the docs."))
    if info.articles:
        table = RichTable()
        for col in ("article", "title", "tickets"):
            table.add_column(col, justify="right" if col == "tickets" else "left")
        for a in info.articles:
            table.add_row(Text(str(a["article_id"])), Text(str(a["title"] or "")),
                          f"{a['tickets']:,}")
        console.print(table)


@app.command("topics")
def topics(
    top: Annotated[int, typer.Option("--top", help="Show the N costliest topics.")] = 20,
    project: ProjectOption = Path("."),
    json: JsonOption = False,
) -> None:
    """Recurring ticket topics ranked by staff minutes: what to document or automate next."""
    with rich_progress(not json) as progress:
        result = open_project(project).topics(progress)
    shown = result.topics[:top]
    if json:
        print_json({"tickets": result.tickets, "unassigned": result.unassigned,
                    "topics": [asdict(t) for t in shown]})
        return
    table = RichTable(title=f"Repeat topics ({len(result.topics)} found in "
                            f"{result.tickets:,} tickets)")
    for col in ("#", "topic", "tickets", "staff min", "customers", "KB article",
                "example subjects"):
        table.add_column(col, justify="right" if col in ("#", "tickets", "staff min",
                                                          "customers") else "left")
    for t in shown:
        minutes = f"{t.staff_minutes:,.0f}" + ("*" if t.minutes_estimated else "")
        table.add_row(str(t.topic_id), Text(t.label), f"{t.tickets:,}", minutes,
                      f"{t.customers:,}",
                      Text(f"{t.article_id} ({t.article_share:.0%})" if t.article_id
                           else "no article — write one"),
                      Text("; ".join(f"{s} ({i})" for s, i in zip(
                          t.example_subjects, t.example_ticket_ids, strict=True))))
    console.print(table)
    if any(t.minutes_estimated for t in shown):
        console.print(Text("* includes minutes estimated from staff replies × [costs] "
                           "reply_minutes", style="dim"))
