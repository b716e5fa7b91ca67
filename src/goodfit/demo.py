"""``goodfit demo``: a project filled with a synthetic provider, imported and analysed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from goodfit.config import CONFIG_FILE
from goodfit.errors import ProjectExists
from goodfit.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from goodfit.workspace import Workspace

DEMO_MARKER = ".goodfit-demo"
DEMO_NAME = "Example Hosting (synthetic demo)"


def create_demo_workspace(path: str | Path, *, customers: int, months: int, seed: int,
                          progress: Progress = NO_PROGRESS) -> tuple[Workspace, Path]:
    """A new project folder named as a demo, with synthetic exports written into it.

    A folder left by an earlier demo (it holds ``.goodfit-demo``) is replaced; anything
    else is refused.
    """
    from goodfit.synth import generate
    from goodfit.workspace import Workspace

    root = Path(path).resolve()
    if root.exists() and any(root.iterdir()):
        if not (root / DEMO_MARKER).is_file():
            raise ProjectExists(root)
        shutil.rmtree(root)
    ws = Workspace.create(root)
    (root / DEMO_MARKER).write_text("made by goodfit demo; safe to delete\n", encoding="utf-8")
    # Letters and e-mails are signed with the project name: make the demo's obvious.
    cfg = root / CONFIG_FILE
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        'name = "my provider"', f'name = "{DEMO_NAME}"', 1), encoding="utf-8")
    ws.reload_config()
    data = root / "synthetic-data"
    generate(data, customers=customers, months=months, seed=seed, progress=progress)
    return ws, data
