"""Getting a provider's data into the warehouse correctly — or a clear error. Nothing lost."""

from goodfit.ingest.importer import import_directory, import_file
from goodfit.ingest.result import ImportResult
from goodfit.ingest.status import import_history

__all__ = ["ImportResult", "import_directory", "import_file", "import_history"]
