"""The ingest capability for a project: import files, what is in the warehouse."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from goodfit.ingest.result import ImportResult
from goodfit.ingest.status import import_history, project_status
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.schema import TABLES

if TYPE_CHECKING:
    from goodfit.workspace import Workspace

# Called with the results of every import once its data has landed (the project wires the
# audit log in here: ingest sits below actions and never imports them).
OnImported = Callable[[list[ImportResult]], None]


def _nothing(results: list[ImportResult]) -> None:
    return None


class ImportJournal(Protocol):
    """Where imports are recorded so that no crash leaves data without its record.

    ``started`` is written (and committed) *before* the warehouse commits anything;
    ``completed`` records the results after; an import that raised is ``failed``. A
    started import with neither is one a crash interrupted: its data may have landed.
    """

    def started(self, what: str, path: Path) -> int: ...

    def completed(self, intent: int, results: list[ImportResult]) -> None: ...

    def failed(self, intent: int, error: str) -> None: ...


class Ingest:
    def __init__(self, ws: Workspace, on_imported: OnImported = _nothing,
                 journal: ImportJournal | None = None) -> None:
        self._ws = ws
        self._on_imported = on_imported
        self._journal = journal

    def _journaled(self, what: str, path: Path, run: Callable[[], list[ImportResult]]
                   ) -> list[ImportResult]:
        if self._journal is None:
            results = run()
            self._on_imported(results)
            return results
        intent = self._journal.started(what, path.resolve())
        try:
            results = run()
        except BaseException as exc:
            self._journal.failed(intent, f"{type(exc).__name__}: {exc}"[:500])
            raise
        self._journal.completed(intent, results)
        self._on_imported(results)
        return results

    def import_file(self, table: str, file: str | Path, *,
                    mapping: Mapping[str, str | list[str]] | None = None,
                    strict: bool | None = None,
                    profile: str | None = None, progress: Progress = NO_PROGRESS,
                    **options: Any) -> ImportResult:
        """Validate and load one file into a canonical table (atomic, idempotent).

        ``profile`` names an export profile (bundled, [profiles.NAME] or a .toml path):
        its column and value maps, readings and collapse rule apply under the project's
        own settings and the explicit ``mapping``/``options``."""
        from goodfit.ingest import profiles
        from goodfit.ingest.importer import import_file

        config = self._ws.config
        if profile is not None:
            config, preset = profiles.apply(config, profiles.resolve(profile, config), table)
            options = {**preset, **{k: v for k, v in options.items() if v is not None}}

        def run() -> list[ImportResult]:
            result = import_file(self._ws.warehouse, config, table, Path(file),
                                 mapping=mapping or {}, strict=strict,
                                 quarantine_dir=self._ws.quarantine_dir, progress=progress,
                                 **options)
            return [replace(result, profile=profile) if profile else result]

        return self._journaled(f"file {table}", Path(file), run)[0]

    def import_directory(self, directory: str | Path, *, strict: bool | None = None,
                         profile: str | None = None, progress: Progress = NO_PROGRESS,
                         **options: Any) -> list[ImportResult]:
        """Import every file in a folder whose name names a table, parents first
        (``profile``: each file read with the profile's section for its table)."""
        from goodfit.ingest import profiles
        from goodfit.ingest.importer import import_directory

        chosen = profiles.resolve(profile, self._ws.config) if profile is not None else None
        return self._journaled("directory", Path(directory), lambda: import_directory(
            self._ws.warehouse, self._ws.config, Path(directory), strict=strict,
            quarantine_dir=self._ws.quarantine_dir, progress=progress, profile=chosen,
            **options))

    def profiles(self) -> list[dict[str, Any]]:
        """The export profiles goodfit knows (bundled and [profiles.NAME]), with sources."""
        from goodfit.ingest import profiles

        return profiles.listing(self._ws.config)

    def status(self) -> dict[str, Any]:
        """Tables with row counts and data window, import history, quarantine files."""
        return project_status(self._ws.warehouse, self._ws.quarantine_dir)

    def history(self) -> list[dict[str, Any]]:
        return import_history(self._ws.warehouse)

    def tables(self) -> list[str]:
        return list(TABLES)

    def table(self, name: str) -> Any:
        """A canonical table as an Ibis expression, for notebooks."""
        from goodfit.schema import table as lookup

        lookup(name)  # clear error with close matches for a typo
        return self._ws.warehouse.table(name)
