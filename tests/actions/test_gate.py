"""One gate to the customer: nothing leaves unless its step's rules hold at send time,
and an approval binds exactly the content that was approved.

Each test reproduces a finding: the outbox used to deliver what ``case execute``
refused, and an approved message edited in the state DB went out to the new address.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from goodfit.actions import audit, cases, offboarding, outbox
from goodfit.actions.context import ActionContext
from goodfit.errors import ActionError, GoodfitError
from goodfit.project import Project
from tests.actions.conftest import Mailbox, acme_context
from tests.actions.provider import make_project

NOTICE = date(2026, 1, 30)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = make_project(tmp_path / "acme")
    p.config.project.name = "Acme Hosting"
    yield p
    p.close()


@pytest.fixture
def octx(project: Project, mailbox: Mailbox) -> ActionContext:
    return acme_context(project, mailbox, NOTICE)


def _msg_ids(ctx: ActionContext, case_id: int) -> dict[int, int]:
    """step number → outbox id (one message per step in an offboarding case)."""
    return {m.step_no: m.id for m in outbox.list_messages(ctx.db, case_id=case_id)
            if m.step_no is not None}


def test_outbox_send_holds_the_letter_case_execute_refused(octx: ActionContext,
                                                           mailbox: Mailbox) -> None:
    """Seen: `case execute 1` refused the notice letter, `outbox send` delivered it."""
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.approve(octx, case.id, "bob")
    cases.execute(octx, case.id, "carol", step=1)
    offboarding.log_call(octx, case.id, outcome="answered", notes="ok", actor="carol")
    octx.today = lambda: date(2026, 12, 1)  # ten months after the letter's date
    with pytest.raises(ActionError, match="would shorten the notice"):
        cases.execute(octx, case.id, "carol", step=3)
    ids = _msg_ids(octx, case.id)
    report = cases.send_outbox(octx, actor="carol")
    assert report.sent == []
    assert "dated 2026-01-30; sending it on 2026-12-01 would shorten the notice" in \
        report.held[ids[3]]
    assert "step order: step(s) 3 of case 1 come first" in report.held[ids[4]]
    assert len(mailbox.messages) == 1  # only step 1's e-mail, sent on the notice date
    assert outbox.get_message(octx.db, ids[3]).state == "approved"


def test_approve_then_outbox_send_sends_only_the_next_step(octx: ActionContext,
                                                           mailbox: Mailbox) -> None:
    """Seen: `case approve 18`, `outbox send` → "sent 3" while no step was executed."""
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.approve(octx, case.id, "bob")
    ids = _msg_ids(octx, case.id)
    assert sorted(ids) == [1, 3, 4]  # e-mail, letter, pack; step 2 is the call
    report = cases.send_outbox(octx, actor="carol")
    assert report.sent == [ids[1]]
    assert sorted(report.held) == [ids[3], ids[4]]
    assert all("step order" in why for why in report.held.values())
    assert [m["message_id"] for m in mailbox.messages] == [
        outbox.get_message(octx.db, ids[1]).message_id]
    after = cases.get_case(octx.db, case.id)
    # what the customer received is what the case says was done
    assert [s.state for s in after.steps] == ["executed", "approved", "approved", "approved",
                                               "approved", "approved"]
    again = cases.send_outbox(octx, actor="carol")  # the call still comes first
    assert again.sent == [] and len(mailbox.messages) == 1


def test_draft_steps_and_missing_approvers_are_held(octx: ActionContext,
                                                    mailbox: Mailbox) -> None:
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    ids = _msg_ids(octx, case.id)
    cases.approve(octx, case.id, "bob", step=1)
    report = cases.send_outbox(octx, actor="carol")
    assert report.sent == [] and "case 1 is draft" in report.held[ids[1]]
    cases.approve(octx, case.id, "bob")
    with octx.db.engine.begin() as con:  # bob is demoted after approving
        con.execute(text("UPDATE users SET role = 'agent' WHERE name = 'bob'"))
    report = cases.send_outbox(octx, actor="carol")
    assert report.sent == [] and "approved by bob, who is not one of owner, manager" in \
        report.held[ids[1]]
    with octx.db.engine.begin() as con:  # approved by the drafter, written into the DB
        con.execute(text("UPDATE users SET role = 'manager' WHERE name = 'carol'"))
        con.execute(text("UPDATE case_steps SET approved_by = 'carol'"))
        con.execute(text("UPDATE outbox SET approved_by = 'carol'"))
    report = cases.send_outbox(octx, actor="carol")
    assert report.sent == [] and "four-eyes: carol drafted and approved step 1" in \
        report.held[ids[1]]
    with pytest.raises(ActionError, match="four-eyes"):
        cases.execute(octx, case.id, "carol", step=1)
    assert mailbox.messages == []


@pytest.mark.parametrize("column, value", [
    ("to_addr", "attacker@evil.example"),
    ("body", "Please pay to IBAN XX00 0000 instead."),
])
def test_a_message_edited_after_approval_is_not_sent(octx: ActionContext, mailbox: Mailbox,
                                                     column: str, value: str) -> None:
    """Seen: editing body and recipient in the state DB; the tampered mail went out."""
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.approve(octx, case.id, "bob")
    first = _msg_ids(octx, case.id)[1]
    with octx.db.engine.begin() as con:
        con.execute(text(f"UPDATE outbox SET {column} = :v WHERE id = :id"),
                    {"v": value, "id": first})
    report = cases.send_outbox(octx, actor="carol")
    assert report.sent == [] and report.changed == [first] and not report.ok
    assert report.held[first].startswith("changed after approval")
    assert mailbox.messages == []
    m = outbox.get_message(octx.db, first)
    assert m.state == "changed"
    events = audit.events(octx.db, kind="changed_after_approval")
    assert len(events) == 1 and events[0].data["outbox_id"] == first
    assert events[0].data["approved_sha256"] != events[0].data["sha256"]
    assert audit.verify(octx.db).ok  # the chain itself is intact and records the refusal
    assert cases.send_outbox(octx, actor="carol").sent == []  # never retried blindly
    with pytest.raises(GoodfitError, match="#1 changed .changed after approval"):
        cases.execute(octx, case.id, "carol", step=1)
    assert mailbox.messages == []


def test_raw_message_edited_after_approval_is_not_sent(octx: ActionContext,
                                                       mailbox: Mailbox) -> None:
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.approve(octx, case.id, "bob")
    first = _msg_ids(octx, case.id)[1]
    with octx.db.engine.begin() as con:
        raw = con.execute(text("SELECT raw FROM outbox WHERE id = :id"), {"id": first}).scalar()
        assert "To: billing@lodz-cafe.example" in raw
        con.execute(text("UPDATE outbox SET raw = :r WHERE id = :id"), {
            "r": raw.replace("To: billing@lodz-cafe.example",
                             "To: billing@lodz-cafe.example\nBcc: spy@evil.example"),
            "id": first})
    report = cases.send_outbox(octx, actor="carol")
    assert report.changed == [first] and mailbox.messages == []


def test_a_file_changed_after_approval_stops_the_export(octx: ActionContext,
                                                        mailbox: Mailbox) -> None:
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.approve(octx, case.id, "bob")
    credit = next(s for s in case.steps if s.kind == "credit")
    path = octx.root / credit.files[0]
    path.write_text(path.read_text() + "C-1,x,S-9,extra,-999.00,USD,2026-03-01\n")
    with octx.db.engine.begin() as con:  # pretend every earlier step was done
        con.execute(text("UPDATE case_steps SET state = 'executed' WHERE no < :n"),
                    {"n": credit.no})
    with pytest.raises(ActionError, match="final-month-credit.csv changed after it was "
                                          "drafted"):
        cases.execute(octx, case.id, "carol", step=credit.no)
    assert [e.data["step"] for e in audit.events(octx.db, kind="changed_after_approval")] == [
        credit.no]
    assert audit.events(octx.db, kind="export") == []


def test_a_step_edited_after_approval_is_not_executed(octx: ActionContext,
                                                      mailbox: Mailbox) -> None:
    case = offboarding.start(octx, "C-1", reason="r", actor="carol", notice_date=NOTICE)
    cases.approve(octx, case.id, "bob")
    with octx.db.engine.begin() as con:  # move the letter's date rule out of the way
        con.execute(text("UPDATE case_steps SET payload = '{}' WHERE no = 3"))
        con.execute(text("UPDATE case_steps SET state = 'executed' WHERE no < 3"))
    octx.today = lambda: date(2026, 12, 1)
    report = cases.send_outbox(octx, actor="carol")
    letter = _msg_ids(octx, case.id)[3]
    assert report.sent == [] and report.held[letter].startswith(
        "changed after approval: step 3 of case 1")
    assert mailbox.messages == []
