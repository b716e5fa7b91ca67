"""A known secret in every credential slot never lands anywhere: no file of the project
(config, warehouse, state DB, read copy, quarantine, staging, outbox, reports), no log
record, no command output.

Slots: SMTP user and password, and each HTTP connector's credentials (Stripe key, WHMCS
identifier and secret, Zendesk agent and token, Freshdesk key), each used for real
against a server on 127.0.0.1 that accepts only that secret. django-helpdesk's password
is checked against a real django-helpdesk in tests/connectors/test_helpdesk_secret.py.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from tests.actions.conftest import free_port
from tests.connectors import fakes
from tests.connectors.replay import serve

SMTP_USER, SMTP_PASSWORD = "mailer", "smtp-PW-7c1e0f9a4b"
CONNECTORS: dict[str, tuple[str, Any, dict[str, str]]] = {  # name: (type, api, env)
    "pay": ("stripe", lambda: fakes.stripe_api(fakes.stripe_data()),
            {"GOODFIT_PAY_TOKEN": fakes.STRIPE_KEY}),
    "billing": ("whmcs", lambda: fakes.whmcs_api(fakes.whmcs_data()),
                {"GOODFIT_BILLING_USER": fakes.WHMCS_ID,
                 "GOODFIT_BILLING_SECRET": fakes.WHMCS_SECRET}),
    "desk": ("zendesk", lambda: fakes.zendesk_api(fakes.zendesk_data()),
             {"GOODFIT_DESK_USER": fakes.ZENDESK_USER, "GOODFIT_DESK_TOKEN": fakes.ZENDESK_TOKEN}),
    "fresh": ("freshdesk", lambda: fakes.freshdesk_api(fakes.freshdesk_data()),
              {"GOODFIT_FRESH_TOKEN": fakes.FRESHDESK_KEY}),
}
# The e-mail address of the Zendesk agent is an identity, not a secret; it may be shown.
SECRETS = [SMTP_PASSWORD, fakes.STRIPE_KEY, fakes.WHMCS_ID, fakes.WHMCS_SECRET,
           fakes.ZENDESK_TOKEN, fakes.FRESHDESK_KEY]


class _Mail:
    def __init__(self) -> None:
        self.logins: list[str] = []
        self.messages = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Mail]]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    box, port = _Mail(), free_port()

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == SMTP_USER.encode() \
            and data.password == SMTP_PASSWORD.encode()
        if ok:
            box.logins.append(SMTP_USER)
        return AuthResult(success=ok)

    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    yield port, box
    controller.stop()


def test_no_secret_is_written_logged_or_printed(project_root: Path, smtp: tuple[int, _Mail],
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    port, box = smtp
    cfg = project_root / "goodfit.toml"
    text = cfg.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^host = "localhost"', 'host = "127.0.0.1"', text, count=1)
    text = re.sub(r"(?m)^port = 25$", f"port = {port}", text, count=1)
    cfg.write_text(text, encoding="utf-8")
    env = {"GOODFIT_SMTP_USER": SMTP_USER, "GOODFIT_SMTP_PASSWORD": SMTP_PASSWORD}
    for _, _, creds in CONNECTORS.values():
        env.update(creds)
    runner = CliRunner()
    outputs: list[str] = []

    def run(*args: str, ok: bool = True) -> None:
        result = runner.invoke(app, [*args, "-p", str(project_root)], env=env)
        outputs.append(result.output + repr(result.exception))
        if ok:
            assert result.exit_code == 0, result.output

    run("offboard", "start", "C-1", "--reason", "costs more than it pays", "--as", "bob")
    run("case", "approve", "1", "--as", "alice")
    run("case", "execute", "1", "--as", "bob", ok=False)  # sends step 1, waits for the call
    assert box.logins == [SMTP_USER] and box.messages == 1  # the password was used

    for name, (type_, api, _) in CONNECTORS.items():
        with serve(api()) as server:
            run("connect", "add", name, "--type", type_, "--url", server.url)
            run("sync", name, "--json")
            run("sync", name)  # the second, incremental pass
    run("status")
    run("audit", "verify")

    assert_nowhere(project_root, outputs, caplog.records, SECRETS)
    assert (project_root / ".goodfit" / "read").is_dir()


def assert_nowhere(root: Path, outputs: list[str], records: list[logging.LogRecord],
                   secrets: list[str]) -> None:
    """None of ``secrets`` in a command's output, a log record, a file under ``root``
    or a row of its SQLite state DB."""
    def leaks(blob: bytes | str) -> list[str]:
        data = blob.encode("utf-8", "replace") if isinstance(blob, str) else blob
        return [s for s in secrets if s.encode() in data]

    for out in outputs:
        assert leaks(out) == [], out
    for record in records:
        assert leaks(record.getMessage()) == [], record.getMessage()
    checked = 0
    for path in root.rglob("*"):
        if path.is_file():
            checked += 1
            assert leaks(path.read_bytes()) == [], path
    con = sqlite3.connect(root / "state.db")
    rows = 0
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in con.execute(f'SELECT * FROM "{table}"'):
            rows += 1
            assert leaks(repr(row)) == [], (table, row)
    con.close()
    assert checked >= 5 and rows > 0
