"""A real goodfit project (DuckDB file) filled from a fixture provider."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from goodfit.project import Project
from tests.text_ml.fixtures import Provider

KB_EVAL = Path(__file__).parents[1] / "data" / "kb_eval"

MakeProject = Callable[..., Project]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Project.init + import of the provider's tables (and the KB evaluation articles)."""
    made: list[Project] = []

    def make(provider: Provider, *, kb: bool = False,
             articles: list[dict[str, str]] | None = None, **text: object) -> Project:
        """``text`` overrides keys of the [text] section of goodfit.toml."""
        root = tmp_path / f"p{len(made)}"
        project = Project.init(root)
        if text:
            path = root / "goodfit.toml"
            body = path.read_text(encoding="utf-8")
            for key, value in text.items():
                body, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value!r}", body)
                assert n == 1, key
            path.write_text(body, encoding="utf-8")
            project.close()
            project = Project.open(root)
        data = provider.write(tmp_path / f"data{len(made)}")
        if kb:
            shutil.copy(KB_EVAL / "articles.csv", data / "kb_articles.csv")
        if articles:
            pq.write_table(pa.Table.from_pylist(articles), data / "kb_articles.parquet")
        results = project.import_directory(data)
        assert all(r.rejected == 0 for r in results), [r.to_dict() for r in results]
        made.append(project)
        return project

    yield make  # type: ignore[misc]
    for p in made:
        p.close()
