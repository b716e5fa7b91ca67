"""A sync: fetch from the source, stage Parquet files, import them, then move the cursor.

The import goes through the project's file importer (validation, quarantine, atomic
upsert) table by table, parents first. The cursor is saved only after the last import
committed: a sync killed at any point restarts from the previous cursor, re-fetched rows
are unchanged upserts, so the warehouse ends exactly as after an uninterrupted sync.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from goodfit.connectors.base import ConnectorContext
from goodfit.connectors.registry import make_connector
from goodfit.connectors.staging import StagingWriter
from goodfit.errors import ConnectorError
from goodfit.ingest import ImportResult
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.state.db import StateDB
from goodfit.state.sync import SyncRun, load_cursor, save_cursor

ImportFile = Callable[[str, Path], ImportResult]


@dataclass
class SyncResult:
    connector: str
    run_id: str
    full: bool
    fetched: dict[str, int] = field(default_factory=dict)
    imports: list[ImportResult] = field(default_factory=list)
    requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"connector": self.connector, "run_id": self.run_id, "full": self.full,
                "fetched": self.fetched, "requests": self.requests,
                "imports": [r.to_dict() for r in self.imports]}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def _exclusive(staging_root: Path, name: str) -> Iterator[None]:
    """One sync per connector at a time. An OS lock, so a killed sync never leaves it held."""
    staging_root.mkdir(parents=True, exist_ok=True)
    with (staging_root / f"{name}.lock").open("a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks here; run one sync at a time
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ConnectorError(f"a sync of '{name}' is already running in this project; "
                                 "wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def run_sync(ctx: ConnectorContext, *, state: StateDB, staging_root: Path,
             import_file: ImportFile, full: bool = False,
             progress: Progress = NO_PROGRESS) -> SyncResult:
    with _exclusive(staging_root, ctx.name):
        return _run(ctx, state=state, staging_root=staging_root, import_file=import_file,
                    full=full, progress=progress)


def _run(ctx: ConnectorContext, *, state: StateDB, staging_root: Path,
         import_file: ImportFile, full: bool, progress: Progress) -> SyncResult:
    run_id = _now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    with state.session() as s:
        cursor = None if full else load_cursor(s, ctx.name)
        s.add(SyncRun(run_id=run_id, connector=ctx.name, started_at=_now(), full=int(full),
                      status="running", rows="{}"))
    result = SyncResult(ctx.name, run_id, full=cursor is None)
    # Staging left by an interrupted run is stale: its rows are fetched again below.
    shutil.rmtree(staging_root / ctx.name, ignore_errors=True)
    directory = staging_root / ctx.name / run_id
    try:
        connector = make_connector(ctx)
        writer = StagingWriter(directory)
        try:
            fetch = connector.fetch(cursor)
            while True:
                try:
                    batch = next(fetch)
                except StopIteration as stop:
                    new_cursor = stop.value
                    break
                except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:
                    raise unreadable_reply(ctx.name, exc) from exc
                writer.add(batch.table, batch.rows)
                progress(f"fetch {ctx.name}: {batch.table}", writer.counts.get(batch.table, 0))
            result.requests = getattr(connector, "requests", 0)
        except BaseException:
            writer.close()
            raise
        finally:
            connector.close()
        files = writer.finish()
        result.fetched = dict(writer.counts)
        for i, (table, path) in enumerate(files.items()):
            progress(f"import {ctx.name}", i, len(files))
            result.imports.append(import_file(table, path))
            progress(f"import {ctx.name}", i + 1, len(files))
        with state.session() as s:
            save_cursor(s, ctx.name, new_cursor, run_id, _now())
            run = s.get(SyncRun, run_id)
            assert run is not None
            run.status, run.finished_at = "ok", _now()
            run.rows = json.dumps({r.table: {"read": r.rows_read, "inserted": r.inserted,
                                             "updated": r.updated, "unchanged": r.unchanged,
                                             "rejected": r.rejected} for r in result.imports})
    except BaseException as exc:
        with state.session() as s:
            run = s.get(SyncRun, run_id)
            if run is not None:
                run.status, run.finished_at = "failed", _now()
                # goodfit errors carry a safe message; anything else only its type
                run.error = getattr(exc, "message", type(exc).__name__)
        raise
    shutil.rmtree(directory, ignore_errors=True)
    return result


def unreadable_reply(name: str, exc: Exception) -> ConnectorError:
    """A reply whose shape is not the source's documented one (a field of another type,
    a missing key): a clear error naming the connector, not a traceback. Nothing of the
    run is kept, so the cursor stays where the last good sync left it."""
    what = f"{type(exc).__name__}: {exc}"[:200]
    return ConnectorError(
        f"connector '{name}': the source answered something that is not what its API "
        f"documents ({what}). Nothing was imported and the sync cursor was not moved; run "
        f"`goodfit sync {name}` again, and if it keeps happening, check the source's URL "
        f"and version ([connectors.{name}] url).")

