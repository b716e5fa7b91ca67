"""Education digests: send a customer the articles that answer the questions they asked.

Input is ``ticket_kb_match`` (written by ``goodfit kb match``): for each ticket the best
knowledge-base articles, with ``answerable`` = the docs answer this ticket and
``confident`` = goodfit is sure which article does (it abstains otherwise). A customer
with at least ``[education] min_tickets`` answerable tickets in the window gets one
courteous e-mail listing, for each of their own ticket subjects, the article that
answers it. The e-mail goes to the outbox as a case step, tone-linted, and waits for
approval like every other message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import ibis

from goodfit.actions import cases, templates, tone_lint
from goodfit.actions.context import ActionContext
from goodfit.actions.drafts import EmailDraft
from goodfit.actions.rewards import billing_emails
from goodfit.config import Config
from goodfit.errors import MissingDerivedTable
from goodfit.window import Window


@dataclass(frozen=True)
class DigestItem:
    ticket_id: str
    subject: str
    opened_at: datetime
    article_id: str
    title: str
    url: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "opened_at": self.opened_at.isoformat()}


@dataclass(frozen=True)
class Digest:
    customer_id: str
    name: str
    to: str
    items: tuple[DigestItem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"customer_id": self.customer_id, "name": self.name, "to": self.to,
                "items": [i.to_dict() for i in self.items]}


def plan(tables: Mapping[str, ibis.Table], kb_match: ibis.Table, config: Config, *,
         as_of: date | datetime | str | None = None,
         customer_ids: Sequence[str] | None = None) -> list[Digest]:
    """One digest per customer with enough tickets the knowledge base answers (tickets
    opened in ``[education] window_months`` up to ``as_of``, default the newest data)."""
    s = config.education
    window = Window.resolve(tables, as_of=as_of, months=s.window_months)
    if "confident" not in kb_match.columns:
        raise MissingDerivedTable("ticket_kb_match.confident", "goodfit kb match")
    # only an article goodfit is sure answers the ticket (linked by staff, or a sure match
    # of the question): a digest never sends an unrelated article
    m = kb_match.filter(kb_match.answerable & kb_match.confident
                        & (kb_match.score >= s.min_score))
    # the best answering article per ticket
    best = m.group_by("ticket_id").aggregate(best=m["rank"].min())
    m = m.join(best, (m.ticket_id == best.ticket_id) & (m["rank"] == best.best)).select(
        m.ticket_id, m.article_id, m.score)
    t = tables["tickets"]
    t = t.filter(window.contains(t.opened_at))
    kb = tables["kb_articles"]
    joined = (t.join(m, t.ticket_id == m.ticket_id)
              .join(kb, m.article_id == kb.article_id)
              .select(t.customer_id, t.ticket_id, t.subject, t.opened_at, m.article_id,
                      kb.title, kb.url, m.score))
    if customer_ids is not None:
        joined = joined.filter(joined.customer_id.isin(list(customer_ids)))
    rows = joined.to_pyarrow().to_pylist()
    cust = tables["customers"].select("customer_id", "name", "email", "status") \
        .to_pyarrow().to_pylist()
    info = {str(c["customer_id"]): c for c in cust}
    emails = billing_emails(tables)
    by_customer: dict[str, list[DigestItem]] = {}
    for r in rows:
        cid = str(r["customer_id"])
        subject = str(r["subject"] or "").strip() or f"ticket {r['ticket_id']}"
        by_customer.setdefault(cid, []).append(DigestItem(
            str(r["ticket_id"]), subject, _naive(r["opened_at"]), str(r["article_id"]),
            str(r["title"]), str(r["url"] or ""), float(r["score"] or 0)))
    digests = []
    for cid, items in sorted(by_customer.items()):
        c = info.get(cid, {})
        if (c.get("status") or "active") == "cancelled" or len(items) < s.min_tickets:
            continue
        items.sort(key=lambda i: (i.opened_at, i.ticket_id))
        digests.append(Digest(cid, str(c.get("name") or cid),
                              emails.get(cid) or str(c.get("email") or ""),
                              tuple(items[-s.max_articles:])))
    return digests


def render(ctx: ActionContext, digest: Digest) -> EmailDraft:
    templates.ensure_defaults(ctx.root, "education")
    subject, body = templates.render_email(
        ctx.root, "education", ctx.config.education.template,
        provider=ctx.config.project.name, customer_name=digest.name,
        customer_id=digest.customer_id,
        items=[{**i.to_dict(), "opened": f"{i.opened_at:%d %B %Y}"} for i in digest.items])
    return EmailDraft(customer_id=digest.customer_id, to=digest.to, subject=subject,
                      body=body, kind="education")


def lint(ctx: ActionContext, draft: EmailDraft) -> list[tone_lint.Finding]:
    """What the tone lint finds in a digest (the template and the quoted subjects)."""
    return tone_lint.lint(f"{draft.subject}\n{draft.body}", ctx.config.actions)


def already_covered(ctx: ActionContext) -> set[str]:
    """Tickets already in an education case that was not cancelled."""
    return {t for c in cases.list_cases(ctx.db, kind="education") if c.state != "cancelled"
            for t in c.data.get("tickets", [])}


def without_covered(digests: Sequence[Digest], covered: set[str], min_tickets: int
                    ) -> list[Digest]:
    """Drop tickets a customer was already sent articles for; keep digests still worth it."""
    out = []
    for d in digests:
        items = tuple(i for i in d.items if i.ticket_id not in covered)
        if len(items) >= min_tickets:
            out.append(Digest(d.customer_id, d.name, d.to, items))
    return out


def draft(ctx: ActionContext, digests: Sequence[Digest], actor: str) -> list[cases.Case]:
    """One education case per digest: the e-mail (awaiting approval), then closing.

    Tickets already covered by an earlier education case (not cancelled) are left out,
    so running ``draft`` twice never sends a customer the same articles twice.
    """
    opened = []
    for d in without_covered(digests, already_covered(ctx), ctx.config.education.min_tickets):
        if not d.to:
            continue  # plan shows these; nothing can be sent without an address
        mail = render(ctx, d)
        opened.append(cases.open_case(
            ctx, kind="education", customer_id=d.customer_id,
            title=f"Education digest: {len(d.items)} article(s)", actor=actor,
            data={"tickets": [i.ticket_id for i in d.items],
                  "articles": sorted({i.article_id for i in d.items})},
            steps=[cases.StepSpec(kind="email", title="Send the digest", drafts=(mail,)),
                   cases.StepSpec(kind="close", title="Close")]))
    return opened


def _naive(value: Any) -> datetime:
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return value.replace(tzinfo=None)  # type: ignore[no-any-return]
