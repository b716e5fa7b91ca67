"""Courteous offboarding: parting ways with a customer organisation, step by step.

``start`` drafts a case about the organisation (never about a person) from the
templates in ``PROJECT/templates/offboarding/`` (written there on first use):

1. e-mail to the billing contact;
2. a call (script drafted; done when the call is logged with its outcome);
3. written notice of cancellation: a PDF letter e-mailed to the billing contact, with
   effective date = notice date + ``[offboarding] notice_days`` (business days if
   ``business_days``);
4. the transition pack (zip: service inventory, configuration notes, ticket history,
   recommended alternative providers), e-mailed;
5. the final month credited at the provider's expense (credit lines exported as CSV);
6. closing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from goodfit.actions import audit, cases, templates, transition
from goodfit.actions.context import ActionContext
from goodfit.actions.drafts import EmailDraft, check_address, validate
from goodfit.actions.letter import Letter, long_date, write_pdf
from goodfit.actions.users import require_user
from goodfit.errors import ActionError, IllegalTransition
from goodfit.metrics.common import require_customer

GROUP = "offboarding"
KIND = "offboarding"
CALL_OUTCOMES = ("answered", "voicemail", "no_answer", "wrong_number", "callback_requested")


def effective_date(notice: date, days: int, business_days: bool = False) -> date:
    """notice + days; with business_days, only Monday–Friday count."""
    if not business_days:
        return notice + timedelta(days=days)
    d, left = notice, days
    while left > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d


@dataclass
class Organisation:
    customer_id: str
    name: str
    email: str  # billing address
    contact_name: str = ""
    currency: str = "USD"
    services: list[dict[str, Any]] = field(default_factory=list)  # active at the notice date
    tickets: list[dict[str, Any]] = field(default_factory=list)


def _rows(ctx: ActionContext, table: str, customer_id: str) -> list[dict[str, Any]]:
    wh = ctx.customer_data()
    assert wh is not None
    t = wh.table(table)
    return list(t.filter(t.customer_id == customer_id).to_pyarrow().to_pylist())


def load_organisation(ctx: ActionContext, customer_id: str, notice: date) -> Organisation:
    wh = ctx.customer_data()
    if wh is None:
        raise ActionError("offboarding needs the warehouse (customer name, contacts, services)")
    require_customer(wh.table("customers"), customer_id)
    found = _rows(ctx, "customers", customer_id)
    c = found[0]
    billing = [p for p in _rows(ctx, "contacts", customer_id)
               if (p.get("role") or "").strip().lower() == "billing" and p.get("email")]
    email = c.get("email") or (billing[0]["email"] if billing else "")
    if not email:
        raise ActionError(f"customer {customer_id} has no billing e-mail: add customers.email "
                          "or a contact with role 'billing', then import again")
    cutoff = datetime(notice.year, notice.month, notice.day)
    services = sorted((s for s in _rows(ctx, "services", customer_id)
                       if s.get("ended_at") is None or s["ended_at"] > cutoff),
                      key=lambda s: str(s["service_id"]))
    for s in services:
        s["started"] = s["started_at"].date().isoformat() if s.get("started_at") else ""
    return Organisation(customer_id, c.get("name") or customer_id, email,
                        billing[0].get("name") or "" if billing else "",
                        c.get("currency") or ctx.config.project.currency, services,
                        _rows(ctx, "tickets", customer_id))


def _folder(ctx: ActionContext, customer_id: str, notice: date) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", customer_id)[:60]
    base = ctx.outbox_dir / GROUP / f"{safe}-{notice.isoformat()}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    folder.mkdir(parents=True)
    return folder


def start(ctx: ActionContext, customer_id: str, *, reason: str, actor: str,
          notice_date: date | None = None) -> cases.Case:
    """Draft the offboarding case with all its steps (nothing is sent before approval)."""
    if not reason.strip():
        raise ActionError("say why (--reason): it is kept in the case and the audit log, "
                          "not sent to the customer")
    with ctx.db.session() as session:
        require_user(session, actor)
    for other in cases.list_cases(ctx.db, kind=KIND, customer_id=customer_id):
        if other.state in ("draft", "approved", "executed"):
            raise ActionError(f"case {other.id} already offboards {customer_id} (it is "
                              f"{other.state}); see goodfit offboard show {other.id}")
    settings, provider = ctx.config.offboarding, ctx.config.project.name
    notice = notice_date or ctx.today()
    effective = effective_date(notice, settings.notice_days, settings.business_days)
    org = load_organisation(ctx, customer_id, notice)
    templates.ensure_defaults(ctx.root, GROUP)
    values: dict[str, Any] = {
        "provider": provider, "organisation": org.name, "customer_id": org.customer_id,
        "contact_name": org.contact_name, "phone": "", "reason": reason,
        "notice_date": notice.isoformat(), "notice_date_long": long_date(notice),
        "effective_date": effective.isoformat(), "effective_date_long": long_date(effective),
        "notice_days": settings.notice_days, "business_days": settings.business_days,
        "credit_final_month": settings.credit_final_month, "services": org.services,
        "alternatives": [a.model_dump() for a in settings.alternatives],
    }

    def mail(name: str, kind: str, attachments: tuple[str, ...] = ()) -> EmailDraft:
        subject, body = templates.render_email(ctx.root, GROUP, name, **values)
        return EmailDraft(customer_id=org.customer_id, to=org.email, subject=subject,
                          body=body, kind=kind, attachments=attachments)

    # Customer text that would steer a header is refused before anything is written.
    check_address(org.customer_id, "billing e-mail", org.email)
    for name in ("notice_email.txt", "letter_email.txt", "pack_email.txt"):
        validate(mail(name, "offboarding"))
    folder = _folder(ctx, org.customer_id, notice)
    rel = folder.relative_to(ctx.root)
    letter_text = templates.render(ctx.root, GROUP, "letter.txt", **values)
    font = ctx.root / settings.letter_font if settings.letter_font else None
    write_pdf(Letter(provider, settings.sender_address, org.name,
                     ("Attn: Billing", org.email), notice,
                     "Notice of cancellation of service agreement", letter_text),
              folder / "notice-of-cancellation.pdf", font)
    notes = templates.render(ctx.root, GROUP, "configuration_notes.txt", **values)
    alternatives = templates.render(ctx.root, GROUP, "alternatives.txt", **values)
    transition.write_pack(folder / "transition-pack.zip", services=org.services,
                          tickets=org.tickets, configuration_notes=notes,
                          alternatives=alternatives, dated=notice)
    steps = [
        cases.StepSpec("email", "E-mail to the billing contact",
                       drafts=(mail("notice_email.txt", "offboarding_notice"),)),
        cases.StepSpec("call", "Call the billing contact (log outcome and notes)",
                       text=templates.render(ctx.root, GROUP, "call_script.txt", **values)),
        cases.StepSpec("letter", f"Written notice (PDF), effective {effective.isoformat()}",
                       text=letter_text, files=(f"{rel}/notice-of-cancellation.pdf",),
                       payload={"send_by": notice.isoformat()},  # the gate's notice rule
                       drafts=(mail("letter_email.txt", "offboarding_letter",
                                    (f"{rel}/notice-of-cancellation.pdf",)),)),
        cases.StepSpec("pack", "Transition pack (inventory, notes, tickets, alternatives)",
                       text=notes + "\n" + alternatives, files=(f"{rel}/transition-pack.zip",),
                       drafts=(mail("pack_email.txt", "offboarding_pack",
                                    (f"{rel}/transition-pack.zip",)),)),
    ]
    lines = transition.credit_lines(org.customer_id, org.name, org.services, org.currency,
                                    effective)
    if settings.credit_final_month and lines:
        transition.write_credit_csv(folder / "final-month-credit.csv", lines)
        total = sum(-float(x["amount"]) for x in lines)
        steps.append(cases.StepSpec("credit", f"Credit the final month ({total:.2f} "
                                    f"{org.currency}) at our expense",
                                    files=(f"{rel}/final-month-credit.csv",),
                                    payload={"credit_lines": lines}))
    steps.append(cases.StepSpec("close", "Close the case"))
    return cases.open_case(ctx, kind=KIND, customer_id=org.customer_id,
                           title=f"Offboarding {org.name}", actor=actor, steps=steps, data={
                               "reason": reason, "organisation": org.name, "to": org.email,
                               "notice_date": notice.isoformat(),
                               "effective_date": effective.isoformat(),
                               "notice_days": settings.notice_days,
                               "business_days": settings.business_days,
                               "folder": str(rel)})


def log_call(ctx: ActionContext, case_id: int, *, outcome: str, notes: str,
             actor: str) -> cases.Case:
    """Record a call attempt; the first one executes the (approved) call step."""
    if outcome not in CALL_OUTCOMES:
        raise ActionError(f"outcome must be one of {', '.join(CALL_OUTCOMES)}, not '{outcome}'")
    case = cases.get_case(ctx.db, case_id)
    step = next((s for s in case.steps if s.kind == "call"), None)
    if step is None:
        raise ActionError(f"case {case_id} has no call step")
    if step.state not in ("approved", "executed"):
        raise IllegalTransition(f"the call step ({step.no}) of case {case_id}", step.state,
                                "log a call for", cases.STEP_MOVES[step.state],
                                "Approve the call script first: goodfit case approve "
                                f"{case_id} --step {step.no}")
    call = {"at": audit.now_iso(), "by": actor, "outcome": outcome, "notes": notes}
    with ctx.db.session() as session:
        require_user(session, actor)
        cases.update_step_payload(session, case_id, step.no,
                                  calls=[*step.payload.get("calls", []), call])
        audit.append_in(session, "call_logged", actor=actor, customer_id=case.customer_id,
                        case_id=case_id, data={"step": step.no, **call})
    if step.state == "approved":
        return cases.complete_step(ctx, case_id, step.no, actor,
                                   {"outcome": outcome, "calls": 1})
    return cases.get_case(ctx.db, case_id)
