"""The Project methods and the commands: score, explain, snapshots, diff, risk, report."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.errors import NoScoringRun, UnknownCustomer
from goodfit.schema import TABLES
from tests.scoring.builders import Provider
from tests.scoring.demo import demo_provider

D = datetime(2025, 6, 2, 9, 0)


def test_score_writes_flags_and_fit_scores_tables(make_project) -> None:
    project = make_project(demo_provider())
    run = project.score()
    flags = project.warehouse.table("flags").to_pandas()
    scores = project.warehouse.table("fit_scores").to_pandas()
    assert list(flags.columns) == ["customer_id", "code", "severity", "detail", "evidence"]
    assert len(flags) == len(run.result.flags)
    assert all(json.loads(e) for e in flags["evidence"])  # no flag without evidence
    assert {"customer_id", "score", "segment", "reason", "profitability", "support_load",
            "behaviour", "tenure", "payment_reliability"} <= set(scores.columns)
    assert len(scores) == 26
    parts = scores[["profitability", "support_load", "behaviour", "tenure",
                    "payment_reliability"]].sum(axis=1)
    assert (abs(parts - scores["score"]) < 0.06).all()  # the score is the sum of its parts
    idle = scores[scores["flag_codes"].str.contains("idle")]
    assert len(idle) == 2 and (idle["segment"] != "reward").all()


def test_explain_names_rows_behind_each_flag(make_project) -> None:
    p = Provider().customer("a", tickets=2)
    t = p.ticket("a", D, tid="T-9")
    p.rows["tickets"][-1]["subject"] = "Server down again"
    for i in range(2):
        p.tone_row(p.message(t, D + timedelta(minutes=i), body="you idiots"),
                   spans=[("insult", 4, 10, "idiots")])
    project = make_project(p)
    with pytest.raises(NoScoringRun, match="goodfit score"):  # reads never compute
        project.explain("a")
    stored = project.score().snapshot
    e = project.explain("a")
    assert e.snapshot == stored and e.to_dict()["snapshot"]["id"] == stored.id
    assert e.segment == "part_ways"
    assert [f.code for f in e.flags] == ["abusive_language"]
    assert e.flags[0].evidence[0].quote == "idiots"
    with pytest.raises(UnknownCustomer):
        project.explain("nobody")


def test_cli_score_explain_snapshots_diff_report(make_project, monkeypatch, tmp_path: Path) -> None:
    p = Provider().customer("calm", tenure_months=30).customer("rude", tenure_months=30)
    project = make_project(p)
    monkeypatch.setattr("goodfit.cli.scoring.open_project", lambda _path: project)
    runner = CliRunner()
    r = runner.invoke(app, ["score", "--snapshot", "--label", "first", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["segments"] == {"reward": 2} and out["snapshot"] == 1
    # rude turns abusive; a second snapshot
    t = p.ticket("rude", D)
    p.message(t, D, body="[bold]you idiots[/bold]", mid="m-x")
    p.message(t, D, body="idiots", mid="m-y")
    p.tone_row("m-x", spans=[("insult", 10, 16, "[bold]idiots")])
    p.tone_row("m-y", spans=[("insult", 0, 6, "idiots")])
    for name in TABLES:  # the provider's data changed: reload it whole
        project.warehouse.execute(f'DELETE FROM "{name}"')
    project.warehouse.become_writer()  # the builder writes through the raw connection
    p.warehouse(project.warehouse.con)
    r = runner.invoke(app, ["score", "--snapshot"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["explain", "rude"])
    assert r.exit_code == 0, r.output
    assert "[bold]idiots" in r.output  # customer text printed literally, not as markup
    r = runner.invoke(app, ["snapshots", "--json"])
    assert [s["label"] for s in json.loads(r.output)] == ["first", None]
    r = runner.invoke(app, ["diff", "1", "2", "--json"])
    moves = json.loads(r.output)["moves"]
    assert [(m["customer_id"], m["segment_a"], m["segment_b"]) for m in moves] == [
        ("rude", "reward", "part_ways")]
    r = runner.invoke(app, ["risk"])
    assert r.exit_code == 0 and "not enough history" in r.output
    r = runner.invoke(app, ["report", "--out", str(tmp_path / "x.html")])
    assert r.exit_code == 0 and (tmp_path / "x.html").is_file()
