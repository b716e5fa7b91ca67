"""The data commands as a user types them (CliRunner on the real app)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.ingest.templates import data_model_markdown

runner = CliRunner()
DOCS = Path(__file__).parents[2] / "docs"


def test_init_templates_import_status(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    assert (proj / "goodfit.toml").is_file() and (proj / "warehouse.duckdb").is_file()
    tpl = tmp_path / "tpl"
    assert runner.invoke(app, ["templates", str(tpl)]).exit_code == 0
    assert len(list(tpl.glob("*.csv"))) == 11
    result = runner.invoke(app, ["import", str(tpl), "-p", str(proj), "--json"])
    assert result.exit_code == 0, result.output
    imported = json.loads(result.output)
    assert {r["table"]: r["inserted"] for r in imported} == {
        name: 1 for name in ("customers", "contacts", "services", "invoices", "payments",
                             "orders", "tickets", "messages", "usage", "costs", "kb_articles")}
    status = json.loads(runner.invoke(app, ["status", "-p", str(proj), "--json"]).output)
    assert {t["table"]: t["rows"] for t in status["tables"]}["tickets"] == 1
    assert len(status["imports"]) == 11 and status["quarantine"] == []
    human = runner.invoke(app, ["status", "-p", str(proj)])
    assert "Quarantine: empty" in human.output


def test_import_with_map_and_fail_on_reject(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    runner.invoke(app, ["init", str(proj)])
    src = tmp_path / "clients.csv"
    src.write_text("ClientID,Joined\nA,2024-01-01\nB,never\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "customers", str(src), "-p", str(proj),
                                 "--map", "ClientID=customer_id", "--map", "Joined=signup_at",
                                 "--fail-on-reject"])
    assert result.exit_code == 6
    assert "signup_at: not a date" in result.output
    assert "quarantined" in result.output


def test_strict_import_error_names_file_row_field(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    runner.invoke(app, ["init", str(proj)])
    src = tmp_path / "customers.csv"
    src.write_text("customer_id,signup_at\nA,2024-01-01\nB,never\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "customers", str(src), "-p", str(proj), "--strict"])
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert "customers.csv, row 3, field signup_at" in str(result.exception)


def test_data_model_doc_is_current() -> None:
    assert (DOCS / "data-model.md").read_text(encoding="utf-8") == data_model_markdown() + "\n", \
        "docs/data-model.md is stale: run goodfit templates /tmp/t --docs docs/data-model.md"


def test_errors_are_one_clear_line_with_documented_exit_codes(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    import goodfit

    env = {**os.environ, "PYTHONPATH": str(Path(goodfit.__file__).parents[1])}
    missing = subprocess.run([sys.executable, "-m", "goodfit", "status", "-p",
                              str(tmp_path / "nowhere")], capture_output=True, text=True, env=env)
    assert missing.returncode == 3
    assert "error (project_not_found)" in missing.stderr and "Traceback" not in missing.stderr
    runner.invoke(app, ["init", str(tmp_path / "p")])
    typo = subprocess.run([sys.executable, "-m", "goodfit", "import", "tikets", "x.csv", "-p",
                           str(tmp_path / "p")], capture_output=True, text=True, env=env)
    assert typo.returncode == 2 and "Did you mean 'tickets'?" in typo.stderr


def test_cli_reference_is_current() -> None:
    from goodfit.cli.reference import cli_reference_markdown

    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_reference_markdown(), \
        "docs/cli.md is stale: run python -m goodfit.cli.reference > docs/cli.md"


def test_every_error_lives_in_goodfit_errors() -> None:
    """The generated error table must not depend on which modules a process happened to
    import: every error class is defined in goodfit.errors."""
    import importlib
    import pkgutil

    import goodfit
    from goodfit.errors import error_classes

    for mod in pkgutil.walk_packages(goodfit.__path__, "goodfit."):
        if ".migrations" not in mod.name and not mod.name.endswith("__main__"):
            importlib.import_module(mod.name)

    elsewhere = [f"{c.__module__}.{c.__name__}" for c in error_classes()
                 if c.__module__ != "goodfit.errors"]
    assert elsewhere == []


def test_warehouse_out_of_memory_names_the_setting(tmp_path: Path) -> None:
    """DuckDB running out of memory (a real one: the limit set to 2 MB) is one clear line
    naming [warehouse] memory_limit and exit code 5, not a traceback and exit 70."""
    import os
    import subprocess
    import sys

    import goodfit

    env = {**os.environ, "PYTHONPATH": str(Path(goodfit.__file__).parents[1])}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "goodfit", *args], capture_output=True,
                              text=True, env=env)

    project = tmp_path / "p"
    assert cli("synth", str(tmp_path / "data"), "-n", "60", "-m", "6").returncode == 0
    assert cli("init", str(project)).returncode == 0
    assert cli("import", str(tmp_path / "data"), "-p", str(project)).returncode == 0
    cfg = project / "goodfit.toml"
    text = cfg.read_text(encoding="utf-8")
    assert 'memory_limit = "1GB"' in text
    cfg.write_text(text.replace('memory_limit = "1GB"', 'memory_limit = "2MB"', 1),
                   encoding="utf-8")
    out = cli("scorecard", "-p", str(project), "--top", "3")
    assert out.returncode == 5, out.stderr
    assert "error (warehouse_out_of_memory)" in out.stderr
    assert "[warehouse] memory_limit" in out.stderr and "Traceback" not in out.stderr
