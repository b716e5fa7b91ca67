"""Terminal output that customer text cannot steer.

Customer data (names, ticket subjects, e-mail addresses) may hold ANSI escape
sequences or other control characters that would recolour the terminal, move the
cursor, rewrite earlier lines or set the window title. :func:`strip_control` removes
them; :class:`SafeConsole` applies it to every text segment the CLI prints, while
goodfit's own styling (applied by Rich after this step) is kept.
"""


import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

# CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte ESC sequences,
# then any C0 control except tab and newline, DEL and the C1 range.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
                      r"|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    """``text`` without escape sequences and control characters (tab, newline kept)."""
    return _CONTROL.sub("", _ESCAPES.sub("", text))


def _clean(renderable: Any) -> Any:
    """Customer text stripped *before* layout, so tables measure what is printed."""
    if isinstance(renderable, str):
        return strip_control(renderable)
    if isinstance(renderable, Text):
        plain = strip_control(renderable.plain)
        if plain == renderable.plain:
            return renderable
        return Text(plain, style=renderable.style, justify=renderable.justify,
                    no_wrap=renderable.no_wrap, overflow=renderable.overflow)
    if isinstance(renderable, Table):
        for column in renderable.columns:
            column.header = _clean(column.header)
            column._cells = [_clean(c) for c in column._cells]
        return renderable
    return renderable


class SafeConsole(Console):
    """A Rich console that strips control characters from the text it prints."""

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for seg in super().render(_clean(renderable), options):
            if seg.control or not seg.text:
                yield seg
            else:  # what _clean cannot reach (other renderables) is cleaned here
                yield Segment(strip_control(seg.text), seg.style)
