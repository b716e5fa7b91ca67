"""What the Spark tests share: one synthetic provider analysed on DuckDB, built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodfit.project import Project


@pytest.fixture(scope="session")
def duck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("spark-vs-duckdb")
    Project.synth(base / "data", customers=120, months=12, seed=5)
    with Project.init(base / "p") as p:
        p.ingest.import_directory(base / "data")
        p.text.analyze_tone()
        p.text.train_resolution()
        p.text.apply_resolution()
        p.text.match_kb()
        p.scoring.score()
    return base / "p"
