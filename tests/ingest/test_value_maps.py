"""Enum values as exports write them: built-in synonyms, goodfit.toml value maps, --value."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.config import load_config
from goodfit.errors import ConfigError
from goodfit.ingest.synonyms import synonyms_markdown
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, imported_or_refused, rows, write

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _tickets(priorities_channels: list[tuple[str, str]]) -> str:
    lines = ["ticket_id,customer_id,opened_at,priority,channel"]
    for i, (p, c) in enumerate(priorities_channels, start=1):
        lines.append(f"T{i},C1,2024-02-0{i} 10:00,{p},{c}")
    return "\n".join(lines) + "\n"


def test_servicenow_and_whmcs_words_read_without_configuration(duck: Project,
                                                               tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    text = _tickets([("1 - Critical", "Web Form"), ("3 - Moderate", "Self service"),
                     ("Medium", "IVR"), ("4 - Low", "Portal"), ("High", "e-mail")])
    r = duck.import_file("tickets", write(tmp_path / "tickets.csv", text))
    assert r.rejected == 0
    assert [(t["priority"], t["channel"]) for t in rows(duck, "tickets", "ticket_id")] == [
        ("urgent", "web"), ("normal", "web"), ("normal", "phone"), ("low", "web"),
        ("high", "email")]


def test_bare_priority_numbers_are_not_guessed(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    r = imported_or_refused(duck, "tickets", write(tmp_path / "t.csv", _tickets([("1", "email")])))
    assert r.rejected == 1
    assert r.reason_examples["priority: unknown value"] == ["1"]


def test_value_map_in_goodfit_toml(tmp_path: Path) -> None:
    proj = Project.init(tmp_path / "p")
    toml = proj.root / "goodfit.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[mapping.tickets]\nPrio = "priority"\n'
                    '\n[mapping.tickets.values.priority]\n"1" = "low"\n"2" = "normal"\n'
                    '"4" = "urgent"\n', encoding="utf-8")
    proj.close()
    proj = Project.open(tmp_path / "p")
    try:
        proj.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
        text = "ticket_id,customer_id,opened_at,Prio\nT1,C1,2024-02-01,1\nT2,C1,2024-02-02,4\n"
        proj.import_file("tickets", write(tmp_path / "t.csv", text))
        assert [t["priority"] for t in rows(proj, "tickets", "ticket_id")] == ["low", "urgent"]
    finally:
        proj.close()


def test_value_map_typos_are_config_errors(tmp_path: Path) -> None:
    path = tmp_path / "goodfit.toml"
    path.write_text('[mapping.tickets.values.priority]\n"P1" = "urgnet"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'P1' maps to 'urgnet'.*did you mean 'urgent'"):
        load_config(path)
    path.write_text('[mapping.tickets.values.priorty]\n"P1" = "urgent"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'priority'"):
        load_config(path)


def test_value_option_on_the_command_line(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    cust = write(tmp_path / "customers.csv", CUSTOMERS)
    assert runner.invoke(app, ["import", "customers", str(cust), "-p", str(proj)]).exit_code == 0
    src = write(tmp_path / "tickets.csv", _tickets([("P1", "Walk-in"), ("P3", "email")]))
    result = runner.invoke(app, ["import", "tickets", str(src), "-p", str(proj), "--json",
                                 "--value", "priority:P1=urgent", "--value", "priority:P3=normal",
                                 "--value", "channel:Walk-in=phone"])
    assert result.exit_code == 0, result.output
    assert '"rejected": 0' in result.output
    bad = runner.invoke(app, ["import", "tickets", str(src), "-p", str(proj),
                              "--value", "priority:P1=urgnt"])
    assert bad.exit_code == 2 and "did you mean 'urgent'" in bad.output


def test_docs_list_the_built_in_synonyms() -> None:
    assert synonyms_markdown() in (DOCS / "importing.md").read_text(encoding="utf-8"), \
        "docs/importing.md: paste goodfit.ingest.synonyms.synonyms_markdown()"
