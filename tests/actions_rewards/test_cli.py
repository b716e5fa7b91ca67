"""The rewards, whatif and educate commands as a user types them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
from typer.testing import CliRunner

from goodfit.actions.users import add_user
from goodfit.cli import app
from goodfit.errors import WhatifError
from goodfit.project import Project
from tests.actions_rewards.conftest import reward_world

runner = CliRunner(env={"COLUMNS": "200"})


def _project(tmp_path: Path) -> str:
    proj = reward_world().project(tmp_path)
    add_user(proj.state, "alice", "owner")
    proj.close()
    return str(proj.root)


def test_plan_commit_draw_verify_export(tmp_path: Path) -> None:
    p = _project(tmp_path)
    args = ["-p", p, "--as-of", "2024-12-31"]  # the end of that day: 2025-01-01 00:00
    human = runner.invoke(app, ["rewards", "plan", *args, "--dry-run"])
    assert human.exit_code == 0, human.output
    assert "Eligible: 3" in human.output and "3 months short" in human.output
    assert "Saved as draw" not in human.output
    out = runner.invoke(app, ["rewards", "plan", *args, "--json"])
    assert out.exit_code == 0, out.output
    plan = json.loads(out.output)
    draw_id = plan["draw"]["id"]
    assert [c["customer_id"] for c in plan["eligible"]] == ["C-EUR", "C-IDEAL", "C-IDEAL2"]
    assert {c["customer_id"]: c["failed"][0]["rule"] for c in plan["near_misses"]}["C-NEW"] \
        == "tenure"
    # acting needs a user
    refused = runner.invoke(app, ["rewards", "commit", str(draw_id), "-p", p])
    assert refused.exit_code == 2 and "--as" in refused.output
    out = runner.invoke(app, ["rewards", "commit", str(draw_id), "-p", p, "--as", "alice",
                              "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["seed"] is None  # still secret
    out = runner.invoke(app, ["rewards", "draw", str(draw_id), "-p", p, "--as", "alice"])
    assert out.exit_code == 0 and "Anyone can check it" in out.output
    ok = runner.invoke(app, ["rewards", "verify", str(draw_id), "-p", p])
    assert ok.exit_code == 0 and ok.output.startswith("ok: winners")
    # a published copy verifies without the project; a tampered copy fails with exit 1
    copy = tmp_path / "published"
    shutil.copytree(Path(p) / "rewards" / str(draw_id), copy)
    assert runner.invoke(app, ["rewards", "verify", "--dir", str(copy)]).exit_code == 0
    (copy / "eligible.txt").write_text("C-EUR\nC-IDEAL\n")
    bad = runner.invoke(app, ["rewards", "verify", "--dir", str(copy), "--json"])
    assert bad.exit_code == 1 and json.loads(bad.output)["ok"] is False
    out = runner.invoke(app, ["rewards", "export", str(draw_id), "-p", p, "--as", "alice"])
    assert out.exit_code == 0, out.output
    assert "total 174.00 USD" in out.output
    listed = json.loads(runner.invoke(app, ["rewards", "list", "-p", p, "--json"]).output)
    assert listed[0]["state"] == "drawn" and listed[0]["exported_at"]


def test_whatif_prints_assumptions_and_totals(tmp_path: Path) -> None:
    p = _project(tmp_path)
    out = runner.invoke(app, ["whatif", "-p", p, "--as-of", "2024-12-31", "--fee",
                              "support_hour=100", "--churn", "0.1", "--behaviour-change", "0.3"])
    assert out.exit_code == 0, out.output
    assert "Assumptions: behaviour change 30%" in out.output
    assert "churn 10%" in out.output and "Nothing was changed." in out.output
    # no --fee, no --fees: no fee is charged (a what-if never adds fees quietly)
    data = json.loads(runner.invoke(app, ["whatif", "-p", p, "--as-of", "2024-12-31",
                                          "--json"]).output)
    assert data["fees"] == {}
    assert data["totals"]["new_revenue"] == data["totals"]["revenue"]
    # --fees: the whole [fees] model, --fee overriding one amount
    data = json.loads(runner.invoke(app, ["whatif", "-p", p, "--as-of", "2024-12-31",
                                          "--fees", "--fee", "manual_order=7",
                                          "--json"]).output)
    assert data["fees"] == {"manual_order": "7", "custom_setup": "60", "support_hour": "60",
                            "usage": "1.5", "direct_costs": "1"}
    by = {c["customer_id"]: c for c in data["customers"]}
    # C-TICKET: 2 tickets × 30 logged minutes = 1 hour, within the 1 hour a month included
    assert by["C-TICKET"]["fee_income"]["support_hour"] == "0.00"
    # C-MANUAL: 2 manual orders × 7
    assert by["C-MANUAL"]["fee_income"]["manual_order"] == "14.00"


def test_whatif_rejects_an_unknown_fee_with_a_suggestion(tmp_path: Path) -> None:
    p = _project(tmp_path)
    out = runner.invoke(app, ["whatif", "-p", p, "--fee", "suport_hour=100"])
    assert isinstance(out.exception, WhatifError)
    assert "did you mean 'support_hour'" in str(out.exception)


def test_educate_plan_and_draft(tmp_path: Path) -> None:
    p = reward_world().ticket("C-IDEAL", "T-9", subject="Reset password") \
        .add("kb_articles", article_id="KB-1", title="Reset your password", url="").project(
            tmp_path)
    p.warehouse.write_table("ticket_kb_match", pa.table({
        "ticket_id": ["T-9"], "customer_id": ["C-IDEAL"], "article_id": ["KB-1"],
        "score": [0.9], "rank": [1], "answerable": [True], "confident": [True]}))
    add_user(p.state, "alice", "owner")
    root = str(p.root)
    p.close()
    out = runner.invoke(app, ["educate", "plan", "-p", root, "--as-of", "2024-12-31"])
    assert out.exit_code == 0, out.output
    assert '"Reset password"' in out.output and "Reset your password" in out.output
    out = runner.invoke(app, ["educate", "draft", "-p", root, "--as-of", "2024-12-31",
                              "--as", "alice", "--json"])
    assert out.exit_code == 0, out.output
    drafted = json.loads(out.output)
    assert [c["customer_id"] for c in drafted] == ["C-IDEAL"]
    with Project.open(root) as again:
        from goodfit.actions import outbox

        assert len(outbox.list_messages(again.state, case_id=drafted[0]["id"])) == 1
