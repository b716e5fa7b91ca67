"""Case lifecycle: roles, four-eyes, illegal moves, tone lint and its override."""

from __future__ import annotations

import pytest

from goodfit.actions import audit, cases, outbox
from goodfit.actions.context import ActionContext
from goodfit.actions.drafts import EmailDraft
from goodfit.errors import IllegalTransition, NotAllowed, ToneLintBlocked, UnknownUser
from tests.actions.conftest import Mailbox


def _mail(body: str = "Thank you for being with us.") -> EmailDraft:
    return EmailDraft(customer_id="C-1", to="billing@acme.example", subject="Your account",
                      body=body, kind="notice")


def _open(ctx: ActionContext, body: str = "Thank you for being with us.",
          actor: str = "carol") -> cases.Case:
    return cases.open_case(ctx, kind="test", customer_id="C-1", title="Test case", actor=actor,
                           steps=[cases.StepSpec("email", "Tell them", drafts=(_mail(body),)),
                                  cases.StepSpec("close", "Close")])


def test_case_goes_draft_approved_executed_closed_with_who_and_when(
        ctx: ActionContext, mailbox: Mailbox) -> None:
    case = _open(ctx)
    assert case.state == "draft" and [s.state for s in case.steps] == ["draft", "draft"]
    case = cases.approve(ctx, case.id, "bob")
    assert case.state == "approved" and case.approved_by == "bob"
    assert all(s.approved_by == "bob" and s.approved_at for s in case.steps)
    result = cases.execute(ctx, case.id, "carol")
    assert result.executed == (1, 2)
    assert result.case.state == "closed" and result.case.closed_by == "carol"
    assert result.case.step(1).executed_by == "carol"
    assert len(mailbox.messages) == 1
    kinds = [e.kind for e in audit.events(ctx.db, case_id=case.id)]
    assert kinds == ["case_opened", "step_approved", "step_approved", "case_approved", "send",
                     "step_executed", "case_executed", "step_executed", "case_closed"]
    assert audit.verify(ctx.db).ok


def test_illegal_transitions_name_the_state_and_allowed_moves(ctx: ActionContext) -> None:
    case = _open(ctx)
    with pytest.raises(IllegalTransition) as err:
        cases.execute(ctx, case.id, "carol")
    assert "it is draft" in err.value.message and "approve, cancel" in err.value.message
    cases.approve(ctx, case.id, "bob")
    with pytest.raises(IllegalTransition) as err:
        cases.approve(ctx, case.id, "alice")
    assert err.value.message == ("cannot approve case 1: it is approved; allowed from "
                                 "approved: execute, cancel.")
    with pytest.raises(IllegalTransition, match="it is approved"):
        cases.close(ctx, case.id, "bob")
    cases.cancel(ctx, case.id, "bob", reason="changed our mind")
    with pytest.raises(IllegalTransition, match="none \\(final state\\)"):
        cases.execute(ctx, case.id, "carol")


def test_agent_cannot_approve(ctx: ActionContext) -> None:
    case = _open(ctx, actor="alice")
    with pytest.raises(NotAllowed, match="carol is agent"):
        cases.approve(ctx, case.id, "carol")


def test_four_eyes_forbids_approving_own_draft(ctx: ActionContext) -> None:
    case = _open(ctx, actor="bob")
    with pytest.raises(NotAllowed, match="four-eyes"):
        cases.approve(ctx, case.id, "bob")
    assert cases.approve(ctx, case.id, "alice").state == "approved"


def test_four_eyes_off_lets_drafter_approve(ctx: ActionContext) -> None:
    ctx.config.actions.four_eyes = False
    case = _open(ctx, actor="bob")
    assert cases.approve(ctx, case.id, "bob").state == "approved"


def test_unknown_or_missing_actor_is_refused(ctx: ActionContext) -> None:
    with pytest.raises(UnknownUser, match="Did you mean 'carol'"):
        _open(ctx, actor="carl")
    with pytest.raises(NotAllowed, match="--as USER"):
        _open(ctx, actor="")


