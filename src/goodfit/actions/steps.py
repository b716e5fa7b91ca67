"""Step handlers: what executing a case step does, registered by kind where defined.

A handler has the ``StepHandler`` signature
``handler(ctx, case, step, actor, dry_run) -> StepOutcome`` and is registered with
``@step_handler("kind")``. A step stores the *kind* of its handler (``payload.handler``,
or by default: ``email`` when the step has e-mails, else the step's own kind, else
``files``), never a Python path, so renaming a module cannot strand a stored case.

The built-in kinds are defined below: ``email`` (send the step's messages), ``files``
(record the export of the step's files), ``call`` (done once a call is logged) and
``close``. Every release to a customer is checked by :mod:`goodfit.actions.gate` — a
handler never decides on its own that something may go out.
"""

from __future__ import annotations

from collections.abc import Callable

from goodfit.actions import audit, gate, outbox
from goodfit.actions.case_types import Case, Step, StepHandler, StepOutcome
from goodfit.actions.context import ActionContext
from goodfit.errors import ActionError, SendError

HANDLERS: dict[str, StepHandler] = {}


def step_handler(kind: str) -> Callable[[StepHandler], StepHandler]:
    """Register the decorated function as the handler of steps of ``kind``."""
    def register(fn: StepHandler) -> StepHandler:
        if kind in HANDLERS and HANDLERS[kind] is not fn:
            raise ValueError(f"step kind {kind!r} already has a handler: "
                             f"{HANDLERS[kind].__module__}.{HANDLERS[kind].__name__}")
        HANDLERS[kind] = fn
        return fn
    return register


def handler_kind(step: Step) -> str:
    stored = step.payload.get("handler")
    if stored:
        return str(stored)
    if step.message_ids:
        return "email"
    return step.kind if step.kind in HANDLERS else "files"


def handler_for(step: Step) -> StepHandler:
    kind = handler_kind(step)
    try:
        return HANDLERS[kind]
    except KeyError:
        raise ActionError(f"step {step.no} names the handler {kind!r}, which is not "
                          f"registered (known: {', '.join(sorted(HANDLERS))}); import the "
                          "module that defines it with @step_handler before executing"
                          ) from None


@step_handler("email")
def execute_email_step(ctx: ActionContext, case: Case, step: Step, actor: str,
                       dry_run: bool) -> StepOutcome:
    """Send the step's e-mails (through the gate); done when every one is sent."""
    report = outbox.send(ctx, ids=step.message_ids, dry_run=dry_run, actor=actor)
    if dry_run:
        return StepOutcome(False, files=tuple(report.files))
    if report.held:
        raise ActionError("; ".join(f"#{i} held: {why}" for i, why in sorted(report.held.items())))
    msgs = [m for m in outbox.list_messages(ctx.db, case_id=case.id) if m.step_no == step.no]
    waiting = [m for m in msgs if m.state != "sent"]
    if waiting:
        states = ", ".join(f"#{m.id} {m.state}" + (f" ({m.last_error})" if m.last_error else "")
                           for m in waiting)
        raise SendError(f"step {step.no} of case {case.id} is not done: {states}")
    return StepOutcome(True, {"messages": [m.message_id for m in msgs]})


@step_handler("files")
def execute_files_step(ctx: ActionContext, case: Case, step: Step, actor: str,
                       dry_run: bool) -> StepOutcome:
    """Steps with files (billing exports): released by the gate, their export recorded."""
    files = step.payload.get("files", [])
    with ctx.db.session() as session:
        hold = gate.check(session, ctx, case_id=case.id, step_no=step.no)
    if dry_run:  # a preview: nothing leaves
        return StepOutcome(False, files=tuple(f["path"] for f in files))
    if hold is not None:
        if hold.changed:
            audit.append(ctx.db, "changed_after_approval", actor=actor,
                         customer_id=case.customer_id, case_id=case.id,
                         data={"step": step.no, "reason": hold.reason})
        raise ActionError(hold.reason)
    if files:
        audit.append(ctx.db, "export", actor=actor, customer_id=case.customer_id,
                     case_id=case.id, data={"step": step.no, "files": files})
    return StepOutcome(True, {"files": [f["path"] for f in files]})


@step_handler("call")
def execute_call_step(ctx: ActionContext, case: Case, step: Step, actor: str,
                      dry_run: bool) -> StepOutcome:
    """A call is made by a person: the step is done once a call is logged."""
    calls = step.payload.get("calls", [])
    if dry_run or calls:
        return StepOutcome(bool(calls) and not dry_run, {"calls": len(calls)})
    raise ActionError(f"step {step.no} of case {case.id} waits for the call: after calling, "
                      f"run goodfit offboard log-call {case.id} --outcome voicemail|answered|… "
                      "--notes \"…\"")


@step_handler("close")
def execute_close_step(ctx: ActionContext, case: Case, step: Step, actor: str,
                       dry_run: bool) -> StepOutcome:
    if dry_run:
        return StepOutcome(False)
    waiting = [s.no for s in case.steps if s.kind != "close" and s.state != "executed"]
    if waiting:
        raise ActionError(f"case {case.id} cannot be closed yet: step(s) "
                          f"{', '.join(map(str, waiting))} are not executed")
    return StepOutcome(True)
