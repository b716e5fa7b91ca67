"""A throwaway PostgreSQL server in a temp dir, for tests against a real server.

PostgreSQL refuses to run as root, so when the tests run as root (CI does) the server
runs as the ``postgres`` system user. Binaries: $GOODFIT_PG_BIN, or the newest
/usr/lib/postgresql/*/bin.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.processes import free_port


def pg_bin() -> Path | None:
    env = os.environ.get("GOODFIT_PG_BIN")
    if env:
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server, yield ``postgresql://postgres@127.0.0.1:PORT/postgres``, stop it."""
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (set GOODFIT_PG_BIN)")
    tmp = Path(tempfile.mkdtemp(prefix="goodfit-pg-"))
    data = tmp / "data"
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(tmp, "postgres")
        tmp.chmod(0o700)
    port = free_port()
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C"],
                   check=True, capture_output=True)
    opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={tmp} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-w",
                    "-l", str(tmp / "log"), "start"], check=True, capture_output=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    """A fresh database on the server (a copy of database ``template`` when given, which
    nothing may be connected to); returns its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"'
                    + (f' TEMPLATE "{template}"' if template else ""))
    return server_url.rsplit("/", 1)[0] + "/" + name
