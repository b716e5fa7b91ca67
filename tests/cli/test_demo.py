"""goodfit demo: the whole job on a small synthetic provider, as `make demo` runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.errors import ProjectExists
from goodfit.project import Project

runner = CliRunner()


def test_demo_imports_analyses_and_writes_the_report(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = runner.invoke(app, ["demo", str(target), "--customers", "150", "--months", "12",
                                 "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Quarantine: empty" in result.output
    for step in ("tone:", "resolution codes:", "knowledge base:", "topics:", "fit scores:"):
        assert step in result.output
    reports = list((target / "reports").glob("report-*.html"))
    assert len(reports) == 1 and f"Report: {reports[0]}" in result.output.replace("\n", "")
    with Project.open(target) as project:
        counts = {t["table"]: t["rows"] for t in project.status()["tables"]}
        assert counts["customers"] == 150 and counts["tickets"] > 0
        assert project.config.project.name == "Example Hosting (synthetic demo)"
        assert project.warehouse.has_table("fit_scores")
        # every import (11 tables) and the snapshot are in the audit log, which verifies
        kinds = [e.kind for e in project.audit_events()]
        assert kinds.count("import") == 11 and kinds.count("snapshot") == 1
        assert project.verify_audit().ok


def test_demo_replaces_its_own_folder_but_never_someone_elses(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ProjectExists):
        Project.demo(mine, customers=20, months=3)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
