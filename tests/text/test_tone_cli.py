"""goodfit tone as a person types it (CliRunner on the real app)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.project import Project

runner = CliRunner()


def test_tone_text_shows_labels_and_evidence_without_reading_markup(tmp_path: Path,
                                                                     monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no project here: goodfit's defaults
    result = runner.invoke(app, ["tone", "You [bold]idiots[/bold] broke it. Still waiting!!!"])
    assert result.exit_code == 0, result.output
    assert "[bold]idiots[/bold]" in result.output  # printed as typed, not as Rich markup
    assert "abusive toward staff" in result.output
    for label in ("insult", "shouting", "demand"):
        assert label in result.output
    assert "Still waiting" in result.output


def test_tone_clean_and_unsupported_messages_say_so(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    assert "clean" in runner.invoke(app, ["tone", "kill -9 the process"]).output
    out = runner.invoke(app, ["tone", "Olá, o meu domínio não está a resolver desde ontem."]).output
    assert "not supported" in out


def test_tone_file_json_prints_one_object_per_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "messages.txt"
    f.write_text("Your support is a joke.\nthis bug is killing me\nI'll sue you.\n",
                 encoding="utf-8")
    result = runner.invoke(app, ["tone", "--file", str(f), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [x["labels"] for x in lines] == [["insult"], [], ["threat"]]
    assert [x["abusive"] for x in lines] == [True, False, True]
    assert lines[0]["spans"][0]["text"] == "Your support is a joke"
    assert set(lines[0]) >= {"labels", "scores", "spans", "abusive", "language_supported"}
    assert lines[2]["scores"]["threat"] >= 0.5


def test_tone_needs_text_or_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["tone"])
    assert result.exit_code != 0


def test_tone_analyze_writes_message_tone(project: Project) -> None:
    result = runner.invoke(app, ["tone", "--analyze", "-p", str(project.root), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["messages"] == 5 and out["abusive"] == 2 and out["table"] == "message_tone"
    human = runner.invoke(app, ["tone", "--analyze", "-p", str(project.root)])
    assert human.exit_code == 0 and "message_tone written" in human.output


def test_tone_file_dash_reads_standard_input(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["tone", "--file", "-", "--json"], input="I will sue you\nhi\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [x["labels"] for x in lines] == [["threat"], []]
    assert lines[0]["spans"] == [{"label": "threat", "start": 0, "end": 10, "text": "I will sue"}]
