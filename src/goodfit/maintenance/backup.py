"""A consistent copy of a project while it is in use, and putting one back.

``backup`` copies the warehouse from its read copy (the last state a writer finished
with, see docs/architecture.md — so a running import is neither waited for nor half
copied), the SQLite state DB through SQLite's online backup (a snapshot of one moment,
even while cases are being written), and every other file of the project folder
(goodfit.toml, quarantine, reports, outbox, templates, models, rewards). ``manifest.json``
lists each file with its SHA-256; ``restore`` checks them all before writing anything.
Stores on PostgreSQL are backed up with PostgreSQL's own tools (pg_dump).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from goodfit.config import CONFIG_FILE
from goodfit.errors import BackupError, ProjectExists
from goodfit.locking import LOCK_DIR
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.workspace import Workspace

MANIFEST = "manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    files: int
    bytes: int
    created_at: str


def _store_file(ws: Workspace, url: str, scheme: str, what: str) -> Path:
    if not url.startswith(scheme):
        raise BackupError(f"the {what} is not a file in the project ({url.split('://')[0]}): "
                          "back it up with its own tools (pg_dump for PostgreSQL)")
    rel = url.removeprefix(scheme)
    p = Path(rel)
    p = p if p.is_absolute() else ws.root / p
    try:
        p.resolve().relative_to(ws.root)
    except ValueError:
        raise BackupError(f"the {what} {p} is outside the project folder; back it up "
                          "separately or move it into the project") from None
    return p


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def backup(ws: Workspace, dest: Path, progress: Progress = NO_PROGRESS) -> BackupInfo:
    from goodfit.locking import WriterLock
    from goodfit.warehouse import _DuckFile

    dest = dest.resolve()
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new folder")
    try:
        dest.relative_to(ws.root)
        raise BackupError(f"{dest} is inside the project; back up to a folder outside it")
    except ValueError:
        pass
    wh_file = _store_file(ws, ws.config.warehouse.url, "duckdb:///", "warehouse")
    st_file = _store_file(ws, ws.config.state.url, "sqlite:///", "state DB")
    dest.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}

    progress("backup: warehouse", 0, 3)
    base = ws.root / LOCK_DIR
    duck = _DuckFile(wh_file, base)
    lock = WriterLock(base / "writer.lock", "backup")
    copy = duck.read_copy(lock, ws.config.warehouse.busy_timeout_seconds, progress) \
        if wh_file.exists() else None
    rel_wh = str(wh_file.relative_to(ws.root))
    if copy is not None:
        (dest / rel_wh).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(copy, dest / rel_wh)
        files[rel_wh] = _sha256(dest / rel_wh)

    progress("backup: state DB", 1, 3)
    rel_st = str(st_file.relative_to(ws.root))
    if st_file.exists():
        (dest / rel_st).parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{st_file}?mode=ro", uri=True)
        dst = sqlite3.connect(dest / rel_st)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        files[rel_st] = _sha256(dest / rel_st)

    progress("backup: files", 2, 3)
    skip = {wh_file, wh_file.with_name(wh_file.name + ".wal"), st_file,
            st_file.with_name(st_file.name + "-wal"), st_file.with_name(st_file.name + "-shm"),
            st_file.with_name(st_file.name + "-journal")}
    for path in sorted(ws.root.rglob("*")):
        rel = path.relative_to(ws.root)
        if not path.is_file() or path in skip or rel.parts[0] in (LOCK_DIR, ".sync"):
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest / rel)
        files[str(rel)] = _sha256(dest / rel)

    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    manifest = {"format": FORMAT, "created_at": created, "warehouse": rel_wh,
                "state": rel_st, "files": files}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")
    progress("backup: files", 3, 3)
    size = sum((dest / f).stat().st_size for f in files)
    return BackupInfo(dest, len(files), size, created)


def restore(src: Path, target: Path, progress: Progress = NO_PROGRESS) -> BackupInfo:
    """Put a backup into ``target`` (a new or empty folder), after checking every file."""
    src, target = src.resolve(), target.resolve()
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, str] = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{src} is not a goodfit backup ({MANIFEST} missing or "
                          "damaged)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} was written in backup format {manifest.get('format')}; "
                          f"this goodfit reads format {FORMAT}")
    if (target / CONFIG_FILE).exists():
        raise ProjectExists(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: restore into a new folder")
    for i, (rel, digest) in enumerate(sorted(files.items())):
        progress("restore: checking", i, len(files))
        p = src / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise BackupError(f"{MANIFEST} names a file outside the backup: {rel}")
        if not p.is_file() or _sha256(p) != digest:
            raise BackupError(f"{rel} in {src} is missing or damaged (its SHA-256 does not "
                              "match the manifest); nothing was restored")
    staging = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    for rel in files:
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / rel, staging / rel)
    if target.exists():
        target.rmdir()
    os.replace(staging, target)  # all files appear at once
    progress("restore: checking", len(files), len(files))
    return BackupInfo(target, len(files), sum((target / f).stat().st_size for f in files),
                      str(manifest.get("created_at", "")))
