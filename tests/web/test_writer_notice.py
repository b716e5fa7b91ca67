"""While another process writes the project (an import, a scoring run), every page says
newer data is being prepared, names who is writing, and still shows the last snapshot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goodfit.project import Project
from tests.web.conftest import PASSWORD, Server, sign_in

HOLD = """
import sys, time
from pathlib import Path
from goodfit.locking import WriterLock
lock = WriterLock.for_project(Path(sys.argv[1]), "import")
lock.acquire(10)
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def test_pages_say_when_newer_data_is_being_prepared(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from goodfit.web import data
    from goodfit.web.app import create_app

    monkeypatch.setattr(data, "BUSY_CHECK_SECONDS", 0.0)  # look every request
    root = tmp_path / "project"
    Project.init(root).close()
    project = Project.open(root)
    project.actions.add_user("olive", "owner", password=PASSWORD)
    with Server(create_app(project, secure_cookies=False)) as server:
        client = sign_in(server, "olive")
        quiet = client.get("/")
        assert quiet.status_code == 503 and "run `goodfit score" in quiet.text
        assert "Newer data is being prepared" not in quiet.text
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(root)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            busy = client.get("/")
            assert "Newer data is being prepared" in busy.text
            assert "import by" in busy.text and f"pid {holder.pid}" in busy.text
            assert project.ws.writer() is not None
        finally:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(10)
            if holder.stdout is not None:
                holder.stdout.close()
        assert "Newer data is being prepared" not in client.get("/").text
        client.close()
    project.close()
