"""Progress reporting from the core without printing: the CLI renders it with Rich."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int | None = None) -> None:
        """Report that ``done`` of ``total`` units of ``stage`` are finished."""


def _silent(stage: str, done: int, total: int | None = None) -> None:
    return None


NO_PROGRESS: Progress = _silent
