"""Options every command shares, declared once: the window, and how a window is shown.

Every command that computes over dates takes the same ``--as-of/--since/--until`` and
resolves them with the one resolver (``Workspace.window``): a date means the whole day,
the window is half-open ``[since, until)``, and the defaults are the newest data's day and
the 12 months before it. Every output then states the window and how many rows of each
table fell inside it, so a default window can never cut a file short unnoticed.
"""


from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

if TYPE_CHECKING:
    from goodfit.window import Window

AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Figures as of the end of this day (YYYY-MM-DD; default: the newest "
    "data).", show_default=False)]
Since = Annotated[str | None, typer.Option(
    "--since", help="First day of the window (default: 12 months before --until).",
    show_default=False)]
Until = Annotated[str | None, typer.Option(
    "--until", help="Last day of the window, included (default: --as-of).",
    show_default=False)]
Snapshot = Annotated[int | None, typer.Option(
    "--snapshot", help="Show this stored scoring run (default: the newest; see goodfit "
    "snapshots).", show_default=False)]

TICK = timedelta(microseconds=1)
ROW_NAMES = {"tickets": "tickets", "messages": "messages", "invoices": "invoices",
             "payments": "payments", "orders": "orders", "usage": "usage periods",
             "costs": "direct costs"}


def window_line(window: "Window", rows: dict[str, int] | None = None, *,
                prefix: str = "Window") -> Text:
    """``Window 2025-07-01 – 2026-06-30 (as of 2026-06-30): 712 tickets, …``"""
    # the window is half-open: its last day is the one just before ``until``
    last_day, as_of_day = window.until - TICK, window.as_of - TICK
    text = f"{prefix} {window.since:%Y-%m-%d} – {last_day:%Y-%m-%d} (as of {as_of_day:%Y-%m-%d})"
    if rows:
        text += ": " + ", ".join(f"{n:,} {ROW_NAMES.get(t, t)}" for t, n in rows.items())
    return Text(text, style="dim")
