"""A real project folder whose scorecard comes from the test builder.

The metrics area produces the scorecard in the finished product; here the project reads
the contract-shaped ``scorecard`` table the builder wrote, for a fixed window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from goodfit.project import Project
from goodfit.scoring.coverage import FACTS
from goodfit.scoring.inputs import ScoringInputs
from tests.scoring.builders import SINCE, UNTIL, Provider


class BuilderProject(Project):
    def _scoring_inputs(self, as_of: datetime | None = None, since: datetime | None = None,
                        until: datetime | None = None) -> tuple[ScoringInputs, datetime]:
        wh = self.warehouse
        text = {n: wh.table(n) for n in ("message_tone", "ticket_resolution", "ticket_kb_match")
                if wh.has_table(n)}
        return ScoringInputs(tables=wh.tables(), scorecard=wh.table("scorecard"),
                             since=since or SINCE, until=until or UNTIL,
                             facts=frozenset(FACTS), **text), as_of or UNTIL


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[[Provider], BuilderProject]]:
    made: list[BuilderProject] = []

    def make(p: Provider) -> BuilderProject:
        root = tmp_path / f"project{len(made)}"
        Project.init(root).close()
        project = BuilderProject.open(root)
        assert isinstance(project, BuilderProject)
        p.warehouse(project.warehouse.con)
        made.append(project)
        return project

    yield make
    for project in made:
        project.close()
