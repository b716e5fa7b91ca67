"""Maintenance of a project as a whole: erasure, backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from goodfit.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from goodfit.maintenance.backup import BackupInfo
    from goodfit.maintenance.erasure import Erasure
    from goodfit.workspace import Workspace


class Maintenance:
    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def erase(self, customer_id: str, actor: str) -> Erasure:
        """Remove a customer's personal data everywhere; the audit keeps verifying."""
        from goodfit.maintenance.erasure import erase

        return erase(self._ws, customer_id, actor)

    def backup(self, dest: Path, progress: Progress = NO_PROGRESS) -> BackupInfo:
        """A consistent copy of the project, taken while it is in use."""
        from goodfit.maintenance.backup import backup

        return backup(self._ws, dest, progress)

    @staticmethod
    def restore(src: Path, target: Path, progress: Progress = NO_PROGRESS) -> BackupInfo:
        """Put a backup into a new folder, after checking every file against its hash."""
        from goodfit.maintenance.backup import restore

        return restore(src, target, progress)
