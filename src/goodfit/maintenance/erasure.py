"""Erase one customer's personal data from everything a project keeps.

Removed: the customer's rows in every warehouse table (canonical and derived, by
``customer_id``, ``ticket_id`` or ``message_id``); their cases, steps and outbox
messages and their rows in stored snapshots (state DB); the payloads of their audit
records (redacted, not deleted: the chain keeps verifying, see goodfit.actions.audit);
their offboarding folders (letters, transition packs), dry-run e-mails, every report that
names them, and their rows in quarantine files. One ``redaction`` audit record says what
was removed, by whom, without naming the customer. Only an owner may erase.

Kept, and said so: published reward-draw files (their hashes were published; changing
them would make the draw unverifiable) and trained text models (weights, no records).
The SQLite state DB is vacuumed so deleted rows leave no bytes behind; DuckDB may keep
freed blocks until its file is rewritten (``goodfit backup`` makes a fresh copy).
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select, text

from goodfit.actions import audit
from goodfit.actions.users import require_user
from goodfit.csvsafe import write_verbatim
from goodfit.errors import NotAllowed, UnknownCustomer
from goodfit.schema import TABLES
from goodfit.state.audit import AuditRow
from goodfit.state.cases import CaseRow, StepRow
from goodfit.state.outbox import OutboxRow
from goodfit.state.snapshots import SnapshotCustomer, SnapshotFlag
from goodfit.warehouse import Warehouse
from goodfit.workspace import Workspace

KEYS = ("customer_id", "ticket_id", "message_id")  # how a table row belongs to a customer


@dataclass
class Erasure:
    customer_id: str
    warehouse_rows: dict[str, int] = field(default_factory=dict)  # table → rows deleted
    state_rows: dict[str, int] = field(default_factory=dict)
    audit_redacted: list[int] = field(default_factory=list)  # seqs
    files_removed: list[str] = field(default_factory=list)  # relative to the project
    files_rewritten: dict[str, int] = field(default_factory=dict)  # file → rows dropped
    kept: list[str] = field(default_factory=list)
    redaction_seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"customer_id": self.customer_id, "warehouse_rows": self.warehouse_rows,
                "state_rows": self.state_rows, "audit_redacted": self.audit_redacted,
                "files_removed": self.files_removed, "files_rewritten": self.files_rewritten,
                "kept": self.kept, "redaction_seq": self.redaction_seq}


def erase(ws: Workspace, customer_id: str, actor: str) -> Erasure:
    with ws.state.session() as session:
        user = require_user(session, actor)
        if user.role != "owner":
            raise NotAllowed(f"only an owner may erase a customer; {user.name} is {user.role}")
    wh = ws.warehouse
    idents = _identifiers(wh, customer_id)
    case_ids = _case_ids(ws, customer_id)
    if not idents and not case_ids:
        cust = wh.table("customers")
        known = cust.select("customer_id").to_pyarrow().column(0).to_pylist()
        raise UnknownCustomer(customer_id, [k for k in known if k is not None])
    idents.add(customer_id)
    result = Erasure(customer_id)
    eml = _eml_files(ws, customer_id, case_ids)
    result.warehouse_rows = _erase_warehouse(wh, customer_id)
    _erase_state(ws, customer_id, case_ids, result, actor)
    _erase_files(ws, customer_id, idents, eml, result)
    return result


def _identifiers(wh: Warehouse, customer_id: str) -> set[str]:
    """The customer's id, names and e-mail addresses as the warehouse knows them."""
    found: set[str] = set()
    for name, cols in (("customers", ("customer_id", "name", "email")),
                       ("contacts", ("name", "email"))):
        t = wh.table(name)
        rows = t.filter(t.customer_id == customer_id).select(*cols).to_pyarrow().to_pylist()
        for row in rows:
            found.update(str(v) for v in row.values() if v not in (None, ""))
    return found


def _case_ids(ws: Workspace, customer_id: str) -> list[int]:
    with ws.state.session() as s:
        return list(s.execute(select(CaseRow.id).where(CaseRow.customer_id == customer_id))
                    .scalars())


def _eml_files(ws: Workspace, customer_id: str, case_ids: list[int]) -> list[Path]:
    from goodfit.actions.outbox import _eml_name

    with ws.state.session() as s:
        rows = s.execute(select(OutboxRow).where(or_(OutboxRow.customer_id == customer_id,
                                                     OutboxRow.case_id.in_(case_ids))))
        return [ws.outbox_dir / _eml_name(m) for m in rows.scalars()]


