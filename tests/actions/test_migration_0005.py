"""The 0005 state migration: cases stored before it keep working, bound to their content."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import text

from goodfit.actions import gate, outbox
from goodfit.actions.drafts import EmailDraft
from goodfit.state.db import StateDB
from goodfit.state.outbox import OutboxRow
from tests.actions.conftest import make_ctx

TS = "2026-01-30T09:00:00.000000"


def _legacy(db: StateDB, raw: str) -> None:
    """A case as goodfit wrote it before 0005: handlers as "module:function" strings."""
    with db.engine.begin() as con:
        for name, role in (("bob", "manager"), ("carol", "agent")):
            con.execute(text("INSERT INTO users VALUES (:n, :r, :t, NULL)"),
                        {"n": name, "r": role, "t": TS})
        con.execute(text(
            "INSERT INTO cases (id, kind, customer_id, title, state, data, created_by, "
            "created_at, updated_at, approved_by, approved_at) VALUES (1, 'offboarding', 'C-1', "
            "'Offboarding', 'approved', :d, 'carol', :t, :t, 'bob', :t)"),
            {"d": json.dumps({"notice_date": "2026-01-30"}), "t": TS})
        for no, kind, payload in (
                (1, "email", {}),
                (2, "call", {}),
                (3, "letter", {"handler": "goodfit.actions.offboarding:execute_letter_step"}),
                (4, "pack", {"handler": "goodfit.actions.outbox:execute_email_step"})):
            con.execute(text(
                "INSERT INTO case_steps (case_id, no, kind, title, state, text, payload, lint, "
                "drafted_by, drafted_at, approved_by, approved_at) VALUES (1, :no, :k, :ti, "
                "'approved', 'Dear customer', :p, '[]', 'carol', :t, 'bob', :t)"),
                {"no": no, "k": kind, "ti": f"step {no}", "p": json.dumps(payload), "t": TS})
        con.execute(text(
            "INSERT INTO outbox (message_id, case_id, step_no, customer_id, kind, to_addr, "
            "subject, body, raw, state, attempts, created_at, approved_by, approved_at) VALUES "
            "('<m1@acme.example>', 1, 1, 'C-1', 'offboarding_notice', 'billing@c1.example', "
            "'Our service', 'Hello', :raw, 'approved', 0, :t, 'bob', :t)"),
            {"raw": raw, "t": TS})


def test_0005_converts_handlers_and_binds_existing_approvals(tmp_path: Path) -> None:
    db = StateDB.open(f"sqlite:///{tmp_path / 'state.db'}", migrate=False)
    db.upgrade("0004_connectors")
    draft = EmailDraft("C-1", "billing@c1.example", "Our service", "Hello", "offboarding_notice")
    raw = outbox.render(draft, "support@acme.example", tmp_path).as_string()
    _legacy(db, raw)
    db.upgrade()
    with db.engine.begin() as con:
        rows = con.execute(text("SELECT no, payload, approved_sha256, title, text, kind "
                                "FROM case_steps ORDER BY no")).all()
    payloads = {no: json.loads(p) for no, p, *_ in rows}
    assert payloads[1] == {} and payloads[2] == {}
    assert payloads[3] == {"handler": "email", "send_by": "2026-01-30"}  # the rule, as data
    assert payloads[4] == {"handler": "email"}
    # digest of the step as approved: sha256 of its canonical JSON, worked out here by hand
    no, payload, digest, title, body, kind = rows[2]
    expected = hashlib.sha256(json.dumps(
        {"kind": "letter", "payload": {"handler": "email", "send_by": "2026-01-30"},
         "text": "Dear customer", "title": "step 3"},
        separators=(",", ":")).encode()).hexdigest()
    assert digest == expected

    ctx = make_ctx(db, tmp_path / "project")
    with db.session() as session:
        msg = session.get(OutboxRow, 1)
        assert msg is not None and msg.approved_sha256
        assert gate.check(session, ctx, case_id=1, step_no=1, message=msg) is None  # released
        msg.body = "Hello, pay elsewhere"
        hold = gate.check(session, ctx, case_id=1, step_no=1, message=msg)
        assert hold is not None and hold.changed
        session.rollback()

    from alembic import command
    from alembic.config import Config as AlembicConfig

    from goodfit.state.db import MIGRATIONS

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0004_connectors")
    with db.engine.begin() as con:
        back = {no: json.loads(p) for no, p in con.execute(
            text("SELECT no, payload FROM case_steps ORDER BY no")).all()}
    assert back[3] == {"handler": "goodfit.actions.offboarding:execute_letter_step"}
    assert back[4] == {"handler": "goodfit.actions.outbox:execute_email_step"}
    db.close()
