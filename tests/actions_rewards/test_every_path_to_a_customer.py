"""Every path by which something reaches a customer goes through the one gate.

Paths: ``outbox send``, ``case execute`` (e-mails, letters, packs, billing exports),
the reward export (congratulations + credit lines), education digests, offboarding.
For each, the items are tried unapproved, approved against the rules, and changed
after approval; a real SMTP server (aiosmtpd) on 127.0.0.1 shows none was released.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pyarrow as pa
import pytest
from sqlalchemy import text

from goodfit.actions import audit, cases, offboarding, outbox
from goodfit.actions.context import ActionContext
from goodfit.actions.users import add_user
from goodfit.errors import GoodfitError
from goodfit.project import Project
from tests.actions.conftest import Mailbox, mailbox  # noqa: F401  (the SMTP fixture)
from tests.actions_rewards.conftest import AS_OF


@pytest.fixture
def ctx(world: Project, mailbox: Mailbox) -> Iterator[ActionContext]:  # noqa: F811
    add_user(world.state, "alice", "owner")
    add_user(world.state, "bob", "manager", actor="alice")
    c = world.actions_context()
    c.config.smtp.host, c.config.smtp.port = "127.0.0.1", mailbox.port
    c.config.smtp.from_ = "support@provider.example"
    c.env = {}
    c.today = lambda: date(2025, 1, 2)
    yield c


def _every_case_is_refused(ctx: ActionContext) -> None:
    for case in cases.list_cases(ctx.db):
        with pytest.raises(GoodfitError):
            cases.execute(ctx, case.id, "bob")


def _nothing_sent(ctx: ActionContext, mailbox: Mailbox) -> dict[int, str]:  # noqa: F811
    report = cases.send_outbox(ctx, actor="bob")
    assert report.sent == [] and mailbox.messages == []
    return report.held


def test_no_path_releases_an_unapproved_changed_or_rule_breaking_item(
        world: Project, ctx: ActionContext, mailbox: Mailbox) -> None:  # noqa: F811
    # 1. drafts from every producer: reward export, education digest, offboarding
    world.scoring.score(as_of=AS_OF)  # rewards read the stored run's idle flags
    plan, rec = world.rewards_plan(as_of=AS_OF, actor="alice")
    assert rec is not None
    world.rewards_commit(rec.id, "alice")
    world.rewards_draw(rec.id, "alice")
    anchors = audit.read_anchors(world.root / "audit" / "anchors.jsonl")  # after every draw
    assert (anchors[-1].seq, anchors[-1].record_hash) == audit.head(world.state)
    exported = world.rewards_export(rec.id, "alice")
    assert exported.case_ids
    world.warehouse.write_table("kb_articles", pa.table({
        "article_id": ["KB-1"], "title": ["Reset your password"],
        "body": ["Steps"], "url": ["https://help.example/kb/1"], "tags": [""]}))
    world.warehouse.write_table("ticket_kb_match", pa.table({
        "ticket_id": ["T-1", "T-2"], "customer_id": ["C-TICKET", "C-TICKET"],
        "article_id": ["KB-1", "KB-1"], "score": [0.9, 0.9], "rank": [1, 1],
        "answerable": [True, True], "confident": [True, True]}))
    ctx.config.education.min_tickets = 1
    from goodfit.actions import education

    digests = education.plan(world.warehouse.tables(), world.warehouse.table("ticket_kb_match"),
                             ctx.config, as_of=AS_OF)
    educated = education.draft(ctx, digests, "alice")
    assert educated
    off = offboarding.start(ctx, "C-IDEAL", reason="r", actor="alice",
                            notice_date=date(2025, 1, 2))
    drafts = outbox.list_messages(ctx.db)
    assert drafts and {m.state for m in drafts} == {"draft"}

    # unapproved: neither outbox send nor case execute releases anything
    held = _nothing_sent(ctx, mailbox)
    assert held == {}  # drafts are not even candidates
    _every_case_is_refused(ctx)

    # rule-breaking: approved by the person who drafted them (written into the DB)
    with ctx.db.engine.begin() as con:
        con.execute(text("UPDATE cases SET state = 'approved', approved_by = 'alice'"))
        con.execute(text("UPDATE case_steps SET state = 'approved', approved_by = 'alice'"))
        con.execute(text("UPDATE outbox SET state = 'approved', approved_by = 'alice'"))
    held = _nothing_sent(ctx, mailbox)
    assert set(held) == {m.id for m in drafts}
    assert all("no recorded approval" in why or "four-eyes" in why for why in held.values())
    _every_case_is_refused(ctx)
    with ctx.db.engine.begin() as con:  # back to drafts, then approved properly by bob
        con.execute(text("UPDATE cases SET state = 'draft', approved_by = NULL"))
        con.execute(text("UPDATE case_steps SET state = 'draft', approved_by = NULL"))
        con.execute(text("UPDATE outbox SET state = 'draft', approved_by = NULL, "
                         "last_error = NULL"))
    for case in cases.list_cases(ctx.db):
        cases.approve(ctx, case.id, "bob")

    # changed after approval: every approved message's body edited in the state DB, and
    # the billing export file edited on disk
    with ctx.db.engine.begin() as con:
        con.execute(text("UPDATE outbox SET body = body || ' Pay to IBAN XX00 instead.'"))
    credits = world.root / exported.credits_csv
    credits.write_text(credits.read_text().replace(",", ",9", 1))
    report = cases.send_outbox(ctx, actor="bob")
    assert report.sent == [] and mailbox.messages == []
    assert sorted(report.changed) == sorted(m.id for m in drafts)
    anchors = audit.read_anchors(world.root / "audit" / "anchors.jsonl")  # after every send
    assert (anchors[-1].seq, anchors[-1].record_hash) == audit.head(world.state)
    # the offboarding letter: late (after its date) and its step order not met
    ctx.today = lambda: date(2025, 3, 1)
    _every_case_is_refused(ctx)
    assert mailbox.messages == []
    assert {m.state for m in outbox.list_messages(ctx.db)} == {"changed"}
    assert off.id in {c.id for c in cases.list_cases(ctx.db)}
    assert all(s.state != "executed" for c in cases.list_cases(ctx.db) for s in c.steps)
