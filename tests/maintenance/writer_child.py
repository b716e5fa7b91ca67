"""A second process that becomes the project's writer and holds it until killed.

``python -m tests.maintenance.writer_child ROOT MARKER``: opens the project as the
``import`` activity, inserts one customer (committed, the session left open) and writes
MARKER when it holds the writer lock; then sleeps.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from goodfit.project import Project


def main() -> None:
    root, marker = Path(sys.argv[1]), Path(sys.argv[2])
    project = Project.open(root)
    project.ws.activity = "import"
    wh = project.warehouse
    wh.execute("INSERT INTO customers (customer_id, name) VALUES ('C-NEW', 'New Ltd')")
    marker.write_text("holding", encoding="utf-8")
    time.sleep(600)


if __name__ == "__main__":
    main()