def test_step_approval_approves_the_case_when_all_steps_are(ctx: ActionContext) -> None:
    case = _open(ctx)
    case = cases.approve(ctx, case.id, "bob", step=2)
    assert case.state == "draft" and case.step(2).state == "approved"
    assert outbox.list_messages(ctx.db)[0].state == "draft"  # step 1 not approved yet
    case = cases.approve(ctx, case.id, "alice", step=1)
    assert case.state == "approved" and case.step(1).approved_by == "alice"
    assert outbox.list_messages(ctx.db)[0].state == "approved"


def test_blaming_text_blocks_approval(ctx: ActionContext, mailbox: Mailbox) -> None:
    case = _open(ctx, body="Frankly this is YOUR\nFAULT, you people never read.")
    assert [f["text"] for f in case.step(1).lint] == ["YOUR\nFAULT", "you people"]
    with pytest.raises(ToneLintBlocked, match="--override-tone"):
        cases.approve(ctx, case.id, "bob")
    assert cases.get_case(ctx.db, case.id).state == "draft"  # all or nothing
    assert outbox.list_messages(ctx.db)[0].state == "draft"


def test_manager_overrides_tone_lint_with_a_reason_recorded_in_audit(
        ctx: ActionContext) -> None:
    case = _open(ctx, body="It was your fault.")
    case = cases.approve(ctx, case.id, "bob", override_reason="quoting the contract wording")
    assert case.state == "approved" and case.step(1).override_by == "bob"
    override = audit.events(ctx.db, kind="override")[0]
    assert override.actor == "bob" and override.data["reason"] == "quoting the contract wording"
    assert override.data["findings"][0]["phrase"] == "your fault"


def test_agent_cannot_override_tone_lint(ctx: ActionContext) -> None:
    ctx.config.actions.approver_roles = ["owner", "manager", "agent"]
    case = _open(ctx, body="You are abusive.", actor="alice")
    with pytest.raises(NotAllowed, match="override"):
        cases.approve(ctx, case.id, "carol", override_reason="because")


def test_cancel_withdraws_queued_messages(ctx: ActionContext, mailbox: Mailbox) -> None:
    case = _open(ctx)
    cases.approve(ctx, case.id, "bob")
    case = cases.cancel(ctx, case.id, "bob", reason="customer stayed")
    assert case.state == "cancelled" and case.note == "customer stayed"
    assert outbox.list_messages(ctx.db)[0].state == "withdrawn"
    assert outbox.send(ctx).sent == [] and mailbox.messages == []


def test_dry_run_writes_eml_and_changes_nothing(ctx: ActionContext, mailbox: Mailbox) -> None:
    case = _open(ctx)
    cases.approve(ctx, case.id, "bob")
    result = cases.execute(ctx, case.id, "carol", dry_run=True)
    assert result.executed == () and len(result.files) == 1
    eml = (ctx.root / result.files[0]).read_text()
    assert "Subject: Your account" in eml and "To: billing@acme.example" in eml
    assert cases.get_case(ctx.db, case.id).state == "approved" and mailbox.messages == []


def test_changed_file_refuses_export(ctx: ActionContext) -> None:
    (ctx.root / "reports").mkdir()
    (ctx.root / "reports" / "credit.csv").write_text("customer_id,amount\nC-1,-24.00\n")
    case = cases.open_case(ctx, kind="test", customer_id="C-1", title="credit", actor="carol",
                           steps=[cases.StepSpec("credit", "Export credit",
                                                 files=("reports/credit.csv",))])
    cases.approve(ctx, case.id, "bob")
    (ctx.root / "reports" / "credit.csv").write_text("customer_id,amount\nC-1,-240.00\n")
    with pytest.raises(Exception, match="changed after it was drafted"):
        cases.execute(ctx, case.id, "carol")


def test_approver_roles_come_from_config(ctx: ActionContext) -> None:
    ctx.config.actions.approver_roles = ["owner"]
    case = _open(ctx)
    with pytest.raises(NotAllowed, match="bob is manager; approvals need one of: owner"):
        cases.approve(ctx, case.id, "bob")
    assert cases.approve(ctx, case.id, "alice").approved_by == "alice"
