"""Outbox: exactly-once delivery over a real SMTP server, retries, failures, secrets."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from goodfit.actions import audit, cases, outbox
from goodfit.actions.context import ActionContext
from goodfit.actions.drafts import EmailDraft
from tests.actions.conftest import Mailbox, free_port


def _approved(ctx: ActionContext, n: int = 1) -> cases.Case:
    drafts = tuple(EmailDraft(customer_id="C-1", to=f"billing{i}@acme.example",
                              subject=f"Hello {i} – café", body=f"Message {i}: naïve ✓",
                              kind="notice") for i in range(n))
    case = cases.open_case(ctx, kind="test", customer_id="C-1", title="mail", actor="carol",
                           steps=[cases.StepSpec("email", "send", drafts=drafts)])
    return cases.approve(ctx, case.id, "bob")


def test_each_message_is_delivered_once_even_if_sent_again(
        ctx: ActionContext, mailbox: Mailbox) -> None:
    _approved(ctx, 3)
    first = outbox.send(ctx, actor="carol")
    again = outbox.send(ctx, actor="carol")
    assert len(first.sent) == 3 and again.sent == []
    counts = mailbox.count_by_id()
    assert sorted(counts.values()) == [1, 1, 1]
    stored = {m.message_id for m in outbox.list_messages(ctx.db)}
    assert set(counts) == stored  # the Message-ID on the wire is the stored key
    assert all(m.state == "sent" and m.sent_at for m in outbox.list_messages(ctx.db))


def test_delivered_message_is_what_was_approved(ctx: ActionContext, mailbox: Mailbox) -> None:
    from email import message_from_bytes, policy

    _approved(ctx)
    outbox.send(ctx)
    msg = message_from_bytes(mailbox.messages[0]["raw"], policy=policy.default)
    assert msg["Subject"] == "Hello 0 – café"
    assert msg.get_content().strip() == "Message 0: naïve ✓"  # type: ignore[attr-defined]
    assert mailbox.messages[0]["from"] == "support@provider.example"


def test_transient_errors_are_retried_with_backoff(ctx: ActionContext, mailbox: Mailbox) -> None:
    waits: list[float] = []
    ctx.sleep = waits.append
    ctx.config.smtp.backoff_seconds = 1.5
    mailbox.refuse = ["451 4.3.0 try later", "421 4.7.0 busy"]
    _approved(ctx)
    report = outbox.send(ctx)
    assert report.sent == [1] and waits == [1.5, 3.0]  # doubled each time
    assert outbox.list_messages(ctx.db)[0].attempts == 3
    assert len(mailbox.messages) == 1


def test_exhausted_retries_leave_message_queued_with_visible_error(
        ctx: ActionContext, mailbox: Mailbox) -> None:
    ctx.config.smtp.retries = 1
    mailbox.refuse = ["451 try later", "451 try later"]
    _approved(ctx)
    report = outbox.send(ctx)
    assert report.retry == [1] and not report.ok
    m = outbox.list_messages(ctx.db)[0]
    assert m.state == "approved" and "451" in (m.last_error or "") and m.attempts == 2
    assert outbox.send(ctx).sent == [1] and len(mailbox.messages) == 1


def test_permanent_refusal_marks_failed_and_retry_requeues(
        ctx: ActionContext, mailbox: Mailbox) -> None:
    mailbox.refuse = ["550 5.1.1 mailbox unavailable"]
    _approved(ctx)
    report = outbox.send(ctx)
    assert report.failed == [1]
    m = outbox.list_messages(ctx.db, state="failed")[0]
    assert "550" in (m.last_error or "")
    assert audit.events(ctx.db, kind="send_failed")[0].data["error"].startswith("DATA: 550")
    outbox.retry(ctx, 1, actor="bob")
    assert outbox.send(ctx).sent == [1]


def test_unreachable_server_is_transient(ctx: ActionContext) -> None:
    ctx.config.smtp.port = free_port()  # nobody listens
    ctx.config.smtp.retries = 2
    _approved(ctx)
    report = outbox.send(ctx)
    assert report.retry == [1]
    assert "cannot reach SMTP server" in (outbox.list_messages(ctx.db)[0].last_error or "")


def test_email_step_is_not_done_until_every_message_is_sent(
        ctx: ActionContext, mailbox: Mailbox) -> None:
    ctx.config.smtp.retries = 0
    mailbox.refuse = ["451 later"]
    case = _approved(ctx, 2)
    with pytest.raises(Exception, match="not done"):
        cases.execute(ctx, case.id, "carol")
    assert cases.get_case(ctx.db, case.id).step(1).state == "approved"
    result = cases.execute(ctx, case.id, "carol")
    assert result.case.state == "executed"
    assert sorted(mailbox.count_by_id().values()) == [1, 1]


def test_credentials_come_from_env_and_never_appear_anywhere(
        db: object, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from goodfit.actions import users
    from tests.actions.conftest import _Handler, make_ctx

    secret = "s3cr3t-Pa55word-xyz"
    box = Mailbox(port=free_port())
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == secret.encode())

    # AUTH offered without TLS on 127.0.0.1 (test only); the client logs in because
    # credentials are set, and the authenticator records what it received.
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port,
                            authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        caplog.set_level(logging.DEBUG)
        ctx = make_ctx(db, tmp_path / "project", box.port,  # type: ignore[arg-type]
                       GOODFIT_SMTP_USER="mailer", GOODFIT_SMTP_PASSWORD=secret)
        users.add_user(ctx.db, "alice", "owner")
        users.add_user(ctx.db, "bob", "manager", actor="alice")
        users.add_user(ctx.db, "carol", "agent", actor="alice")
        _approved(ctx)
        outbox.send(ctx, dry_run=True)
        report = outbox.send(ctx)
        assert report.sent == [1], outbox.list_messages(ctx.db)[0].last_error
    finally:
        controller.stop()
    assert logins == [(b"mailer", secret.encode())] and len(box.messages) == 1
    out = capsys.readouterr()
    assert secret not in out.out + out.err + caplog.text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in repr(audit.events(ctx.db)) + repr(outbox.list_messages(ctx.db))
    assert secret not in outbox.raw_message(ctx.db, 1)


def test_unreachable_server_stops_the_run_after_one_message(ctx: ActionContext) -> None:
    ctx.config.smtp.port = free_port()
    ctx.config.smtp.retries = 1
    _approved(ctx, 3)
    report = outbox.send(ctx)
    assert report.retry == [1]  # the other two were not tried against a dead server
    assert [m.attempts for m in outbox.list_messages(ctx.db)] == [2, 0, 0]


def test_line_broken_during_data_is_unknown_not_resent(ctx: ActionContext) -> None:
    """A server that reads the whole message, then drops the line without a reply."""
    import socket
    import threading

    received: list[bytes] = []
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve() -> None:
        conn, _ = srv.accept()
        with conn, conn.makefile("rwb") as f:
            def reply(line: str) -> None:
                f.write(line.encode() + b"\r\n")
                f.flush()
            reply("220 test ESMTP")
            while True:
                line = f.readline()
                cmd = line[:4].upper()
                if cmd in (b"EHLO", b"HELO"):
                    reply("250 test")
                elif cmd in (b"MAIL", b"RCPT"):
                    reply("250 ok")
                elif cmd == b"DATA":
                    reply("354 go ahead")
                    body = b""
                    while not body.endswith(b"\r\n.\r\n"):
                        body += f.readline()
                    received.append(body)
                    return  # hang up without "250": did it get delivered? nobody knows
                else:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ctx.config.smtp.port = srv.getsockname()[1]
    _approved(ctx)
    report = outbox.send(ctx)
    thread.join(5)
    srv.close()
    assert report.unknown == [1] and len(received) == 1
    m = outbox.list_messages(ctx.db)[0]
    assert m.state == "unknown" and "goodfit outbox confirm 1" in (m.last_error or "")
    assert outbox.send(ctx).sent == []  # never resent blindly
    outbox.confirm(ctx, 1, sent=False, actor="bob")  # the mailbox shows nothing
    assert outbox.list_messages(ctx.db)[0].state == "approved"


def test_a_live_sender_keeps_its_message(ctx: ActionContext, mailbox: Mailbox) -> None:
    from sqlalchemy import update

    from goodfit.state.outbox import OutboxRow

    _approved(ctx)
    with ctx.db.session() as s:  # as if another thread of this process were sending it
        s.execute(update(OutboxRow).values(state="sending", sending_owner=outbox._owner(),
                                           sending_at=audit.now_iso()))
    assert outbox.recover(ctx) == []
    assert outbox.send(ctx).sent == [] and mailbox.messages == []
