"""The transition pack (zip) and the final-month credit line (CSV) for an offboarding.

Files are deterministic for the same input (fixed zip timestamps, sorted rows), so the
hash recorded when a step is drafted still matches when it is executed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from goodfit.csvsafe import csv_text

SERVICE_COLUMNS = ("service_id", "product", "plan", "price_monthly", "currency", "started_at",
                   "ended_at")
TICKET_COLUMNS = ("ticket_id", "opened_at", "closed_at", "subject", "category", "priority",
                  "channel")
CREDIT_COLUMNS = ("customer_id", "organisation", "service_id", "description", "amount",
                  "currency", "date")


def _csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    return csv_text(columns, (["" if r.get(c) is None else str(r.get(c)) for c in columns]
                              for r in rows))


def write_pack(path: Path, *, services: Sequence[dict[str, Any]],
               tickets: Sequence[dict[str, Any]], configuration_notes: str,
               alternatives: str, dated: date) -> Path:
    """services.csv, configuration_notes.txt, tickets.csv, alternatives.txt in one zip."""
    members = {
        "services.csv": _csv(SERVICE_COLUMNS, services),
        "configuration_notes.txt": configuration_notes,
        "tickets.csv": _csv(TICKET_COLUMNS, sorted(tickets, key=lambda t: (
            str(t.get("opened_at")), str(t.get("ticket_id"))))),
        "alternatives.txt": alternatives,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=(dated.year, dated.month, dated.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return path


def credit_lines(customer_id: str, organisation: str, services: Sequence[dict[str, Any]],
                 currency: str, effective: date) -> list[dict[str, Any]]:
    """One negative line per active service: its last month's price, at our expense."""
    lines = []
    for s in services:
        price = Decimal(str(s.get("price_monthly") or 0))
        if price <= 0:
            continue
        lines.append({
            "customer_id": customer_id, "organisation": organisation,
            "service_id": s["service_id"],
            "description": f"Final month credit ({s.get('plan') or s.get('product') or 'service'})"
                           f", cancellation effective {effective.isoformat()}",
            "amount": f"{-price:.2f}", "currency": s.get("currency") or currency,
            "date": effective.isoformat(),
        })
    return lines


def write_credit_csv(path: Path, lines: Sequence[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_csv(CREDIT_COLUMNS, lines), encoding="utf-8")
    return path
