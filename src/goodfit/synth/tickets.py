"""Tickets and their threads for one customer, shaped by the customer's persona."""

from __future__ import annotations

import math
import random
from typing import Any

from goodfit.synth.customer import (
    DAY,
    MINUTE,
    Account,
    Calendar,
    Counters,
    daytime,
    poisson,
    weighted,
)
from goodfit.synth.kb import Article, article_url
from goodfit.synth.messages import MessageWriter
from goodfit.synth.names import STAFF
from goodfit.synth.personas import BEHAVIOURS
from goodfit.synth.text import INTENT_CODES, SYSTEM_ACK
from goodfit.synth.writer import ProviderWriter

PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("email", "web", "chat", "phone", "api")
CHANNEL_WEIGHTS = (0.45, 0.33, 0.1, 0.08, 0.04)
HOUR = 3600


class TicketMaker:
    def __init__(self, r: random.Random, cal: Calendar, ids: Counters, out: ProviderWriter,
                 articles: list[Article], truth: list[tuple[Any, ...]]) -> None:
        self.r = r
        self.cal = cal
        self.ids = ids
        self.out = out
        self.writer = MessageWriter(r)
        self.answerable = [a for a in articles if a.questions]
        self.truth = truth  # ground truth rows: ticket_id, customer_id, intent, code, article

    def for_account(self, a: Account, multiplier: float) -> int:
        r = self.r
        b = BEHAVIOURS[a.persona]
        months = max(0.0, (a.active_until - a.active_from) / (30 * DAY))
        count = poisson(r, b.tickets_per_month * multiplier * months)
        intents = tuple(b.intents)
        weights = tuple(b.intents.values())
        favourites = r.sample(self.answerable, 4)  # hand-holders ask about the same things
        made = 0
        for _ in range(count):
            opened = daytime(r, r.randrange(a.active_from, a.active_until) // DAY * DAY)
            if opened >= self.cal.end:
                continue
            intent = weighted(r, intents, weights)
            self.ticket(a, intent, opened, favourites)
            made += 1
        if a.refund_at is not None:
            # a burst of trouble in the weeks before the refund
            for _ in range(poisson(r, 3.0) + 2):
                opened = a.refund_at - r.randint(1, 30) * DAY + r.randrange(DAY)
                if a.active_from <= opened < self.cal.end:
                    self.ticket(a, r.choice(("network", "hardware", "bug", "billing")), opened,
                                favourites, priority=r.choice(("normal", "high", "urgent")))
                    made += 1
        if a.persona == "priority_abuser":
            for paid in a.paid_events:
                if r.random() < 0.3 and paid >= self.cal.window_start:
                    opened = paid + r.randint(3, 50) * MINUTE
                    if opened < self.cal.end:
                        self.ticket(a, "activation", opened, favourites,
                                    priority="urgent" if r.random() < 0.7 else "high")
                        made += 1
        return made

    def ticket(self, a: Account, intent: str, opened: int, favourites: list[Article], *,
               priority: str | None = None) -> None:
        r = self.r
        b = BEHAVIOURS[a.persona]
        ticket_id = f"T-{self.ids.next('ticket'):08d}"
        article: Article | None = None
        question = None
        if intent == "howto":
            article = r.choice(favourites) if r.random() < 0.6 else r.choice(self.answerable)
            question = r.choice(article.questions)
        staff = r.choice(STAFF)
        contact_name, contact_email = r.choice(a.contacts)
        service = r.choice(a.services)
        first = contact_name.split(" ")[0]
        s = self.writer.slots({
            "host": f"{service.plan.split('-')[0]}{r.randint(1, 99)}.{a.domain}",
            "ip": f"{r.choice(('203.0.113', '198.51.100', '192.0.2'))}.{r.randint(2, 254)}",
            "domain": a.domain, "service": service.service_id, "plan": service.plan,
            "invoice": r.choice(a.invoice_ids) if a.invoice_ids else "the last invoice",
            "amount": f"{a.currency} {service.price / 100:.2f}", "staff": staff.capitalize(),
            "name": contact_name, "first": first, "company": a.company, "phone": a.phone,
            "initials": "".join(p[0] for p in contact_name.split(" ") if p).upper(),
            "ticket": ticket_id,
            "tag": _topic(article.tags) if article else "my account",
            "title": article.title if article else "",
            "url": article_url(article.article_id) if article else "",
            "step": article.body.split("\n")[2][3:] if article else "",
        })
        abusive = b.abusive_share > 0
        # messages: (sent_at, role, author, body)
        thread: list[tuple[int, str, str, str]] = []
        rude = abusive and r.random() < b.abusive_share
        body = self.writer.customer_first(intent, s, question=question, abusive=rude)
        thread.append((opened, "customer", contact_email, body))
        if r.random() < 0.05:
            thread.append((opened + 1, "system", "helpdesk", SYSTEM_ACK.format(ticket=ticket_id)))
        urgent = priority in ("urgent", "high")
        wait = r.lognormvariate(math.log(25 if urgent else 60), 0.9) * MINUTE
        at = opened + int(wait) + 1
        first_response = at
        rounds = poisson(r, {"hand_holder": 1.6, "abusive": 1.8,
                              "priority_abuser": 1.0}.get(a.persona, 0.6))
        thread.append((at, "staff", staff, self.writer.staff(intent, s, calm=rude)))
        staff_replies = 1
        for _ in range(rounds):
            at += int(r.lognormvariate(math.log(5 * HOUR), 1.0))
            rude = abusive and r.random() < b.abusive_share
            thread.append((at, "customer", contact_email, self.writer.customer_followup(
                intent, s, resolved=False, abusive=rude, quote=thread[-1][3], quote_at=thread[-1][0])))
            at += int(r.lognormvariate(math.log(2 * HOUR), 0.8))
            thread.append((at, "staff", staff, self.writer.staff(intent, s, calm=rude)))
            staff_replies += 1
        if r.random() < 0.45:
            at += int(r.lognormvariate(math.log(3 * HOUR), 0.8))
            thread.append((at, "customer", contact_email, self.writer.customer_followup(
                intent, s, resolved=True, abusive=False, quote=thread[-1][3], quote_at=thread[-1][0])))
            if r.random() < 0.3:
                at += int(r.lognormvariate(math.log(HOUR), 0.7))
                thread.append((at, "staff", staff, self.writer.staff(intent, s, closing=True)))
                staff_replies += 1
        closed: int | None = at + r.randint(5, 24 * 60) * MINUTE
        if closed is None or closed > self.cal.end or r.random() < 0.02:
            closed = None
        thread = [m for m in thread if m[0] <= self.cal.end]
        if first_response > self.cal.end:
            first_response_at: int | None = None
        else:
            first_response_at = first_response
        codes, category = INTENT_CODES[intent]
        true_code = weighted(r, [c for c, _ in codes], tuple(w for _, w in codes))
        given = 0.8 if intent == "howto" and a.persona == "hand_holder" else 0.62
        code = true_code if closed is not None and r.random() < given else None
        minutes = None
        if r.random() < 0.6:
            per_reply = {"hardware": 25, "change": 30, "bug": 20}.get(intent, 10)
            minutes = float(sum(r.randint(per_reply // 2, per_reply * 2)
                                for _ in range(staff_replies)))
        reopened = 0
        if closed is not None and r.random() < (0.2 if abusive or a.persona == "hand_holder"
                                                else 0.07):
            reopened = r.choice((1, 1, 1, 2, 3))
        csat = None
        if closed is not None and r.random() < 0.35:
            csat = weighted(r, (1, 2, 3, 4, 5), b.satisfaction)
        if priority is None:
            priority = weighted(r, PRIORITIES, b.priorities)
        channel = weighted(r, CHANNELS, CHANNEL_WEIGHTS)
        subject = self.writer.subject(intent, s, question)
        self.out["tickets"].add((ticket_id, a.customer_id, opened, closed, priority, channel,
                                 subject, category, code, minutes, first_response_at, reopened,
                                 csat, staff))
        for sent, role, author, text in thread:
            self.out["messages"].add((f"M-{self.ids.next('message'):09d}", ticket_id, sent, role,
                                      author, text))
        self.truth.append((ticket_id, a.customer_id, intent, true_code,
                           article.article_id if article else ""))


def _topic(tags: str) -> str:
    """The article's subject word, not its product tag (for vague ticket subjects)."""
    words = [w for w in tags.split(",") if w not in ("vps", "dedicated")]
    return words[0] if words else tags
