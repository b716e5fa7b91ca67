"""One writer at a time per project, with who/what/since for everyone who has to wait.

The lock is an advisory ``flock`` on ``<project>/.goodfit/writer.lock``; the file also
holds a line of JSON naming the holder (user, pid, host, activity, since), which a
second writer shows while it waits and in its "project busy" error. The operating
system releases the lock when the holder exits, however it exits (SIGKILL included),
so a stale file never blocks anyone.

Inside one process the lock is re-entrant: several ``Project`` objects (a notebook, a
test, the web app's threads) share the one hold, and it is released when the last lets
go. Readers never take it (see docs/architecture.md, "Many users, one project").
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from goodfit.errors import ProjectBusy
from goodfit.progress import NO_PROGRESS, Progress

LOCK_DIR = ".goodfit"
LOCK_FILE = "writer.lock"
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a project's writer lock."""

    user: str
    pid: int
    host: str
    activity: str
    since: str  # ISO 8601, UTC, seconds

    def describe(self) -> str:
        where = f"pid {self.pid}" if self.host == socket.gethostname() else \
            f"pid {self.pid} on {self.host}"
        return f"{self.activity} by {self.user} ({where}) since {self.since} UTC"


@dataclass
class _Hold:
    fd: int
    count: int


_held: dict[str, _Hold] = {}
_guard = threading.RLock()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return f"uid {os.getuid()}"


class WriterLock:
    """The project-level writer lock at ``path`` (created on first use)."""

    def __init__(self, path: Path, activity: str = "goodfit") -> None:
        self.path = path
        self.activity = activity
        self._mine = False  # does this object own one count of the process's hold

    @classmethod
    def for_project(cls, project_dir: Path, activity: str = "goodfit") -> WriterLock:
        return cls(project_dir / LOCK_DIR / LOCK_FILE, activity)

    @property
    def key(self) -> str:
        return str(self.path.resolve())

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._mine

    def held_by_this_process(self) -> bool:
        with _guard:
            return self.key in _held

    def holder(self) -> Holder | None:
        """The holder recorded in the file (the current one if the lock is taken)."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
            d = json.loads(text) if text else None
            return Holder(str(d["user"]), int(d["pid"]), str(d["host"]), str(d["activity"]),
                          str(d["since"])) if isinstance(d, dict) else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def writing(self) -> Holder | None:
        """Who in another process holds the lock now, or None; never takes it (this
        process's own hold is not "someone else writing").

        Probes with a shared ``flock`` on a second descriptor, let go at once (a writer
        asking for the lock in that instant retries on its next poll)."""
        if self.held_by_this_process():
            return None
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return self.holder() or Holder("someone", 0, "", "another goodfit command",
                                               "")
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def try_acquire(self) -> bool:
        """Take the lock if nobody else holds it; never waits."""
        with _guard:
            if self._mine:
                return True
            hold = _held.get(self.key)
            if hold is not None:
                hold.count += 1
                self._mine = True
                return True
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            except BaseException:
                os.close(fd)
                raise
            me = {"user": _user(), "pid": os.getpid(), "host": socket.gethostname(),
                  "activity": self.activity,
                  "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")}
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(me) + "\n").encode("utf-8"), 0)
            _held[self.key] = _Hold(fd, 1)
            self._mine = True
            return True

    def acquire(self, timeout: float, progress: Progress = NO_PROGRESS) -> None:
        """Wait up to ``timeout`` seconds for the lock, reporting progress while waiting.

        Progress stage: ``waiting for <holder>``, done/total in whole seconds. Raises
        ``ProjectBusy`` naming the holder when the time is up.
        """
        start = time.monotonic()
        reported = -1
        while not self.try_acquire():
            waited = time.monotonic() - start
            holder = self.holder()
            if waited >= timeout:
                raise ProjectBusy(holder.describe() if holder else "another goodfit command",
                                  timeout)
            if int(waited) != reported:
                reported = int(waited)
                what = holder.describe() if holder else "another goodfit command"
                progress(f"waiting for {what}", reported, max(1, int(timeout)))
            time.sleep(min(POLL_SECONDS, max(0.0, timeout - waited)))

    def release(self, before_unlock: Callable[[], None] | None = None) -> None:
        """Give back this object's hold; the last one in the process unlocks the file.

        ``before_unlock`` runs while the lock is still held, only when this is the last
        hold (the warehouse refreshes its read copy there).
        """
        with _guard:
            if not self._mine:
                return
            self._mine = False
            hold = _held[self.key]
            hold.count -= 1
            if hold.count > 0:
                return
            try:
                if before_unlock is not None:
                    before_unlock()
            finally:
                del _held[self.key]
                fcntl.flock(hold.fd, fcntl.LOCK_UN)
                os.close(hold.fd)
