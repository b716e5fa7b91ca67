"""The actions migration and concurrent audit writers, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import inspect

from goodfit.actions import audit
from goodfit.state.db import StateDB, head_revision

TABLES = {"users", "cases", "case_steps", "outbox", "audit_log"}


def test_migration_creates_and_drops_the_actions_tables(db: StateDB) -> None:
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from goodfit.state.db import MIGRATIONS

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0000_base")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    db.upgrade()
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_concurrent_writers_keep_one_valid_chain(db: StateDB) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                audit.append(db, "export", actor=f"w{n}", data={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit.verify(db)
    assert result.ok and result.records == 60


def test_migrations_form_one_linear_chain() -> None:
    """Two changes that each add the next migration must be re-chained, not left as two
    heads (upgrade would still run both, in an order nobody chose)."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    from goodfit.state.db import MIGRATIONS

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert not any(isinstance(r.down_revision, tuple) for r in revisions)  # no merges

    # the start-up check reads the head from file names: it must be Alembic's head
    assert head_revision() == script.get_heads()[0]


def test_an_up_to_date_state_db_opens_without_alembic(tmp_path: Path) -> None:
    """Opening a state DB already at the newest revision loads no Alembic (start-up time);
    one behind it is still upgraded."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'state.db'}"
    StateDB.open(url).close()  # created and migrated to the head
    probe = ("import sys; from goodfit.state.db import StateDB, head_revision; "
             f"db = StateDB.open({url!r}); assert db.revision() == head_revision(); "
             "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    db = StateDB.open(url)  # step it back one revision
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from goodfit.state.db import MIGRATIONS

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "-1")
    assert db.revision() != head_revision()
    db.close()
    reopened = StateDB.open(url)
    assert reopened.revision() == head_revision()
    reopened.close()
