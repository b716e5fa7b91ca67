"""django-helpdesk's credential slot: its staff password, used for real against a real
django-helpdesk on 127.0.0.1, lands in no file, log record, state row or command output
(the other slots: tests/maintenance/test_secrets.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from tests.connectors.test_django_helpdesk import ADMIN, PASSWORD, _post, helpdesk
from tests.maintenance.conftest import project_root
from tests.maintenance.test_secrets import assert_nowhere

__all__ = ["helpdesk", "project_root"]  # fixtures used here


@pytest.mark.slow  # migrating a fresh django-helpdesk takes ~20 s
def test_the_helpdesk_password_is_never_written_logged_or_printed(
        project_root: Path, helpdesk: tuple[str, dict[str, str]],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url, _ = helpdesk
    for title in ("VPS down", "Add a mailbox"):
        _post(url, "/api/tickets/", {"queue": 1, "title": title, "description": title,
                                     "submitter_email": "ada@acme.example", "priority": 3,
                                     "custom_organisation": "C-1"})
    runner = CliRunner()
    env = {"GOODFIT_HD_USER": ADMIN, "GOODFIT_HD_SECRET": PASSWORD}
    outputs: list[str] = []

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "-p", str(project_root)], env=env)
        outputs.append(result.output + repr(result.exception))
        assert result.exit_code == 0, result.output
        return result.output

    run("connect", "add", "hd", "--type", "django-helpdesk", "--url", url)
    assert '"tickets": 2' in run("sync", "hd", "--json")  # the password was used
    run("sync", "hd")  # the second pass: nothing changed
    run("status")
    run("audit", "verify")
    # and a wrong password is refused without echoing what was tried
    bad = runner.invoke(app, ["sync", "hd", "-p", str(project_root)],
                        env={**env, "GOODFIT_HD_SECRET": PASSWORD + "-wrong"})
    assert bad.exit_code != 0
    outputs.append(bad.output + repr(bad.exception))
    assert_nowhere(project_root, outputs, caplog.records, [PASSWORD, PASSWORD + "-wrong"])
