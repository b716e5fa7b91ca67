"""The actions commands as a person types them (CliRunner on the real app, real SMTP)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from goodfit.cli import app
from tests.actions.conftest import Mailbox
from tests.actions.provider import make_project

runner = CliRunner()


def _project(tmp_path: Path, port: int) -> Path:
    root = tmp_path / "acme"
    make_project(root).close()
    cfg = root / "goodfit.toml"
    text = cfg.read_text().replace('host = "localhost"', 'host = "127.0.0.1"', 1)
    text = text.replace("port = 25", f"port = {port}", 1)
    text = text.replace('name = "my provider"', 'name = "Acme Hosting"', 1)
    cfg.write_text(text)
    return root


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "-p", str(root)], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        return 99, f"{type(result.exception).__name__}: {result.exception}"
    return result.exit_code, result.output


def test_offboarding_from_the_command_line(tmp_path: Path, mailbox: Mailbox) -> None:
    root = _project(tmp_path, mailbox.port)
    assert run(root, "users", "add", "alice", "--role", "owner")[0] == 0
    assert run(root, "users", "add", "bob", "--role", "manager", "--as", "alice")[0] == 0
    assert run(root, "users", "add", "carol", "--role", "agent", "--as", "alice")[0] == 0
    code, out = run(root, "users", "add", "eve", "--role", "owner", "--as", "carol")
    assert code == 99 and "only an owner may add users" in out
    listed = json.loads(run(root, "users", "list", "--json")[1])
    assert [(u["name"], u["role"]) for u in listed] == [
        ("alice", "owner"), ("bob", "manager"), ("carol", "agent")]

    code, out = run(root, "offboard", "start", "C-1", "--reason", "too costly to serve",
                    "--as", "carol", "--json")
    assert code == 0, out
    case = json.loads(out)
    today = datetime.now(UTC).date()
    assert case["id"] == 1 and case["data"]["notice_date"] == today.isoformat()
    assert case["data"]["effective_date"] == (today + timedelta(days=30)).isoformat()
    code, out = run(root, "case", "approve", "1", "--as", "carol")
    assert code == 99 and "carol is agent" in out
    code, out = run(root, "case", "approve", "1", "--as", "bob")
    assert code == 0 and "[approved]" in out
    code, out = run(root, "case", "approve", "1", "--as", "bob")
    assert "cannot approve case 1: it is approved; allowed from approved: execute, cancel" \
        in out
    code, out = run(root, "case", "execute", "1", "--as", "carol", "--dry-run")
    assert code == 0 and out.count(".eml") == 3 and mailbox.messages == []
    code, out = run(root, "case", "execute", "1", "--as", "carol")
    assert code == 99 and "waits for the call" in out  # step 1 sent, stops at the call
    assert len(mailbox.messages) == 1
    code, out = run(root, "offboard", "log-call", "1", "--outcome", "voicemail", "--notes",
                    "left a message", "--as", "carol")
    assert code == 0 and "voicemail" in out
    code, out = run(root, "case", "execute", "1", "--as", "carol", env={"GOODFIT_USER": "carol"})
    assert code == 0 and "[closed]" in out
    assert len(mailbox.messages) == 3
    shown = json.loads(run(root, "offboard", "show", "1", "--json")[1])
    assert [s["state"] for s in shown["steps"]] == ["executed"] * 6
    assert shown["steps"][2]["approved_by"] == "bob"

    msgs = json.loads(run(root, "outbox", "list", "--json")[1])
    assert [m["state"] for m in msgs] == ["sent", "sent", "sent"]
    closed = json.loads(run(root, "cases", "list", "--state", "closed", "--json")[1])
    assert [(c["id"], c["title"]) for c in closed] == [(1, "Offboarding Łódź Café GmbH")]
    assert run(root, "cases", "list", "--state", "draft", "--json")[1].strip() == "[]"
    code, out = run(root, "audit", "verify")
    assert code == 0 and out.startswith("ok: ")
    events = json.loads(run(root, "audit", "show", "C-1", "--json")[1])
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "case_opened" and kinds[-1] == "case_closed"
    assert events[0]["data"]["case_data"]["reason"] == "too costly to serve"
    assert events[0]["actor"] == "carol"
    assert kinds.count("send") == 3 and "call_logged" in kinds
    code, out = run(root, "audit", "show", "C-1")
    assert "call_logged" in out


def test_tampered_audit_log_fails_verify(tmp_path: Path, mailbox: Mailbox) -> None:
    import sqlite3

    root = _project(tmp_path, mailbox.port)
    run(root, "users", "add", "alice", "--role", "owner")
    run(root, "users", "add", "bob", "--role", "manager", "--as", "alice")
    code, head = run(root, "audit", "verify", "--json")
    noted = json.loads(head)["head"]
    with sqlite3.connect(root / "state.db") as con:
        con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    con.close()
    code, out = run(root, "audit", "verify")
    assert code == 1 and "TAMPERED" in out and "record 1" in out
    assert run(root, "audit", "verify", "--expect-head", noted)[0] == 1


def test_smtp_password_never_printed_or_stored(tmp_path: Path, mailbox: Mailbox) -> None:
    secret = "pw-Zq81-never-shown"
    root = _project(tmp_path, mailbox.port)
    env = {"GOODFIT_SMTP_USER": "mailer", "GOODFIT_SMTP_PASSWORD": secret}
    outputs = []
    for args in (("users", "add", "alice", "--role", "owner"),
                 ("users", "add", "bob", "--role", "manager", "--as", "alice"),
                 ("offboard", "start", "C-2", "--reason", "r", "--as", "alice"),
                 ("case", "approve", "1", "--as", "bob"),
                 ("outbox", "send", "--dry-run", "--as", "bob"),
                 ("outbox", "send", "--as", "bob"),
                 ("outbox", "list"), ("audit", "show", "C-2")):
        code, out = run(root, *args, env=env)
        outputs.append(out)
    # The test server offers no AUTH: sending stops with a clear error naming the variables,
    # never their value, and the message stays queued.
    assert "GOODFIT_SMTP_PASSWORD are set but the SMTP server" in outputs[5]
    assert '"state": "approved"' in run(root, "outbox", "list", "--json")[1]
    joined = "\n".join(outputs)
    assert secret not in joined
    for path in root.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
