"""Getting a provider's data into the warehouse correctly — or a clear error. Nothing lost.

The importer (and the Ibis and pandas it needs) loads on first use, so ``goodfit status``
can read the warehouse without it."""

from typing import Any

from goodfit.ingest.result import ImportResult
from goodfit.ingest.status import import_history

__all__ = ["ImportResult", "import_directory", "import_file", "import_history"]


def __getattr__(name: str) -> Any:
    if name in ("import_directory", "import_file"):
        from goodfit.ingest import importer

        return getattr(importer, name)
    raise AttributeError(f"module 'goodfit.ingest' has no attribute '{name}'")
