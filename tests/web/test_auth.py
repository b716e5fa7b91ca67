"""Sign-in: argon2 hashes, cookie flags, CSRF, fresh session ids, rate limiting, CLI."""

from __future__ import annotations

from contextlib import closing

import pytest
from sqlalchemy import select

from goodfit.state.users import User
from tests.web.conftest import PASSWORD, Server, client_for, csrf_of, sign_in


def test_passwords_are_stored_as_argon2id_hashes_only(project) -> None:  # type: ignore[no-untyped-def]
    with project.state.session() as s:
        hashes = dict(s.execute(select(User.name, User.password_hash)).all())
    assert set(hashes) == {"olive", "mia", "mo", "alex", "vera"}
    for h in hashes.values():
        assert h.startswith("$argon2id$") and PASSWORD not in h
    events = project.audit.events()
    assert not any(PASSWORD in str(e.data) or "$argon2" in str(e.data) for e in events)


def test_cookie_is_httponly_samesite_strict_and_secure_by_default(project) -> None:  # type: ignore[no-untyped-def]
    from goodfit.web.app import create_app

    with Server(create_app(project)) as srv, client_for(srv) as c:
        cookie = c.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie


def test_insecure_cookies_only_when_asked(server) -> None:  # type: ignore[no-untyped-def]
    with client_for(server) as c:
        cookie = c.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie


def test_sign_in_gives_a_fresh_session_id(server) -> None:  # type: ignore[no-untyped-def]
    with client_for(server) as c:
        before = c.get("/login").cookies["goodfit_session"]
        token = csrf_of(c.get("/login").text)
        r = c.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": token})
        assert r.status_code == 303
        assert r.cookies["goodfit_session"] != before
        assert c.get("/").status_code == 200


def test_wrong_password_and_missing_csrf_are_refused(server) -> None:  # type: ignore[no-untyped-def]
    with client_for(server) as c:
        token = csrf_of(c.get("/login").text)
        assert c.post("/login", data={"name": "nobody", "password": "x" * 12,
                                      "csrf": token}).status_code == 401
        assert c.post("/login", data={"name": "vera", "password": PASSWORD}).status_code == 403
        assert c.get("/").status_code == 303  # still signed out


def test_forms_without_the_csrf_token_change_nothing(server, project) -> None:  # type: ignore[no-untyped-def]
    before = len(project.actions.cases())
    with closing(sign_in(server, "alex")) as agent:
        for data in ({"reason": "no token"}, {"reason": "bad token", "csrf": "forged"}):
            r = agent.post("/customers/C-1003/offboard", data=data)
            assert r.status_code == 403 and "security token" in r.text
    assert len(project.actions.cases()) == before


def test_sign_in_is_rate_limited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from goodfit.project import Project
    from goodfit.web.app import create_app

    # a project of its own: failed sign-ins are kept in the state DB, and this address
    # would stay blocked for the other tests' shared server
    project = Project.init(tmp_path / "p")
    project.actions.add_user("olive", "owner", password=PASSWORD)
    project.actions.add_user("mia", "manager", actor="olive", password=PASSWORD)
    limit = project.config.web.login_attempts  # 5 by default
    with closing(project), Server(create_app(project, secure_cookies=False)) as srv, \
            client_for(srv) as c:
        token = csrf_of(c.get("/login").text)
        for _ in range(limit):
            r = c.post("/login", data={"name": "mia", "password": "wrong password!",
                                       "csrf": token})
            assert r.status_code == 401
        # now even the right password is refused, without being checked
        r = c.post("/login", data={"name": "mia", "password": PASSWORD, "csrf": token})
        assert r.status_code == 429
        r = c.post("/login", data={"name": "olive", "password": PASSWORD, "csrf": token})
        assert r.status_code == 429  # the same address is limited too


def test_signed_out_session_is_gone(server) -> None:  # type: ignore[no-untyped-def]
    with closing(sign_in(server, "vera")) as c:
        token = csrf_of(c.get("/").text)
        assert c.post("/logout", data={"csrf": token}).status_code == 303
        assert c.get("/").status_code == 303


def test_cli_sets_passwords_from_stdin(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from goodfit.cli import app
    from goodfit.project import Project

    Project.init(tmp_path / "p").close()
    run = CliRunner().invoke
    r = run(app, ["users", "add", "ola", "--role", "owner", "--password-stdin", "-p",
                  str(tmp_path / "p")], input="a long enough pass\n")
    assert r.exit_code == 0, r.output
    r = run(app, ["users", "add", "vic", "--role", "viewer", "--password-stdin", "--as", "ola",
                  "-p", str(tmp_path / "p")], input="short\n")
    assert r.exit_code != 0 and "at least 12 characters" in str(r.exception)
    p = Project.open(tmp_path / "p")
    try:
        assert p.actions.authenticate("ola", "a long enough pass") is not None
        assert p.actions.authenticate("ola", "a long enough pasS") is None
        assert p.actions.authenticate("nobody", "a long enough pass") is None
        assert [u.name for u in p.actions.users()] == ["ola"]
    finally:
        p.close()


@pytest.mark.parametrize("role", ["owner", "manager", "agent", "viewer"])
def test_new_roles_are_accepted(role: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from goodfit.project import Project

    p = Project.init(tmp_path / "p")
    try:
        p.actions.add_user("first", "owner")
        assert p.actions.add_user("second", role, actor="first").role == role
    finally:
        p.close()
