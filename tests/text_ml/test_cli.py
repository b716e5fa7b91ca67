"""The text commands as a user types them (CliRunner on the real app)."""

from __future__ import annotations

import json
import random

from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.errors import ModelBelowBaseline
from tests.text_ml.conftest import MakeProject
from tests.text_ml.fixtures import CODES, Provider, coded_provider

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_resolution_kb_and_topics_commands(make_project: MakeProject) -> None:
    project = make_project(coded_provider(12, uncoded=20, seed=8), kb=True)
    p = str(project.root)
    trained = json.loads(_run("resolution", "train", "-p", p, "--json"))
    assert trained["usable"] is True and sorted(trained["codes"]) == sorted(CODES)
    assert (project.root / "models" / "resolution" / "model.json").is_file()
    human = _run("resolution", "evaluate", "-p", p)
    assert "macro-F1" in human and "baselines: always" in human
    applied = json.loads(_run("resolution", "apply", "-p", p, "--json"))
    assert applied["tickets"] == 140 and applied["given"] == 120
    assert applied["predicted"] + applied["unknown"] == 20
    matched = json.loads(_run("kb", "match", "-p", p, "--json"))
    assert matched["tickets"] == 140
    customer = json.loads(_run("kb", "customer", "C001", "-p", p, "--json"))
    assert customer["customer_id"] == "C001" and customer["tickets"] > 0
    topics = json.loads(_run("topics", "-p", p, "--top", "2", "--json"))
    assert len(topics["topics"]) == 2
    assert topics["topics"][0]["staff_minutes"] >= topics["topics"][1]["staff_minutes"]
    assert "Repeat topics" in _run("topics", "-p", p)


def test_customer_text_is_not_read_as_markup(make_project: MakeProject) -> None:
    provider = Provider().customer("C1")
    provider.ticket("T1", "C1", "ftp", "[bold]FTP password[/bold] forgotten", ["see KB-1"],
                    code="documentation")
    title = "[red]Reset[/red] your FTP password [link=http://evil.example]"
    project = make_project(provider, articles=[
        {"article_id": "KB-1", "title": title, "body": "FTP password reset steps"}])
    _run("kb", "match", "-p", str(project.root))
    out = _run("kb", "customer", "C1", "-p", str(project.root))
    assert "1 of 1 tickets (100%)" in out
    assert "[red]Reset[/red]" in out


def test_apply_refuses_a_model_no_better_than_guessing(make_project: MakeProject) -> None:
    provider = coded_provider(10, uncoded=3, seed=13, codes=CODES[:4])
    rng = random.Random(2)
    for t in provider.tickets:
        if t["resolution_code"]:
            t["resolution_code"] = rng.choice(CODES[:4])
    project = make_project(provider)
    p = str(project.root)
    trained = json.loads(_run("resolution", "train", "-p", p, "--json"))
    assert trained["usable"] is False
    result = runner.invoke(app, ["resolution", "apply", "-p", p])
    assert isinstance(result.exception, ModelBelowBaseline)
