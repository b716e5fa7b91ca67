"""Helpers for tests that run real servers: a free port on 127.0.0.1, waiting for a child
server to answer, and stopping a child process politely, then for sure."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_answers(url: str, process: subprocess.Popen[bytes] | subprocess.Popen[str],
                       seconds: float) -> None:
    """Poll ``url`` until it answers; fail when ``process`` exits or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            assert process.poll() is None, f"the server exited ({process.returncode})"
            assert time.monotonic() < deadline, f"{url} did not answer in {seconds:.0f} s"
            time.sleep(0.3)


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str], seconds: float) -> None:
    """SIGTERM, wait up to ``seconds``, then SIGKILL."""
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
