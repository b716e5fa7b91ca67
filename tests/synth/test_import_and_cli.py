"""A synthetic provider imports cleanly; the command line and progress reporting work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import goodfit
from goodfit.cli import app
from goodfit.errors import SynthError
from goodfit.project import Project
from goodfit.schema import IMPORT_ORDER
from goodfit.synth import generate

runner = CliRunner()


def test_importing_a_synthetic_provider_rejects_nothing(tmp_path: Path) -> None:
    summary = generate(tmp_path / "provider", customers=120, months=6, seed=4)
    with Project.init(tmp_path / "project") as project:
        results = project.import_directory(summary.out)
        assert [r.table for r in results] == list(IMPORT_ORDER)  # ground_truth/ is not read
        for result in results:
            rows = pq.read_metadata(summary.out / f"{result.table}.parquet").num_rows
            assert (result.rejected, result.rows_read, result.accepted) == (0, rows, rows), \
                (result.table, result.rejected_by_reason)
        imported = project.table("tickets").count().execute()
        assert imported == summary.rows["tickets"] > 0


def test_synth_command_writes_a_provider_and_reports_json(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["synth", str(out), "--customers", "80", "--months", "3",
                                 "--seed", "9", "--end", "2025-06-30", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["customers"] == 80 and report["seed"] == 9
    assert sum(report["personas"].values()) == 80
    for table in IMPORT_ORDER:
        assert pq.read_metadata(out / f"{table}.parquet").num_rows == report["rows"][table]
    starts = pq.read_table(out / "usage.parquet").column("period_start").to_pylist()
    assert min(starts).isoformat() == "2025-04-01T00:00:00"
    assert max(starts).isoformat() == "2025-06-01T00:00:00"
    header = (out / "ground_truth" / "personas.csv").read_text(encoding="utf-8").splitlines()
    assert header[0] == "customer_id,persona" and len(header) == 81


def test_synth_command_refuses_zero_customers(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", str(tmp_path / "x"), "--customers", "0"])
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_progress_reports_customers_done_per_batch(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []
    generate(tmp_path / "p", customers=50, months=2, seed=1, batch_size=20,
             progress=lambda stage, done, total=None: calls.append((stage, done, total)))
    assert calls == [("synth", 20, 50), ("synth", 40, 50), ("synth", 50, 50)]


def test_synth_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("not a folder", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(goodfit.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-m", "goodfit", "synth", str(target), "-n", "5",
                           "--json"], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"] == "synth_error"
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_a_persona_mix_can_be_chosen(tmp_path: Path) -> None:
    summary = generate(tmp_path / "p", customers=40, months=2, seed=1,
                       mix={"ideal": 1.0, "idle": 1.0})
    assert set(k for k, v in summary.personas.items() if v) <= {"ideal", "idle"}
    assert summary.rows["tickets"] == 0  # neither persona writes tickets
    with pytest.raises(SynthError, match="unknown persona"):
        generate(tmp_path / "q", customers=5, months=1, seed=1, mix={"angry": 1.0})
