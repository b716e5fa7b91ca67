"""Sessions and the sign-in limit live in the state DB: every server process shares them.

Two apps over two handles of one project stand for two workers (each has its own state DB
connections, as a worker process does); a new app over a newly opened project stands for
a restart. One test runs ``goodfit serve --workers 2`` itself.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from goodfit.project import Project
from goodfit.web.app import create_app
from tests.processes import free_port, stop, wait_until_answers
from tests.web.conftest import PASSWORD, Server, client_for, csrf_of, sign_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project with an owner and a manager who may sign in (no snapshot is needed to
    sign in or to list cases)."""
    with closing(Project.init(tmp_path / "p")) as p:
        p.actions.add_user("olive", "owner", password=PASSWORD)
        p.actions.add_user("mia", "manager", actor="olive", password=PASSWORD)
    return tmp_path / "p"


@pytest.fixture
def two_workers(root: Path) -> Iterator[tuple[Server, Server]]:
    with ExitStack() as stack:
        servers = []
        for _ in range(2):
            p = stack.enter_context(closing(Project.open(root)))
            servers.append(stack.enter_context(Server(create_app(p, secure_cookies=False))))
        yield servers[0], servers[1]


def _cookie(c: httpx.Client) -> str:
    return str(c.cookies.get("goodfit_session"))


def test_a_session_made_by_one_worker_is_valid_on_the_other(two_workers) -> None:  # type: ignore[no-untyped-def]
    a, b = two_workers
    with closing(sign_in(a, "mia")) as on_a, client_for(b) as on_b:
        on_b.cookies.set("goodfit_session", _cookie(on_a))
        page = on_b.get("/cases")
        assert page.status_code == 200 and "mia" in page.text
        # the CSRF token made on a is the one b checks: sign out on b
        r = on_b.post("/logout", data={"csrf": csrf_of(page.text)})
        assert r.status_code == 303
        assert on_a.get("/cases").status_code == 303  # gone on a too: to the sign-in page


def test_the_sign_in_limit_counts_failures_on_every_worker(two_workers, root) -> None:  # type: ignore[no-untyped-def]
    a, b = two_workers
    limit = 5  # [web] login_attempts default
    tries = []
    for i in range(limit):  # alternate workers: each sees only part of the failures
        srv = (a, b)[i % 2]
        with client_for(srv) as c:
            tries.append(c.post("/login", data={"name": "mia", "password": "wrong pass!",
                                                "csrf": csrf_of(c.get("/login").text)}))
    assert [r.status_code for r in tries] == [401] * limit
    for srv in (a, b):
        with client_for(srv) as c:
            r = c.post("/login", data={"name": "mia", "password": PASSWORD,
                                       "csrf": csrf_of(c.get("/login").text)})
            assert r.status_code == 429


def test_sessions_survive_a_restart_and_only_a_digest_is_stored(root: Path) -> None:
    with closing(Project.open(root)) as p, Server(create_app(p, secure_cookies=False)) as s:
        c = sign_in(s, "olive")
    sid = _cookie(c)
    with closing(Project.open(root)) as p:
        with p.ws.state.engine.connect() as con:
            stored = [r[0] for r in con.execute(text("SELECT id_sha256 FROM web_sessions"))]
        assert hashlib.sha256(sid.encode()).hexdigest() in stored
        assert sid not in stored
        with Server(create_app(p, secure_cookies=False)) as again:
            c2 = client_for(again)
            c2.cookies.set("goodfit_session", sid)
            r = c2.get("/users")
            assert r.status_code == 200 and "olive" in r.text
            c2.close()
    c.close()


def test_an_expired_session_is_refused(root: Path) -> None:
    with closing(Project.open(root)) as p, Server(create_app(p, secure_cookies=False)) as s, \
            closing(sign_in(s, "olive")) as c:
        assert c.get("/users").status_code == 200
        with p.ws.state.engine.begin() as con:
            con.execute(text("UPDATE web_sessions SET expires_at = :t"), {"t": time.time() - 1})
        assert c.get("/users").status_code == 303


@pytest.mark.slow
def test_goodfit_serve_with_two_workers(root: Path) -> None:
    """The real thing: ``goodfit serve --workers 2`` (two processes on one port); a
    signed-in client keeps its session over many requests, whichever worker answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "goodfit", "serve", "-p", str(root), "--port", str(port),
         "--insecure-cookies", "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(f"{url}/login", server, 90)
        workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(workers) >= 2  # two workers (and the multiprocessing helper)
        with httpx.Client(base_url=url, timeout=30) as c:
            token = csrf_of(c.get("/login").text)
            assert c.post("/login", data={"name": "olive", "password": PASSWORD,
                                          "csrf": token}).status_code == 303
            codes = {c.get("/users").status_code for _ in range(40)}
        assert codes == {200}
    finally:
        stop(server, 20)
        if server.stderr is not None:
            server.stderr.close()
