"""A reward from plan to the winner's inbox, over a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from typer.testing import CliRunner

from goodfit.actions import audit, cases
from goodfit.cli import app
from goodfit.project import Project
from tests.processes import free_port

runner = CliRunner(env={"COLUMNS": "200"})


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox() -> Iterator[tuple[_Inbox, int]]:
    from aiosmtpd.controller import Controller

    port = free_port()
    box = _Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def test_a_winner_is_credited_and_congratulated_once(world: Project,
                                                     inbox: tuple[_Inbox, int]) -> None:
    box, port = inbox
    root = world.root
    cfg = (root / "goodfit.toml").read_text()
    (root / "goodfit.toml").write_text(cfg.replace('host = "localhost"\nport = 25',
                                                   f'host = "127.0.0.1"\nport = {port}'))
    world.close()
    p = ["-p", str(root)]
    for args in (["users", "add", "alice", "--role", "owner"],
                 ["users", "add", "bob", "--role", "manager", "--as", "alice"],
                 ["rewards", "plan", "--as-of", "2024-12-31", "--as", "alice"],  # ends at AS_OF
                 ["rewards", "commit", "1", "--as", "alice"],
                 ["rewards", "draw", "1", "--as", "alice"],
                 ["rewards", "export", "1", "--as", "alice"]):
        out = runner.invoke(app, [*args, *p])
        assert out.exit_code == 0, (args, out.output)
    with Project.open(root) as proj:
        first = cases.list_cases(proj.state, kind="reward")[0]
        winner = first.customer_id
    # four-eyes: alice drafted the case, bob approves it and executes it
    assert runner.invoke(app, ["case", "approve", str(first.id), "--as", "alice", *p]) \
        .exit_code != 0
    for args in (["case", "approve", str(first.id), "--as", "bob"],
                 ["case", "execute", str(first.id), "--as", "bob"]):
        out = runner.invoke(app, [*args, *p])
        assert out.exit_code == 0, (args, out.output)
    assert len(box.messages) == 1
    msg = box.messages[0]
    assert msg["To"] == f"billing@{winner.lower()}.example"
    assert "a free month" in msg["Subject"]
    assert f"Hello {winner} Ltd," in msg.get_content()
    # executing again sends nothing more
    runner.invoke(app, ["case", "execute", str(first.id), "--as", "bob", *p])
    assert len(box.messages) == 1
    with Project.open(root) as proj:
        case = cases.get_case(proj.state, first.id)
        assert case.state == "closed"
        kinds = [e.kind for e in audit.events(proj.state, customer_id=winner)]
        assert "reward_won" in kinds and "send" in kinds and "export" in kinds
        assert audit.verify(proj.state).ok
