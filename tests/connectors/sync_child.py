"""Run one sync in a child process and park it at a chosen progress point.

``python -m tests.connectors.sync_child PROJECT CONNECTOR "STAGE#DONE"``: when the sync
reports ``STAGE`` with ``done == DONE`` it prints STOP and sleeps, waiting to be killed.
"""

import sys
import time

from goodfit.project import Project
from tests.connectors.conftest import FAST

project_dir, connector, stop_at = sys.argv[1], sys.argv[2], sys.argv[3]
stage, _, when = stop_at.partition("#")


def progress(name: str, done: int, total: int | None = None) -> None:
    if name == stage and done == int(when):
        print("STOP", flush=True)
        time.sleep(120)


Project.open(project_dir).sync(connector, policy=FAST, progress=progress)
print("DONE", flush=True)
