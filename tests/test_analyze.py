"""goodfit analyze on a user's own project: every step, a summary, resumable after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.analysis import RECORD_FILE, STEPS
from goodfit.cli import app
from goodfit.project import Project

runner = CliRunner()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a small synthetic provider imported, nothing analysed yet."""
    base = tmp_path_factory.mktemp("analyze")
    data = base / "data"
    Project.synth(data, customers=60, months=6, seed=9)
    root = base / "p"
    with Project.init(root) as p:
        p.ingest.import_directory(data)
    return root


def test_analyze_runs_every_step_then_resumes_them(imported: Path) -> None:
    r = runner.invoke(app, ["analyze", "-p", str(imported), "--json"])
    assert r.exit_code == 0, r.output
    first = json.loads(r.output)
    assert [o["step"] for o in first] == list(STEPS)
    assert {o["status"] for o in first} <= {"done", "skipped"}
    assert first[-1]["summary"].endswith(".html") and Path(first[-1]["summary"]).is_file()
    with Project.open(imported) as p:
        snaps = p.scoring.snapshots()
    assert [s.label for s in snaps] == ["analyze"]
    # the same data and configuration: nothing runs again, no second snapshot
    again = json.loads(runner.invoke(app, ["analyze", "-p", str(imported), "--json"]).output)
    assert [o["status"] for o in again] == ["resumed"] * len(STEPS)
    assert [o["summary"] for o in again] == [o["summary"] for o in first]
    with Project.open(imported) as p:
        assert len(p.scoring.snapshots()) == 1
    # --from reruns that step and every one after it
    part = json.loads(runner.invoke(app, ["analyze", "-p", str(imported), "--from", "topics",
                                          "--json"]).output)
    assert [o["status"] for o in part][:3] == ["resumed"] * 3
    assert all(o["status"] != "resumed" for o in part[3:])
    text = runner.invoke(app, ["analyze", "-p", str(imported)]).output
    assert "6 steps in" in text and "6 resumed" in text


def test_analyze_unknown_step_is_a_clear_error(imported: Path) -> None:
    r = runner.invoke(app, ["analyze", "-p", str(imported), "--from", "topcs"])
    assert r.exception is not None and "topics" in str(r.exception)


def test_a_killed_analysis_resumes_where_it_stopped(imported: Path, tmp_path: Path) -> None:
    """SIGKILL once a step has finished (the plain progress lines say when), then rerun:
    the finished steps are not done again and the rest complete."""
    root = tmp_path / "copy"
    import shutil

    shutil.copytree(imported, root)
    (root / RECORD_FILE).unlink(missing_ok=True)
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "goodfit", "analyze", "-p", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)
    assert proc.stderr is not None
    for line in proc.stderr:  # not a terminal: one plain line per stage start and end
        if "step knowledge base: started" in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    record = json.loads((root / RECORD_FILE).read_text(encoding="utf-8"))
    finished = list(record["steps"])
    assert finished[:2] == ["tone", "resolution codes"]
    assert "fit scores" not in finished
    out = json.loads(runner.invoke(app, ["analyze", "-p", str(root), "--json"]).output)
    status = {o["step"]: o["status"] for o in out}
    assert status["tone"] == status["resolution codes"] == "resumed"
    assert status["fit scores"] == "done" and status["report"] == "done"


def _processes_naming(root: Path) -> list[int]:
    """Process ids whose command line names ``root`` (a forked step has its parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(root) in \
                    (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:  # ended while we looked
            continue
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="steps run in child processes on Linux")
def test_killing_analyze_leaves_no_step_running(imported: Path, tmp_path: Path) -> None:
    import shutil
    import time

    root = tmp_path / "copy2"
    shutil.copytree(imported, root)
    (root / RECORD_FILE).unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "goodfit", "analyze", "-p", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "step topics: started" in line:
            break
    deadline = time.monotonic() + 10  # the line is written just before the step forks
    while len(_processes_naming(root)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_processes_naming(root)) >= 2  # the command and the step it forked
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    deadline = time.monotonic() + 10
    while _processes_naming(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(root) == []  # the step died with its parent


@pytest.mark.skipif(sys.platform != "linux", reason="steps run in child processes on Linux")
def test_a_step_whose_process_dies_is_named_and_the_rest_resumes(
        imported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's out-of-memory killer ends a step's process: analyze says which step,
    how it ended and what to do; the steps before it stay recorded."""
    import shutil

    from goodfit.errors import StepStopped
    from goodfit.text.service import Text

    root = tmp_path / "copy3"
    shutil.copytree(imported, root)
    (root / RECORD_FILE).unlink(missing_ok=True)
    pids = tmp_path / "pids"

    real_topics = Text.topics

    def topics_noting_pid(self: Text, *args: object, **kwargs: object) -> object:
        with pids.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real_topics(self, *args, **kwargs)  # type: ignore[arg-type]

    def match_kb_killed(self: Text, *args: object, **kwargs: object) -> object:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("not reached")

    with Project.open(root) as p:
        snapshots_before = len(p.scoring.snapshots())
    monkeypatch.setattr(Text, "match_kb", match_kb_killed)
    with Project.open(root) as p, pytest.raises(StepStopped) as stopped:
        p.analysis.run()
    assert "knowledge base" in stopped.value.message and "SIGKILL" in stopped.value.message
    assert "rerun goodfit analyze" in stopped.value.message
    record = json.loads((root / RECORD_FILE).read_text(encoding="utf-8"))
    assert list(record["steps"]) == ["tone", "resolution codes"]

    monkeypatch.undo()
    monkeypatch.setattr(Text, "topics", topics_noting_pid)
    with Project.open(root) as p:
        outcomes = p.analysis.run()
        # the project's state DB still opens in this process after the children
        assert len(p.scoring.snapshots()) == snapshots_before + 1
    assert [o.status for o in outcomes] == ["resumed", "resumed", "done", "done", "done",
                                           "done"]
    ran_in = {int(x) for x in pids.read_text().split()}
    assert ran_in and os.getpid() not in ran_in  # topics ran in a process of its own
