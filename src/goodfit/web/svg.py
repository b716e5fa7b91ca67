"""Small server-side SVG charts (no script, no external asset). Every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

SEGMENT_COLOURS = {"reward": "#2e7d32", "healthy": "#607d8b", "educate": "#1565c0",
                   "reprice": "#ef6c00", "part_ways": "#c62828"}


def _money(v: float) -> str:
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.1f}M"
    if a >= 1e4:
        return f"{v / 1e3:.0f}k"
    return f"{v:,.0f}"


def lorenz(points: Sequence[tuple[float, float]], title: str, width: int = 420,
           height: int = 300) -> Markup:
    """Customer share (x, lightest first) against share of load (y), with the diagonal."""
    pad = 40
    w, h = width - 2 * pad, height - 2 * pad

    def xy(x: float, y: float) -> str:
        return f"{pad + x * w:.1f},{pad + (1 - y) * h:.1f}"

    path = " ".join(xy(x, y) for x, y in points)
    ticks = "".join(
        f'<text x="{pad + t * w:.0f}" y="{height - pad + 16}" text-anchor="middle" '
        f'class="tick">{t:.0%}</text>'
        f'<text x="{pad - 6}" y="{pad + (1 - t) * h + 4:.0f}" text-anchor="end" '
        f'class="tick">{t:.0%}</text>' for t in (0, 0.25, 0.5, 0.75, 1))
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<rect x="{pad}" y="{pad}" width="{w}" height="{h}" class="frame"/>'
        f'<polyline points="{xy(0, 0)} {xy(1, 1)}" class="diag"/>'
        f'<polyline points="{path}" class="line"/>{ticks}'
        f'<text x="{pad + w / 2}" y="{height - 6}" text-anchor="middle" class="axis">'
        f'share of customers (lightest first)</text></svg>')


def hbars(rows: Sequence[tuple[str, float]], title: str, *, money: bool = True,
          colours: dict[str, str] | None = None, width: int = 420) -> Markup:
    """Horizontal bars, one per (label, value); negative values drawn leftwards."""
    bar_h, gap, left, right = 20, 6, 140, 70
    height = max(1, len(rows)) * (bar_h + gap) + 10
    lo = min([0.0, *(v for _, v in rows)])
    hi = max([0.0, *(v for _, v in rows)])
    span = (hi - lo) or 1.0
    w = width - left - right
    zero = left + (-lo / span) * w
    parts = []
    for i, (label, v) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        x0, x1 = sorted((zero, left + ((v - lo) / span) * w))
        colour = (colours or {}).get(label, "#1565c0")
        text = _money(v) if money else f"{v:,.0f}"
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" class="label">'
            f'{escape(label)}</text>'
            f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1):.1f}" height="{bar_h}" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{max(x1, zero) + 4:.1f}" y="{y + 14}" class="value">{escape(text)}</text>')
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
                  f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
                  f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" class="axisline"/>'
                  + "".join(parts) + "</svg>")


def trend(months: Sequence[str], series: dict[str, Sequence[float]], title: str,
          width: int = 640, height: int = 260) -> Markup:
    """One line per series over months; a legend under the chart."""
    pad_l, pad_r, pad_t, pad_b = 56, 16, 16, 48
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    values = [v for s in series.values() for v in s]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    span = (hi - lo) or 1.0
    n = max(1, len(months) - 1)
    colours = ["#1565c0", "#c62828", "#2e7d32", "#ef6c00"]

    def xy(i: int, v: float) -> str:
        return f"{pad_l + i / n * w:.1f},{pad_t + (1 - (v - lo) / span) * h:.1f}"

    lines, legend = [], []
    for k, (name, vals) in enumerate(series.items()):
        c = colours[k % len(colours)]
        pts = " ".join(xy(i, v) for i, v in enumerate(vals))
        lines.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
        legend.append(f'<rect x="{pad_l + k * 130}" y="{height - 16}" width="10" height="10" '
                      f'fill="{c}"/><text x="{pad_l + k * 130 + 14}" y="{height - 7}" '
                      f'class="label">{escape(name)}</text>')
    zero_y = pad_t + (1 - (0 - lo) / span) * h
    labels = "".join(
        f'<text x="{pad_l + i / n * w:.0f}" y="{pad_t + h + 14}" text-anchor="middle" '
        f'class="tick">{escape(m)}</text>'
        for i, m in enumerate(months) if i % max(1, len(months) // 6) == 0)
    axis = (f'<text x="{pad_l - 6}" y="{pad_t + 4}" text-anchor="end" class="tick">'
            f'{_money(hi)}</text><text x="{pad_l - 6}" y="{pad_t + h}" text-anchor="end" '
            f'class="tick">{_money(lo)}</text>')
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
                  f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
                  f'<line x1="{pad_l}" y1="{zero_y:.1f}" x2="{pad_l + w}" y2="{zero_y:.1f}" '
                  f'class="axisline"/>' + "".join(lines) + labels + axis + "".join(legend)
                  + "</svg>")
