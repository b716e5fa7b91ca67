"""Plan → commit → draw → verify → export, persisted in the state DB and the audit log."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from goodfit.actions import audit, cases, outbox
from goodfit.actions.users import add_user
from goodfit.errors import ActionError, IllegalTransition, UnknownUser
from goodfit.project import Project
from tests.actions_rewards.conftest import AS_OF


@pytest.fixture
def people(world: Project) -> Project:
    add_user(world.state, "alice", "owner")
    add_user(world.state, "bob", "manager", actor="alice")
    return world


def _drawn(p: Project) -> int:
    plan, rec = p.rewards_plan(as_of=AS_OF, actor="alice")
    assert rec is not None and rec.state == "planned"
    p.rewards_commit(rec.id, "alice")
    p.rewards_draw(rec.id, "alice")
    return rec.id


def test_a_draw_moves_through_its_states_and_leaves_artefacts(people: Project) -> None:
    plan, rec = people.rewards_plan(as_of=AS_OF, actor="alice")
    assert rec is not None
    d = people.root / "rewards" / str(rec.id)
    saved = json.loads((d / "plan.json").read_text())
    assert [c["customer_id"] for c in saved["eligible"]] == ["C-EUR", "C-IDEAL", "C-IDEAL2"]
    assert "email" not in saved["eligible"][0]  # addresses stay in the state DB
    committed = people.rewards_commit(rec.id, "alice")
    assert committed.state == "committed" and committed.seed is None
    assert (d / "eligible.txt").read_text() == "C-EUR\nC-IDEAL\nC-IDEAL2\n"
    drawn = people.rewards_draw(rec.id, "alice")
    assert drawn.state == "drawn" and len(drawn.winners) == 3
    assert sorted(drawn.winners) == ["C-EUR", "C-IDEAL", "C-IDEAL2"]
    reveal = json.loads((d / "reveal.json").read_text())
    assert reveal["seed"] == drawn.seed and reveal["winners"] == list(drawn.winners)
    assert people.rewards_verify(rec.id, actor="alice").ok
    kinds = [e.kind for e in audit.events(people.state)]
    assert kinds[-7:] == ["rewards_planned", "rewards_committed", "rewards_drawn",
                          "reward_won", "reward_won", "reward_won", "rewards_verified"]
    assert people.rewards_draws()[0].verified_ok is True
    assert audit.verify(people.state).ok


def test_steps_out_of_order_are_refused(people: Project) -> None:
    _, rec = people.rewards_plan(as_of=AS_OF)
    assert rec is not None
    with pytest.raises(IllegalTransition, match="it is planned"):
        people.rewards_draw(rec.id, "alice")
    with pytest.raises(IllegalTransition):
        people.rewards_export(rec.id, "alice")
    people.rewards_commit(rec.id, "alice")
    with pytest.raises(IllegalTransition, match="it is committed"):
        people.rewards_commit(rec.id, "alice")
    with pytest.raises(UnknownUser):
        people.rewards_draw(rec.id, "mallory")


def test_a_list_edited_after_the_commit_stops_the_draw(people: Project) -> None:
    _, rec = people.rewards_plan(as_of=AS_OF)
    assert rec is not None
    people.rewards_commit(rec.id, "alice")
    path = people.root / "rewards" / str(rec.id) / "eligible.txt"
    path.write_text("C-IDEAL\n")
    with pytest.raises(ActionError, match="changed since it was committed"):
        people.rewards_draw(rec.id, "alice")


def test_export_writes_credit_lines_and_opens_one_case_per_winner(people: Project) -> None:
    draw_id = _drawn(people)
    people.config.rewards.winners = 3
    ex = people.rewards_export(draw_id, "alice")
    assert ex.total == Decimal("174.00")  # 60 + 60 + 54
    d = people.root / "rewards" / str(draw_id)
    with (d / "credits.csv").open() as f:
        lines = list(csv.DictReader(f))
    assert {(x["customer_id"], x["amount"], x["currency"]) for x in lines} == {
        ("C-IDEAL", "60.00", "USD"), ("C-IDEAL2", "60.00", "USD"), ("C-EUR", "54.00", "USD")}
    assert lines[0]["reference"] == f"goodfit-reward-{draw_id}-{lines[0]['customer_id']}"
    assert lines[0]["description"] == "Free month: thank you for being a great customer"
    with (d / "whmcs_credits.csv").open() as f:
        whmcs = list(csv.DictReader(f))
    assert list(whmcs[0]) == ["clientid", "description", "amount", "date"]
    assert [w["clientid"] for w in whmcs] == [x["customer_id"] for x in lines]
    assert len(ex.case_ids) == 3
    case = cases.get_case(people.state, ex.case_ids[0])
    assert case.kind == "reward" and [s.kind for s in case.steps] == ["email", "credit", "close"]
    msgs = outbox.list_messages(people.state, case_id=case.id)
    assert len(msgs) == 1 and msgs[0].state == "draft"
    assert msgs[0].to == f"billing@{case.customer_id.lower()}.example"
    assert "a free month" in msgs[0].subject
    with pytest.raises(ActionError, match="already exported"):
        people.rewards_export(draw_id, "alice")


def test_the_reward_case_is_approved_by_another_person_then_executed(people: Project) -> None:
    draw_id = _drawn(people)
    ex = people.rewards_export(draw_id, "alice")
    ctx = people.actions_context()
    case_id = ex.case_ids[0]
    cases.approve(ctx, case_id, "bob")
    run = cases.execute(ctx, case_id, "bob", step=1, dry_run=True)
    assert run.dry_run
    emls = list(people.outbox_dir.glob("*.eml"))
    assert len(emls) == 1
    text = emls[0].read_text()
    assert "Subject:" in text and "free month" in text


def test_draws_are_kept_in_a_postgresql_state_db(tmp_path: Path, postgres_url: str) -> None:
    from tests.actions_rewards.conftest import reward_world, score_world

    proj = reward_world().project(tmp_path)
    root = proj.root
    proj.close()
    cfg = (root / "goodfit.toml").read_text()
    (root / "goodfit.toml").write_text(cfg.replace('url = "sqlite:///state.db"',
                                                   f'url = "{postgres_url}"'))
    with Project.open(root) as p:
        assert p.state.engine.dialect.name == "postgresql"
        score_world(p)  # a new state DB holds no stored run yet
        add_user(p.state, "alice", "owner")
        draw_id = _drawn(p)
        assert p.rewards_verify(draw_id).ok
        assert [d.state for d in p.rewards_draws()] == ["drawn"]
        assert audit.verify(p.state).ok


def test_swapping_all_published_files_is_caught_by_the_project_record(people: Project) -> None:
    from goodfit.actions import draw

    draw_id = _drawn(people)
    d = people.root / "rewards" / str(draw_id)
    # a self-consistent forgery: another list, another seed, its own winners
    for f in d.iterdir():
        f.unlink()
    _, seed = draw.commit(d, draw_id, ["C-IDLE", "C-LATE"], 1, "2025-01-01T00:00:00")
    draw.reveal(d, seed, "2025-01-02T00:00:00")
    assert draw.verify(d).ok  # the files agree with each other ...
    v = people.rewards_verify(draw_id)  # ... but not with what the project committed
    assert not v.ok
    assert "eligible.txt is not the list this project committed" in v.problems
    assert "the revealed seed is not the one this project committed" in v.problems
    assert people.rewards_draws()[0].verified_ok is False
    last = audit.events(people.state)[-1]
    assert (last.kind, last.data["ok"]) == ("rewards_verified", False)


def test_the_congratulation_email(people: Project) -> None:
    draw_id = _drawn(people)
    ex = people.rewards_export(draw_id, "alice")
    rec = people.rewards_draws()[0]
    by_customer = {}
    for case_id in ex.case_ids:
        (m,) = outbox.list_messages(people.state, case_id=case_id)
        by_customer[m.customer_id] = m
    m = by_customer["C-EUR"]
    assert m.subject == "my provider: a free month, with our thanks"
    assert m.body.startswith("Hello C-EUR Ltd,\n")
    assert "a credit of 54.00 USD to your account" in m.body
    assert '("Free month: thank you for being a great customer")' in m.body
    assert f"draw {draw_id} published the list of eligible\naccounts (SHA-256 " \
           f"{rec.list_sha256})" in m.body
    assert "one of the 3 in this year's draw" in m.body
    assert (people.root / "templates" / "rewards" / "congratulations.txt").is_file()


def test_recent_winners_are_not_eligible_again(people: Project) -> None:
    draw_id = _drawn(people)
    winners = set(people.rewards_draws()[0].winners)
    assert draw_id == 1 and winners == {"C-EUR", "C-IDEAL", "C-IDEAL2"}
    plan, _ = people.rewards_plan(as_of=AS_OF, save=False)
    assert plan.eligible == ()
    assert {c.customer_id for c in plan.near_misses
            if c.failed[0].rule == "not_recent_winner"} == winners
    # a year later they may win again
    plan, _ = people.rewards_plan(as_of=AS_OF.replace(year=2026), save=False)
    assert not any(r.rule == "not_recent_winner" for c in plan.near_misses for r in c.failed)
    people.config.rewards.exclude_recent_winners_months = 0
    plan, _ = people.rewards_plan(as_of=AS_OF, save=False)
    assert {c.customer_id for c in plan.eligible} == winners


def test_credit_files_never_carry_a_spreadsheet_formula() -> None:
    from goodfit.actions.reward_draws import _csv

    text = _csv(("customer_id", "amount", "description"), [
        {"customer_id": "=HYPERLINK(\"x\")", "amount": "-5.00", "description": "@SUM(A1)"},
        {"customer_id": "-C1", "amount": "60.00", "description": "+1 month"}])
    assert text.splitlines() == [
        "customer_id,amount,description",
        "\"'=HYPERLINK(\"\"x\"\")\",-5.00,'@SUM(A1)",
        "'-C1,60.00,'+1 month"]
