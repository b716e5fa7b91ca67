"""A small provider for the maintenance tests, and goodfit run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from goodfit.project import Project

REPO = Path(__file__).resolve().parents[2]
N_CUSTOMERS = 6

CUSTOMERS = "customer_id,name,signup_at,status,plan,country,email,currency\n" + "".join(
    f"C-{i},Org {i} Ltd,2023-0{i}-01 09:30:00,active,vps-2,GB,billing@org{i}.example,USD\n"
    for i in range(1, N_CUSTOMERS + 1))
CONTACTS = "contact_id,customer_id,name,email,role\n" + "".join(
    f"P-{i},C-{i},Person {i},person{i}@org{i}.example,billing\n"
    for i in range(1, N_CUSTOMERS + 1))
SERVICES = "service_id,customer_id,product,plan,price_monthly,currency,started_at,ended_at\n" + \
    "".join(f"S-{i},C-{i},vps,vps-2,24.00,USD,2023-04-01 09:35:00,\n"
            for i in range(1, N_CUSTOMERS + 1))
TICKETS = "ticket_id,customer_id,opened_at,closed_at,priority,channel,subject,category\n" + \
    "".join(f"T-{i},C-{i},2025-03-0{i} 10:00:00,2025-03-0{i} 12:00:00,normal,email,"
            f"Server {i} is down,technical\n" for i in range(1, N_CUSTOMERS + 1))


def write_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("customers", CUSTOMERS), ("contacts", CONTACTS),
                       ("services", SERVICES), ("tickets", TICKETS)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """An imported project (closed again, as after a command), with users."""
    root = tmp_path / "acme"
    with Project.init(root) as project:
        results = project.import_directory(write_data(tmp_path / "data"))
        assert all(r.rejected == 0 for r in results), results
        project.add_user("alice", "owner")
        project.add_user("bob", "manager", actor="alice")
    return root


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
            "COLUMNS": "200", "NO_COLOR": "1"}


def goodfit(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``goodfit ARGS -p ROOT`` in its own process."""
    return subprocess.run([sys.executable, "-m", "goodfit", *args, "-p", str(root)],
                          cwd=REPO, env=env(), capture_output=True, text=True,
                          timeout=timeout, check=False)


def start_goodfit(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "goodfit", *args, "-p", str(root)],
                            cwd=REPO, env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def writer(project_root: Path, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Another process holding the project's writer lock (see writer_child.py)."""
    marker, log = tmp_path / "writer.ready", tmp_path / "writer.log"
    with open(log, "wb") as out:  # the child keeps its own copy of the file
        child = subprocess.Popen([sys.executable, "-m", "tests.maintenance.writer_child",
                                  str(project_root), str(marker)], cwd=REPO, env=env(),
                                 stdout=out, stderr=out)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the writer did not start"
        time.sleep(0.05)
    yield child
    child.kill()
    child.wait()
