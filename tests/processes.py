"""Helpers for tests that run real servers: a free port on 127.0.0.1, and stopping a child
process politely, then for sure."""

from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str], seconds: float) -> None:
    """SIGTERM, wait up to ``seconds``, then SIGKILL."""
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
