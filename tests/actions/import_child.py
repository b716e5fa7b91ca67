"""An importer process for the kill tests: ``python -m tests.actions.import_child ROOT DATA MODE``.

MODE ``hang-after-commit`` stops forever after the warehouse committed every table and
before the audit records the results; ``hang-after-table:N`` stops after the N-th table
of a folder import committed. Either way it writes ``ROOT/hang.marker`` first, and the
parent SIGKILLs it there.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from goodfit.actions import service
from goodfit.ingest import importer
from goodfit.project import Project


def _hang(root: Path, what: str) -> None:
    (root / "hang.marker").write_text(what)
    while True:
        time.sleep(1)


def main() -> None:
    root, data, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    if mode == "hang-after-commit":
        def completed(self: Any, intent: int, results: Any) -> None:
            _hang(root, f"{len(results)} tables committed")
        service.ImportAudit.completed = completed  # type: ignore[method-assign]
    elif mode.startswith("hang-after-table:"):
        n, done = int(mode.split(":", 1)[1]), []
        real = importer.import_file

        def one(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            done.append(result.table)
            if len(done) == n:
                _hang(root, ",".join(done))
            return result
        importer.import_file = one  # type: ignore[assignment]
    with Project.open(root) as project:
        project.import_directory(data)


if __name__ == "__main__":
    main()
