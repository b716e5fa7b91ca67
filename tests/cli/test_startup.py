"""A command that only reads answers at once: ``--help``, ``status`` and ``explain`` load no
metric engine (Ibis, pandas), no Alembic and no model code, and the coverage ``status``
keeps between commands is never stale.

What is loaded is asserted, not how long it takes: wall time on a shared machine is noise
(benchmarks/startup_bench.py measures it against ``python -c pass``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app

runner = CliRunner()
HEAVY = ("ibis", "pandas", "sklearn", "scipy", "alembic", "pyarrow")

PROBE = """
import sys
from goodfit.cli import main
sys.argv = ["goodfit", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = {heavy!r}
print("LOADED=" + ",".join(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def loaded(*args: str) -> set[str]:
    """The heavy modules a real ``goodfit ARGS`` process loaded."""
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
                         capture_output=True, text=True, check=True)
    line = next(x for x in out.stderr.splitlines() if x.startswith("LOADED="))
    return {m for m in line.removeprefix("LOADED=").split(",") if m}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one row per table (the templates), imported and scored."""
    root = tmp_path_factory.mktemp("startup")
    proj, tpl = root / "p", root / "tpl"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    assert runner.invoke(app, ["templates", str(tpl)]).exit_code == 0
    assert runner.invoke(app, ["import", str(tpl), "-p", str(proj)]).exit_code == 0
    result = runner.invoke(app, ["score", "-p", str(proj)])
    assert result.exit_code == 0, result.output
    return proj


def test_help_loads_no_engine() -> None:
    assert loaded("--help") == set()
    assert loaded("--version") == set()


def test_status_and_explain_load_no_engine(scored: Path) -> None:
    loaded("status", "-p", str(scored))  # the first status after an import counts coverage
    assert loaded("status", "-p", str(scored)) == set()
    # explain reads the stored run and the rows its evidence cites with plain SQL
    assert loaded("explain", "C-1001", "-p", str(scored)) == set()
    explained = runner.invoke(app, ["explain", "C-1001", "-p", str(scored), "--json"])
    assert explained.exit_code == 0, explained.output
    assert json.loads(explained.output)["customer_id"] == "C-1001"


def test_status_coverage_follows_the_data(tmp_path: Path) -> None:
    """The kept coverage is keyed by what the warehouse holds: a new import changes it."""
    proj = tmp_path / "p"
    runner.invoke(app, ["init", str(proj)])
    (tmp_path / "customers.csv").write_text(
        "customer_id,signup_at\nC-1,2024-01-01 00:00:00\n", encoding="utf-8")
    (tmp_path / "tickets.csv").write_text(
        "ticket_id,customer_id,opened_at,staff_minutes\n"
        "T-1,C-1,2024-02-01 10:00:00,15\nT-2,C-1,2024-02-02 10:00:00,20\n", encoding="utf-8")
    for table in ("customers", "tickets"):
        result = runner.invoke(app, ["import", table, str(tmp_path / f"{table}.csv"),
                                     "-p", str(proj)])
        assert result.exit_code == 0, result.output

    def support() -> dict[str, dict[str, int]]:
        out = runner.invoke(app, ["status", "-p", str(proj), "--json"])
        assert out.exit_code == 0, out.output
        parts = json.loads(out.output)["coverage"]["support_cost"]["parts"]
        return {k: {"count": v["count"], "total": v["total"]} for k, v in parts.items()}

    assert support()["logged minutes"] == {"count": 2, "total": 2}
    assert support()["logged minutes"] == {"count": 2, "total": 2}  # from the kept copy
    # two more tickets without minutes or replies: 2 of 4 logged now
    (tmp_path / "more.csv").write_text(
        "ticket_id,customer_id,opened_at\n"
        "T-3,C-1,2024-02-03 10:00:00\nT-4,C-1,2024-02-04 10:00:00\n", encoding="utf-8")
    assert runner.invoke(app, ["import", "tickets", str(tmp_path / "more.csv"),
                               "-p", str(proj)]).exit_code == 0
    after = support()
    assert after["logged minutes"] == {"count": 2, "total": 4}
    assert after["no minutes and no replies (cost 0)"] == {"count": 2, "total": 4}
    # a damaged kept copy is ignored, never shown
    cache = proj / ".goodfit" / "cache" / "coverage.json"
    assert cache.is_file()
    cache.write_text("{not json", encoding="utf-8")
    assert support()["logged minutes"] == {"count": 2, "total": 4}
