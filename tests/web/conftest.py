"""A scored project with a stored snapshot and one user per role, and the web app on it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

import httpx  # noqa: E402

from goodfit.project import Project  # noqa: E402
from tests.scoring.conftest import BuilderProject  # noqa: E402
from tests.scoring.demo import demo_provider  # noqa: E402

PASSWORD = "correct horse battery"
USERS = {"olive": "owner", "mia": "manager", "mo": "manager", "alex": "agent", "vera": "viewer"}
ROLE_USER = {"owner": "olive", "manager": "mia", "agent": "alex", "viewer": "vera"}


PROVIDER = demo_provider(xss=True)
# (minutes to first response, hours to close) of C-1008's tickets, in order
SERVICE_TIMES = ((30, 2), (90, 10), (600, 100))
HOSTILE_METRIC = "<svg onload=alert(4)>gb"
HOSTILE_PLAN = '"><script>alert("plan")</script>'


def build_project(root: Path, *, xss: bool = True) -> Project:
    p = PROVIDER if xss else demo_provider()
    for i, row in enumerate(p.rows["customers"]):
        row["email"] = f"billing{i}@org{i}.example"
        row["country"] = "DE" if i % 2 else "FR"
    # C-1008's three tickets get response and close times (see test_pages: service levels)
    for t, (reply, close) in zip([t for t in p.rows["tickets"] if t["customer_id"] == "C-1008"],
                                 SERVICE_TIMES, strict=True):
        t["first_response_at"] = t["opened_at"] + timedelta(minutes=reply)
        t["closed_at"] = t["opened_at"] + timedelta(hours=close)
    if xss and not any(u["metric"] == HOSTILE_METRIC for u in p.rows["usage"]):
        # a hostile usage metric, and a plan of one customer with a hostile name
        p.usage("C-1001", datetime(2025, 6, 1), 5.0, metric=HOSTILE_METRIC)
        p.usage("N-2", datetime(2025, 12, 13), 5.0, metric=HOSTILE_METRIC)
        for rows in (p.rows["customers"], p.card):
            next(r for r in rows if r["customer_id"] == "N-2")["plan"] = HOSTILE_PLAN
    formula = '=HYPERLINK("http://evil.example","x")'
    p.rows["customers"][1]["name"] = formula
    p.card[1]["name"] = formula
    Project.init(root).close()
    project = BuilderProject.open(root)
    project.warehouse.become_writer()  # the builder writes through the raw connection
    p.warehouse(project.warehouse.con)
    project.scoring.score(label="web tests")
    owner = "olive"
    for name, role in USERS.items():
        project.actions.add_user(name, role, actor=None if name == owner else owner,
                                 password=PASSWORD)
    return project


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = build_project(tmp_path_factory.mktemp("web") / "project")
    project.provider = PROVIDER  # type: ignore[attr-defined]
    yield project
    project.close()


class Server:
    """The web app served by uvicorn on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        import threading

        import uvicorn

        from tests.processes import free_port

        self.port = free_port()
        self.app = app
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web app did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def app(project: Project):  # type: ignore[no-untyped-def]
    from goodfit.web.app import create_app

    return create_app(project, secure_cookies=False)


@pytest.fixture(scope="session")
def server(app) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    with Server(app) as s:
        yield s


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def client_for(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)


def sign_in(server: Server, name: str, password: str = PASSWORD) -> httpx.Client:
    client = client_for(server)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": password, "csrf": token})
    assert r.status_code == 303, r.text
    return client


@pytest.fixture(scope="session")
def clients(server: Server) -> Iterator[dict[str, httpx.Client]]:
    out = {role: sign_in(server, name) for role, name in ROLE_USER.items()}
    out["anonymous"] = client_for(server)
    yield out
    for c in out.values():
        c.close()
