"""Fixtures for actions: a state DB on SQLite and on a real PostgreSQL, a real SMTP server."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from goodfit.actions import users
from goodfit.actions.context import ActionContext
from goodfit.config import Config
from goodfit.state.db import StateDB
from tests.processes import free_port


@pytest.fixture(params=["sqlite", "postgres"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def db(state_url: str, tmp_path: Path) -> Iterator[StateDB]:
    state = StateDB.open(state_url, tmp_path)
    yield state
    state.close()


@dataclass
class Mailbox:
    """What a real SMTP server on 127.0.0.1 received."""

    port: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    # replies to give instead of accepting, consumed one per DATA: e.g. ["451 busy"]
    refuse: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count_by_id(self) -> Counter[str]:
        with self.lock:
            return Counter(m["message_id"] for m in self.messages)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        with self.box.lock:
            if self.box.refuse:
                return self.box.refuse.pop(0)
            msg = message_from_bytes(envelope.content, policy=policy.default)
            self.box.messages.append({
                "message_id": str(msg["Message-ID"]).strip(), "to": envelope.rcpt_tos,
                "from": envelope.mail_from, "raw": envelope.content,
            })
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox(port=free_port())
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


def make_ctx(db: StateDB, root: Path, port: int = 1, **env: str) -> ActionContext:
    config = Config()
    config.smtp.host, config.smtp.port = "127.0.0.1", port
    config.smtp.from_ = "support@provider.example"
    config.smtp.backoff_seconds = 0.01
    root.mkdir(parents=True, exist_ok=True)
    return ActionContext(db, config, root, env=env, sleep=lambda s: None)


@pytest.fixture
def ctx(db: StateDB, tmp_path: Path, mailbox: Mailbox) -> ActionContext:
    """Users alice (owner), bob (manager), carol (agent); SMTP pointed at ``mailbox``."""
    c = make_ctx(db, tmp_path / "project", mailbox.port)
    users.add_user(db, "alice", "owner")
    users.add_user(db, "bob", "manager", actor="alice")
    users.add_user(db, "carol", "agent", actor="alice")
    return c


def acme_context(project: Any, mailbox: Mailbox, today: date) -> Any:
    """The action context of the Acme test project: mail to the test SMTP server, a fixed
    today, and an owner (alice), a manager (bob) and an agent (carol)."""
    from goodfit.actions import users

    ctx = project.actions_context()
    ctx.config.smtp.host, ctx.config.smtp.port = "127.0.0.1", mailbox.port
    ctx.config.smtp.from_ = "support@acme.example"
    ctx.env = {}
    ctx.today = lambda: today
    users.add_user(ctx.db, "alice", "owner")
    users.add_user(ctx.db, "bob", "manager", actor="alice")
    users.add_user(ctx.db, "carol", "agent", actor="alice")
    return ctx