def _erase_warehouse(wh: Warehouse, customer_id: str) -> dict[str, int]:
    """Delete the customer's rows from every table, in one transaction."""
    wh.become_writer()
    tickets_of = 'SELECT "ticket_id" FROM "tickets" WHERE "customer_id" = {p}'
    messages_of = f'SELECT "message_id" FROM "messages" WHERE "ticket_id" IN ({tickets_of})'
    plans: list[tuple[str, str]] = []  # (table, WHERE clause); messages before tickets
    names = sorted(wh.con.list_tables(), key=lambda n: (n in TABLES, n != "messages"))
    for name in names:
        cols = set(wh.con.table(name).columns)
        if "customer_id" in cols:
            plans.append((name, '"customer_id" = {p}'))
        elif "ticket_id" in cols:
            plans.append((name, f'"ticket_id" IN ({tickets_of})'))
        elif "message_id" in cols:
            plans.append((name, f'"message_id" IN ({messages_of})'))
    # derived tables first (they refer to canonical rows), then messages, then the rest
    p = "?" if wh.backend == "duckdb" else "%s"
    counts: dict[str, int] = {}
    raw = wh.raw
    if wh.backend == "duckdb":
        raw.execute("BEGIN TRANSACTION")
        try:
            for name, where in plans:
                sql = f'DELETE FROM "{name}" WHERE {where.format(p=p)}'
                n = raw.execute(sql, [customer_id] * sql.count(p)).fetchone()[0]
                if n:
                    counts[name] = int(n)
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise
    else:
        with raw.cursor() as cur:
            for name, where in plans:
                sql = f'DELETE FROM "{name}" WHERE {where.format(p=p)}'
                cur.execute(sql, [customer_id] * sql.count(p))
                if cur.rowcount:
                    counts[name] = int(cur.rowcount)
        raw.commit()
    return counts


def _erase_state(ws: Workspace, customer_id: str, case_ids: list[int], result: Erasure,
                 actor: str) -> None:
    db = ws.state
    with db.session() as s:
        mine = or_(AuditRow.customer_id == customer_id, AuditRow.case_id.in_(case_ids))
        seqs = list(s.execute(select(AuditRow.seq).where(mine).where(
            AuditRow.kind != "redaction")).scalars())
        def gone(stmt: Any) -> int:
            return int(getattr(s.execute(stmt), "rowcount", 0) or 0)

        counts = {
            "outbox": gone(delete(OutboxRow).where(or_(
                OutboxRow.customer_id == customer_id, OutboxRow.case_id.in_(case_ids)))),
            "case_steps": gone(delete(StepRow).where(StepRow.case_id.in_(case_ids))),
            "cases": gone(delete(CaseRow).where(CaseRow.id.in_(case_ids))),
            "snapshot_customers": gone(delete(SnapshotCustomer).where(
                SnapshotCustomer.customer_id == customer_id)),
            "snapshot_flags": gone(delete(SnapshotFlag).where(
                SnapshotFlag.customer_id == customer_id)),
        }
        result.state_rows = {k: int(v) for k, v in counts.items() if v}
        recorded = audit.redact_in(s, seqs)
        result.audit_redacted = sorted(seqs)
        event = audit.append_in(s, "redaction", actor=actor, data={
            "records": recorded,
            "customer_sha256": hashlib.sha256(customer_id.encode("utf-8")).hexdigest(),
            "warehouse_rows": result.warehouse_rows, "state_rows": result.state_rows})
        result.redaction_seq = event.seq
    if db.engine.dialect.name == "sqlite":  # leave no deleted bytes in the file or its WAL
        with db.engine.connect() as con:
            con.execution_options(isolation_level="AUTOCOMMIT")
            con.execute(text("VACUUM"))
            con.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def _erase_files(ws: Workspace, customer_id: str, idents: set[str], eml: list[Path],
                 result: Erasure) -> None:
    root = ws.root
    from goodfit.actions.offboarding import GROUP

    safe = _safe(customer_id)
    offboarding = ws.outbox_dir / GROUP
    folders = [f for f in offboarding.glob(f"{safe}-*") if f.is_dir()] \
        if offboarding.is_dir() else []
    for folder in folders:
        shutil.rmtree(folder)
        result.files_removed.append(str(folder.relative_to(root)) + "/")
    for f in eml:
        if f.is_file():
            f.unlink()
            result.files_removed.append(str(f.relative_to(root)))
    needles = [i.encode("utf-8") for i in idents if len(i) >= 3]
    if ws.reports_dir.is_dir():
        for report in sorted(ws.reports_dir.rglob("*")):
            if report.is_file() and _mentions(report, needles):
                report.unlink()
                result.files_removed.append(str(report.relative_to(root)))
    if ws.quarantine_dir.is_dir():
        for q in sorted(ws.quarantine_dir.glob("*.csv")):
            dropped = _drop_rows(q, idents)
            if dropped:
                result.files_rewritten[str(q.relative_to(root))] = dropped
    rewards = root / "rewards"
    if rewards.is_dir() and any(_mentions(f, [customer_id.encode("utf-8")])
                                for f in rewards.rglob("*") if f.is_file()):
        result.kept.append("rewards/: published reward-draw files list the customer id (their "
                           "hashes were published; changing them would break the draw's proof)")
    if (root / "models").is_dir():
        result.kept.append("models/: trained text models (weights and vocabulary, no records)")


def _safe(customer_id: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "_", customer_id)[:60]


def _mentions(path: Path, needles: list[bytes]) -> bool:
    data = path.read_bytes()
    return any(n in data for n in needles)


def _drop_rows(path: Path, idents: set[str]) -> int:
    """Rewrite a quarantine CSV without the rows that name the customer (atomic)."""
    with open(path, newline="", encoding="utf-8", errors="surrogateescape") as f:
        rows = list(csv.reader(f))
    if not rows:
        return 0
    keep = [rows[0]] + [r for r in rows[1:] if not idents.intersection(c.strip() for c in r)]
    dropped = len(rows) - len(keep)
    if dropped:
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
            write_verbatim(f, keep)  # a quarantine file keeps its cells as they were
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    return dropped
