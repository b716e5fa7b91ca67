"""What the data supports, per capability: how much of each figure is measured, estimated
or missing. ``goodfit status`` shows it; scoring and verdicts can reuse the same object to
say how sure a figure is.

Support cost uses the cost model's own split (``metrics.support.ticket_rows``): a ticket's
minutes are *logged* (``staff_minutes``), *estimated from replies* (staff replies ×
``[costs] reply_minutes``), *estimated from the per-ticket default* (``[costs]
ticket_default_minutes``, only when configured), or none of these (cost 0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the figures are plain data; counting them needs the engine
    from goodfit.config import Config
    from goodfit.metrics.common import TABLES
    from goodfit.window import Window


@dataclass(frozen=True)
class Share:
    """``count`` of ``total`` items; ``share`` is None when there are none at all."""

    count: int
    total: int

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None

    def percent(self) -> str:
        return "–" if self.share is None else f"{round(100 * self.share)}%"


@dataclass(frozen=True)
class Capability:
    name: str
    # part → Share, in the order they are shown ("logged minutes", "estimated from replies")
    parts: dict[str, Share] = field(default_factory=dict)
    note: str = ""

    @property
    def total(self) -> int:
        return next(iter(self.parts.values())).total if self.parts else 0

    def summary(self) -> str:
        """"support cost: logged minutes on 62% of tickets, estimated from replies on 30%, …"""
        if not self.total:
            return f"{self.name}: no data" + (f" ({self.note})" if self.note else "")
        bits = [f"{part} on {s.percent()}" for part, s in self.parts.items()]
        return f"{self.name}: " + ", ".join(bits) + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class DataCoverage:
    capabilities: dict[str, Capability]

    def to_dict(self) -> dict[str, Any]:
        return {key: {"name": c.name, "summary": c.summary(), "total": c.total, "note": c.note,
                      "parts": {p: {**asdict(s), "share": s.share} for p, s in c.parts.items()}}
                for key, c in self.capabilities.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataCoverage:
        """Back from :meth:`to_dict` (a cached copy)."""
        return cls({key: Capability(c["name"], {p: Share(int(v["count"]), int(v["total"]))
                                                for p, v in c["parts"].items()}, c["note"])
                    for key, c in data.items()})


def data_coverage(tables: TABLES, config: Config, window: Window) -> DataCoverage:
    """Coverage of the tickets opened (and invoices issued) in ``window``."""
    from goodfit.metrics.support import ticket_rows

    rows = ticket_rows(tables, config, window)
    t = rows.aggregate(
        total=rows.count(),
        logged=(rows.minutes_basis == "logged").sum(),
        from_replies=(rows.minutes_basis == "replies").sum(),
        from_default=(rows.minutes_basis == "default").sum(),
        priority=rows.priority.notnull().sum(),
        channel=rows.channel.notnull().sum(),
    ).to_pyarrow().to_pylist()[0]
    total = int(t["total"] or 0)

    def share(key: str) -> Share:
        return Share(int(t[key] or 0), total)

    logged, replies, default = share("logged"), share("from_replies"), share("from_default")
    neither = Share(total - logged.count - replies.count - default.count, total)
    parts = {"logged minutes": logged, "estimated from replies": replies}
    if config.costs.ticket_default_minutes:
        parts["estimated from the per-ticket default"] = default
    parts["no minutes and no replies (cost 0)"] = neither
    support = Capability("support cost", parts, note="of tickets")
    tickets = tables["tickets"]
    coded = tickets.filter(window.contains(tickets.opened_at))
    n_coded = int(coded.resolution_code.notnull().sum().execute() or 0)
    causes = Capability("why tickets happen", {
        "resolution code": Share(n_coded, total),
    }, note="of tickets; the rest can be suggested by the text model")
    fields = Capability("ticket fields", {
        "priority": share("priority"), "channel": share("channel"),
    }, note="of tickets")
    invoices = tables["invoices"]
    inv = invoices.filter(window.contains(invoices.issued_at))
    inv_row = inv.aggregate(total=inv.count(),
                            status=inv.status.notnull().sum()).to_pyarrow().to_pylist()[0]
    inv_total = int(inv_row["total"] or 0)
    billing = Capability("revenue", {
        "invoice status": Share(int(inv_row["status"] or 0), inv_total),
    }, note="of invoices")
    return DataCoverage({"support_cost": support, "causes": causes, "ticket_fields": fields,
                         "revenue": billing})
