"""``python -m tests.maintenance.kill_child ROOT score|draw``: one scoring run (with its
snapshot), or one reward draw from plan to drawn, in its own process, to be killed."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from goodfit.project import Project


def main() -> None:
    root, what = Path(sys.argv[1]), sys.argv[2]
    with Project.open(root) as p:
        if what == "score":
            p.scoring.score()
        else:
            # resume a draw a kill interrupted, else start a new one
            open_ = [d for d in p.rewards.draws() if d.state != "drawn"]
            if open_:
                rec = open_[-1]
            else:
                _, new = p.rewards_plan(as_of=datetime(2025, 1, 1), actor="alice")
                assert new is not None
                rec = new
            if rec.state == "planned":
                rec = p.rewards_commit(rec.id, "alice")
            p.rewards_draw(rec.id, "alice")
    (root / f"{what}.done").write_text("done", encoding="utf-8")


if __name__ == "__main__":
    main()
