"""A sender process for the kill tests: ``python -m tests.actions.send_child URL ROOT PORT MODE``.

MODE ``hang-after:N`` stops forever right after the SMTP server accepted the N-th
message and before goodfit records it (the parent then SIGKILLs it); ``run`` just sends.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from goodfit.actions import outbox
from goodfit.actions.context import ActionContext
from goodfit.config import Config
from goodfit.state.db import StateDB


def main() -> None:
    url, root, port, mode = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    config = Config()
    config.smtp.host, config.smtp.port = "127.0.0.1", port
    config.smtp.from_ = "support@provider.example"
    ctx = ActionContext(StateDB.open(url, root), config, root, env={})
    accepted = 0

    def on_accepted(message_id: str) -> None:
        nonlocal accepted
        accepted += 1
        if mode == f"hang-after:{accepted}":
            (root / "accepted.marker").write_text(message_id)
            time.sleep(600)

    outbox.send(ctx, actor="carol", on_accepted=on_accepted)


if __name__ == "__main__":
    main()
