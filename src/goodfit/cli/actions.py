"""Commands for people acting: users, cases, offboarding, outbox, audit."""


from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable
from rich.text import Text

from goodfit.cli.app import JsonOption, ProjectOption, app, console, open_project, print_json

AsOption = Annotated[str | None, typer.Option(
    "--as", envvar="GOODFIT_USER", show_default=False,
    help="Who is acting (a user from `goodfit users list`); or set GOODFIT_USER.")]
CaseArg = Annotated[int, typer.Argument(help="Case number (see `goodfit cases list`).")]
StepOption = Annotated[int | None, typer.Option("--step", help="Only this step number.")]

users_app = typer.Typer(help="People and their roles (owner, manager, agent, viewer).",
                        no_args_is_help=True)
cases_app = typer.Typer(help="List cases.", no_args_is_help=True)
case_app = typer.Typer(help="Show, approve, execute, cancel or close one case.",
                       no_args_is_help=True)
offboard_app = typer.Typer(help="Courteous offboarding of a customer organisation.",
                           no_args_is_help=True)
outbox_app = typer.Typer(help="E-mails waiting, sent, failed or unknown.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
for sub, name in ((users_app, "users"), (cases_app, "cases"), (case_app, "case"),
                  (offboard_app, "offboard"), (outbox_app, "outbox"), (audit_app, "audit")):
    app.add_typer(sub, name=name)


def _actor(as_: str | None) -> str:
    return as_ or ""  # the core names what is missing: "--as USER (or set GOODFIT_USER)"


def _t(value: Any) -> Text:
    return Text("" if value is None else str(value))


# -- users -----------------------------------------------------------------------
@users_app.command("add")
def users_add(name: str, role: Annotated[str, typer.Option("--role", help="owner, manager, "
                                                           "agent or viewer")],
              password_stdin: Annotated[bool, typer.Option(
                  "--password-stdin", help="Read a web sign-in password from standard input "
                  "(one line).")] = False,
              password_prompt: Annotated[bool, typer.Option(
                  "--password", help="Ask for a web sign-in password (not echoed).")] = False,
              as_: AsOption = None, project: ProjectOption = Path("."), json: JsonOption = False,
              ) -> None:
    """Add a user. The first user must be an owner; after that only owners add users."""
    password = _read_password(password_stdin, password_prompt)
    with open_project(project) as p:
        user = p.actions.add_user(name, role, actor=as_, password=password)
    print_json(user.__dict__) if json else console.print(_t(f"added {user.name} ({user.role})"))


@users_app.command("password")
def users_password(name: str,
                   password_stdin: Annotated[bool, typer.Option(
                       "--password-stdin", help="Read the password from standard input.")] = False,
                   as_: AsOption = None, project: ProjectOption = Path(".")) -> None:
    """Set a user's web sign-in password (yourself, or anyone when you are an owner)."""
    password = _read_password(password_stdin, not password_stdin) or ""
    with open_project(project) as p:
        user = p.actions.set_password(name, password, actor=as_ or name)
    console.print(_t(f"password set for {user.name}"))


def _read_password(from_stdin: bool, prompt: bool) -> str | None:
    import sys

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if prompt:
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return None


@users_app.command("list")
def users_list(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    with open_project(project) as p:
        found = p.users()
    if json:
        print_json([u.__dict__ for u in found])
        return
    table = RichTable("user", "role", "added", "added by")
    for u in found:
        table.add_row(_t(u.name), u.role, u.created_at[:19], _t(u.created_by))
    console.print(table)


# -- cases -----------------------------------------------------------------------
@cases_app.command("list")
def cases_list(state: Annotated[str | None, typer.Option(help="draft, approved, executed, "
                                                         "closed or cancelled")] = None,
               kind: Annotated[str | None, typer.Option(help="offboarding, reward, …")] = None,
               customer: Annotated[str | None, typer.Option(help="Customer id.")] = None,
               project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Cases with their state and progress."""
    with open_project(project) as p:
        found = p.cases(state=state, kind=kind, customer_id=customer)
    if json:
        print_json([c.to_dict() for c in found])
        return
    table = RichTable("case", "kind", "customer", "title", "state", "steps done", "updated")
    for c in found:
        done = sum(s.state == "executed" for s in c.steps)
        table.add_row(str(c.id), c.kind, _t(c.customer_id), _t(c.title), c.state,
                      f"{done}/{len(c.steps)}", c.updated_at[:19])
    console.print(table)


def render_case(case: Any) -> None:
    console.print(Text.assemble((f"Case {case.id} ", "bold"), (case.title, "bold"),
                                f"  [{case.state}]"))
    console.print(_t(f"customer {case.customer_id} · {case.kind} · opened by {case.created_by} "
                     f"{case.created_at[:19]}"))
    if case.allowed_moves:
        console.print(_t(f"next: {', '.join(case.allowed_moves)}"))
    for key in ("reason", "notice_date", "effective_date", "to"):
        if key in case.data:
            console.print(_t(f"{key.replace('_', ' ')}: {case.data[key]}"))
    table = RichTable("step", "kind", "title", "state", "drafted", "approved", "executed",
                      "tone")
    for s in case.steps:
        tone = "ok" if not s.lint else (f"overridden by {s.override_by}" if s.override_reason
                                        else "; ".join(repr(f["text"]) for f in s.lint))
        table.add_row(str(s.no), s.kind, _t(s.title), s.state, _t(s.drafted_by),
                      _t(f"{s.approved_by} {s.approved_at[:16]}" if s.approved_by else ""),
                      _t(f"{s.executed_by} {s.executed_at[:16]}" if s.executed_by else ""),
                      _t(tone))
    console.print(table)
    for s in case.steps:
        for f in s.files:
            console.print(_t(f"  step {s.no} file: {f}"))
        for call in s.payload.get("calls", []):
            console.print(_t(f"  step {s.no} call {call['at'][:16]} by {call['by']}: "
                             f"{call['outcome']} — {call['notes']}"))


@case_app.command("show")
def case_show(case: CaseArg, project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    with open_project(project) as p:
        found = p.case(case)
    print_json(found.to_dict()) if json else render_case(found)


@case_app.command("approve")
def case_approve(case: CaseArg, step: StepOption = None, as_: AsOption = None,
                 override_tone: Annotated[str | None, typer.Option(
                     "--override-tone", help="Approve text the tone lint blocked, with this "
                     "reason (managers and owners; recorded in the audit log).")] = None,
                 project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Approve every draft step (all or nothing), or one with --step."""
    with open_project(project) as p:
        found = p.approve_case(case, _actor(as_), step=step, override_reason=override_tone)
    print_json(found.to_dict()) if json else render_case(found)


@case_app.command("execute")
def case_execute(case: CaseArg, step: StepOption = None, as_: AsOption = None,
                 dry_run: Annotated[bool, typer.Option(
                     "--dry-run", help="Write e-mails as .eml files into outbox/; change "
                     "nothing.")] = False,
                 project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Execute approved steps in order (send, export, close) until one must wait."""
    with open_project(project) as p:
        result = p.execute_case(case, _actor(as_), step=step, dry_run=dry_run)
    if json:
        print_json({"case": result.case.to_dict(), "executed": list(result.executed),
                    "files": list(result.files), "dry_run": result.dry_run})
        return
    for f in result.files:
        console.print(_t(f"{'dry run: ' if dry_run else ''}{f}"))
    if not dry_run:
        console.print(_t(f"executed step(s): {', '.join(map(str, result.executed)) or 'none'}"))
    render_case(result.case)


@case_app.command("cancel")
def case_cancel(case: CaseArg, reason: Annotated[str, typer.Option("--reason")],
                as_: AsOption = None, project: ProjectOption = Path(".")) -> None:
    with open_project(project) as p:
        render_case(p.cancel_case(case, _actor(as_), reason))


@case_app.command("close")
def case_close(case: CaseArg, as_: AsOption = None, project: ProjectOption = Path(".")) -> None:
    with open_project(project) as p:
        render_case(p.close_case(case, _actor(as_)))


# -- offboarding -----------------------------------------------------------------
@offboard_app.command("start")
def offboard_start(customer: Annotated[str, typer.Argument(help="Customer id.")],
                   reason: Annotated[str, typer.Option("--reason", help="Why (kept in the "
                                                       "case and audit; not sent).")],
                   as_: AsOption = None,
                   notice_date: Annotated[str | None, typer.Option(
                       "--notice-date", help="Date of the notice, YYYY-MM-DD (default: today).",
                   )] = None,
                   project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Draft the offboarding case: e-mail, call, PDF letter, transition pack, credit, close."""
    when = date.fromisoformat(notice_date) if notice_date else None
    with open_project(project) as p:
        case = p.offboard(customer, reason=reason, actor=_actor(as_), notice_date=when)
    if json:
        print_json(case.to_dict())
        return
    render_case(case)
    console.print(_t(f"Review, then: goodfit case approve {case.id} --as MANAGER"))


@offboard_app.command("log-call")
def offboard_log_call(case: CaseArg,
                      outcome: Annotated[str, typer.Option(
                          help="answered, voicemail, no_answer, wrong_number, "
                          "callback_requested")],
                      notes: Annotated[str, typer.Option(help="What was said.")] = "",
                      as_: AsOption = None, project: ProjectOption = Path(".")) -> None:
    """Log a call to the organisation; the first one completes the call step."""
    with open_project(project) as p:
        render_case(p.log_call(case, outcome=outcome, notes=notes, actor=_actor(as_)))


@offboard_app.command("show")
def offboard_show(case: CaseArg, project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    case_show(case, project, json)


# -- outbox ----------------------------------------------------------------------
@outbox_app.command("list")
def outbox_list(state: Annotated[str | None, typer.Option(
                    help="draft, approved, sending, sent, failed, unknown, withdrawn, changed")] = None,
                case: Annotated[int | None, typer.Option(help="Only this case.")] = None,
                project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Every stored e-mail with its state, attempts and last error."""
    with open_project(project) as p:
        found = p.outbox(state=state, case_id=case)
    if json:
        print_json([{k: v for k, v in m.to_dict().items() if k != "body"} for m in found])
        return
    table = RichTable("id", "case", "to", "subject", "state", "tries", "last error")
    for m in found:
        style = {"failed": "red", "unknown": "yellow", "sent": "green"}.get(m.state, "")
        table.add_row(str(m.id), f"{m.case_id}/{m.step_no}", _t(m.to), _t(m.subject),
                      Text(m.state, style=style), str(m.attempts), _t(m.last_error))
    console.print(table)


@outbox_app.command("show")
def outbox_show(message: int, project: ProjectOption = Path(".")) -> None:
    """The stored message exactly as it will be (or was) sent."""
    with open_project(project) as p:
        found, raw = p.outbox_message(message)
    console.print(_t(f"#{found.id} {found.state} · {found.message_id}"))
    console.print(Text(raw), soft_wrap=True)


@outbox_app.command("send")
def outbox_send(as_: AsOption = None,
                dry_run: Annotated[bool, typer.Option(
                    "--dry-run", help="Write .eml files into outbox/ instead.")] = False,
                project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Send every approved e-mail the gate releases, once; say why each other one is held.

    A message goes out only when its case step's rules hold now (approved by an approver,
    four-eyes, earlier steps executed, its date not passed) and its content is exactly
    what was approved; a step whose e-mails are all sent is marked executed."""
    with open_project(project) as p:
        report = p.send_outbox(actor=as_, dry_run=dry_run)
    if json:
        print_json(report.__dict__)
    else:
        for f in report.files:
            console.print(_t(f"wrote {f}"))
        for mid, why in sorted(report.held.items()):
            console.print(_t(f"held #{mid}: {why}"))
        console.print(_t(f"sent {len(report.sent)}, held {len(report.held)}, retry later "
                         f"{len(report.retry)}, failed {len(report.failed)}, unknown "
                         f"{len(report.unknown)}"))
        if report.recovered:
            console.print(_t(f"found {len(report.recovered)} message(s) a stopped sender left "
                             "half-done: now 'unknown'; check the mailbox, then goodfit outbox "
                             "confirm ID --sent|--not-sent"))
    if not report.ok:
        raise typer.Exit(1)


@outbox_app.command("confirm")
def outbox_confirm(message: int,
                   sent: Annotated[bool, typer.Option("--sent/--not-sent", help="What the "
                                                      "mailbox shows.")],
                   as_: AsOption = None, project: ProjectOption = Path(".")) -> None:
    """After checking the mailbox: was an 'unknown' message delivered?"""
    with open_project(project) as p:
        m = p.confirm_message(message, sent=sent, actor=_actor(as_))
    console.print(_t(f"#{m.id} is now {m.state}"))


@outbox_app.command("retry")
def outbox_retry(message: int, as_: AsOption = None, project: ProjectOption = Path(".")) -> None:
    """Queue a failed message again (after fixing the cause)."""
    with open_project(project) as p:
        m = p.retry_message(message, actor=_actor(as_))
    console.print(_t(f"#{m.id} is now {m.state}"))


# -- audit -----------------------------------------------------------------------
@audit_app.command("verify")
def audit_verify(expect_head: Annotated[str | None, typer.Option(
                     "--expect-head", help="The head hash you noted earlier.")] = None,
                 anchor: Annotated[Path | None, typer.Option(
                     "--anchor", help="An anchor file (goodfit audit anchor): also catches a "
                     "rewritten, cut-off or emptied log and records appended after it.")] = None,
                 project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Check the hash chain; report the first record that does not match."""
    with open_project(project) as p:
        v = p.audit.verify(expect_head, anchor)
    if json:
        print_json(v.__dict__)
    elif v.ok:
        where = f", anchored up to record {v.anchored}" if v.anchored is not None else ""
        console.print(_t(f"ok: {v.records} records, head {v.head}{where}"))
    elif v.unanchored and "false date" not in v.reason:
        console.print(Text.assemble(("NOT ANCHORED ", "bold yellow"), v.reason))
    else:
        where = f"record {v.bad_seq}: " if v.bad_seq is not None else ""
        console.print(Text.assemble(("TAMPERED ", "bold red"), f"{where}{v.reason}"))
    if not v.ok:
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor(out: Annotated[Path | None, typer.Option(
                     "--out", help="Append to this file instead of [actions] anchor_file.")
                 ] = None,
                 mail_to: Annotated[str | None, typer.Option(
                     "--mail-to", help="Also e-mail the anchor to this address (e.g. the "
                     "owner), directly over [smtp].")] = None,
                 project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Write down the audit head (sequence, hash, time); keep a copy outside the project.

    goodfit does this after every send and every draw. `goodfit audit verify --anchor FILE`
    then detects a rewritten, cut-off or emptied log and records appended afterwards."""
    with open_project(project) as p:
        a, path = p.audit.anchor(out, mail_to=mail_to)
    if json:
        print_json({**a.to_dict(), "file": str(path)})
    else:
        console.print(_t(f"anchored record {a.seq} ({a.record_hash}) at {a.at[:19]} in {path}"
                         + (f"; e-mailed to {mail_to}" if mail_to else "")))


@audit_app.command("show")
def audit_show(customer: Annotated[str, typer.Argument(help="Customer id.")],
               project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Every event behind decisions about a customer, oldest first."""
    with open_project(project) as p:
        found = p.audit_events(customer_id=customer)
    if json:
        print_json([e.to_dict() for e in found])
        return
    table = RichTable("#", "at", "who", "event", "case", "details")
    for e in found:
        detail = ", ".join(f"{k}={v}" for k, v in e.data.items()
                           if k not in ("findings", "steps", "credit_lines"))
        table.add_row(str(e.seq), e.at[:19], _t(e.actor), e.kind, _t(e.case_id), _t(detail))
    console.print(table)
