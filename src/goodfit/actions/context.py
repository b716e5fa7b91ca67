"""What every action needs: the state DB, the configuration and the project folder."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from goodfit.config import Config
from goodfit.state.db import StateDB
from goodfit.warehouse import Warehouse


def _today() -> date:
    return datetime.now(UTC).date()


@dataclass
class ActionContext:
    db: StateDB
    config: Config
    root: Path  # the project folder: templates/, outbox/, reports/
    warehouse: Warehouse | None = None  # customer data (names, contacts, services, tickets)
    # Opens the warehouse on first use, so commands that do not need it never lock it.
    load_warehouse: Callable[[], Warehouse] | None = None
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)  # SMTP credentials
    sleep: Callable[[float], None] = time.sleep  # backoff between SMTP attempts
    today: Callable[[], date] = _today

    def customer_data(self) -> Warehouse | None:
        if self.warehouse is None and self.load_warehouse is not None:
            self.warehouse = self.load_warehouse()
        return self.warehouse

    @property
    def outbox_dir(self) -> Path:
        return self.root / "outbox"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"
