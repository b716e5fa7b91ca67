"""goodfit backup / restore while another process is writing: the restored project
equals the source's last committed state in every table, row and file."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from goodfit.errors import BackupError
from goodfit.maintenance.backup import MANIFEST
from goodfit.project import Project
from tests.maintenance.conftest import goodfit

STORES = ("warehouse.duckdb", "state.db")


def _duck_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'main'").fetchall()]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)
                for n in names}
    finally:
        con.close()


def _sqlite_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)
                for n in names}
    finally:
        con.close()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and p.relative_to(root).parts[0] != ".goodfit"
            and not p.name.startswith(STORES)}


def test_backup_while_writing_then_restore_gives_the_same_project(
        project_root: Path, writer: subprocess.Popen[bytes], tmp_path: Path) -> None:
    with Project.open(project_root) as p:
        p.actions.offboard("C-3", reason="costs more than it pays", actor="bob")
        head = p.audit.verify().head
    committed = _duck_tables(project_root / ".goodfit" / "read" / "warehouse.duckdb")
    started = time.monotonic()
    out = goodfit(project_root, "backup", str(tmp_path / "bk"), "--json")
    assert out.returncode == 0, out.stderr
    assert time.monotonic() - started < 60  # did not wait for the writer (it never ends)
    state = _sqlite_tables(project_root / "state.db")
    files = _files(project_root)

    restored = tmp_path / "restored"
    res = goodfit(restored, "restore", str(tmp_path / "bk"), "--json")
    assert res.returncode == 0, res.stderr
    assert _duck_tables(restored / "warehouse.duckdb") == committed
    assert "C-NEW" not in repr(committed["customers"])  # the writer's unfinished session
    assert _sqlite_tables(restored / "state.db") == state
    assert _files(restored) == files
    assert any(f.startswith("outbox/offboarding/C-3-") for f in files)
    with Project.open(restored) as p:
        v = p.audit.verify(expect_head=head)
        assert v.ok, v
        assert [c.customer_id for c in p.actions.cases()] == ["C-3"]


def test_restore_refuses_a_damaged_backup(project_root: Path, tmp_path: Path) -> None:
    with Project.open(project_root) as p:
        p.maintenance.backup(tmp_path / "bk")
    with open(tmp_path / "bk" / "goodfit.toml", "a", encoding="utf-8") as f:
        f.write("# edited\n")
    with pytest.raises(BackupError, match="goodfit.toml in .* is missing or damaged"):
        Project.restore_backup(tmp_path / "bk", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
    assert (tmp_path / "bk" / MANIFEST).is_file()
