"""A real project folder whose scorecard comes from the test builder.

The metrics area produces the scorecard in the finished product; here the project reads
the contract-shaped ``scorecard`` table the builder wrote, for a fixed window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from goodfit.project import Project
from goodfit.scoring.coverage import FACTS
from goodfit.scoring.explain import ScoringRun
from goodfit.scoring.inputs import ScoringInputs
from goodfit.scoring.service import Scoring
from goodfit.window import Window
from tests.scoring.builders import SINCE, UNTIL, Provider


class BuilderScoring(Scoring):
    """Scores the builder's contract-shaped ``scorecard`` table over the builder's window."""

    def inputs(self, window: Window) -> ScoringInputs:
        wh = self._ws.warehouse
        text = {n: wh.table(n) for n in ("message_tone", "ticket_resolution", "ticket_kb_match")
                if wh.has_table(n)}
        return ScoringInputs(tables=wh.tables(), scorecard=wh.table("scorecard"),
                             since=window.since, until=window.until,
                             facts=frozenset(FACTS), **text)

    def score(self, as_of: Any = None, since: Any = None, until: Any = None, *,
              window: Window | None = None, **kw: Any) -> ScoringRun:
        window = window or Window(as_of=as_of or UNTIL, since=since or SINCE,
                                  until=until or UNTIL)
        return super().score(window=window, **kw)


class BuilderProject(Project):
    @cached_property
    def scoring(self) -> Scoring:
        return BuilderScoring(self.ws, self.metrics)


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[[Provider], BuilderProject]]:
    made: list[BuilderProject] = []

    def make(p: Provider) -> BuilderProject:
        root = tmp_path / f"project{len(made)}"
        Project.init(root).close()
        project = BuilderProject.open(root)
        assert isinstance(project, BuilderProject)
        project.warehouse.become_writer()  # the builder writes through the raw connection
        p.warehouse(project.warehouse.con)
        made.append(project)
        return project

    yield make
    for project in made:
        project.close()
