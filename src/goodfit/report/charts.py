"""Charts as inline SVG: Altair specs rendered offline by vl-convert (no CDN, no script)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import vl_convert

SEGMENT_COLOURS = {"reward": "#2e7d32", "healthy": "#607d8b", "educate": "#1565c0",
                   "reprice": "#ef6c00", "part_ways": "#c62828",
                   "not_enough_data": "#9e9e9e"}
WIDTH = 520
LORENZ_HEIGHT, SCATTER_HEIGHT = 300, 320
# The Lorenz curve is drawn within this many pixels of every customer's point: at 100k
# customers the charts otherwise carry a mark per customer (a 36 MB report, 2 GB to draw).
PIXEL = 0.25


def svg(chart: alt.TopLevelMixin) -> str:
    # Not validated against the Vega-Lite schema: the specs are fixed here, and the
    # validation walks every data point (minutes at 100k customers); the SVG is the same.
    return str(vl_convert.vegalite_to_svg(chart.to_dict(validate=False)))


def _segment_colour() -> alt.Color:
    return alt.Color("segment:N", title="segment",
                     scale=alt.Scale(domain=list(SEGMENT_COLOURS),
                                     range=list(SEGMENT_COLOURS.values())))


def thin_line(points: Sequence[dict[str, Any]], width: float, height: float,
              tolerance: float = PIXEL) -> list[dict[str, Any]]:
    """The points of a line (in order) that draw it within ``tolerance`` pixels on a
    ``width`` × ``height`` chart: Douglas–Peucker, ends always kept. A Lorenz curve of
    100k customers needs a few dozen of its points to look the same. A line with a value
    that is not a finite number is drawn whole."""
    n = len(points)
    xy = np.array([(float(p["x"]), float(p["y"])) for p in points]).reshape(n, 2)
    if n <= 2 or not np.isfinite(xy).all():
        return list(points)
    span = xy.max(axis=0) - xy.min(axis=0)
    xy = xy * np.where(span > 0, np.array([width, height]) / np.where(span > 0, span, 1), 0)
    keep = np.zeros(n, dtype=bool)
    keep[[0, n - 1]] = True
    todo = [(0, n - 1)]
    while todo:
        a, b = todo.pop()
        if b - a < 2:
            continue
        inner = xy[a + 1:b] - xy[a]
        chord = xy[b] - xy[a]
        length = math.hypot(*chord)
        if length > 0:  # distance to the chord's line
            dist = np.abs(inner[:, 0] * chord[1] - inner[:, 1] * chord[0]) / length
        else:
            dist = np.hypot(inner[:, 0], inner[:, 1])
        i = int(dist.argmax())
        if dist[i] > tolerance:
            keep[a + 1 + i] = True
            todo += [(a, a + 1 + i), (a + 1 + i, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def one_per_pixel(points: Sequence[dict[str, Any]], x: str, y: str, width: float,
                  height: float, by: str) -> list[dict[str, Any]]:
    """The last point of each pixel and ``by`` value, in their order, unmoved: every point
    dropped lies within a pixel of a kept one of the same colour, and the one drawn on top
    of a pile is of the same colour as before (marks are drawn in order). The pixel is
    taken from the data's range, which the chart's axes only widen, so it is never larger
    than the chart's own pixel. When a value is not a finite number, every point is
    kept."""
    if len(points) <= 2:
        return list(points)
    values_xy = [np.array([float(p[field]) for p in points]) for field in (x, y)]
    if not all(np.isfinite(v).all() for v in values_xy):
        return list(points)
    cells = []
    for values, pixels in zip(values_xy, (width, height), strict=True):
        span = float(values.max() - values.min())
        step = span / pixels if span > 0 else 1.0
        cells.append(np.floor((values - values.min()) / step).astype(np.int64).tolist())
    last = {(cx, cy, p[by]): i
            for i, (p, cx, cy) in enumerate(zip(points, cells[0], cells[1], strict=True))}
    return [points[i] for i in sorted(last.values())]


def lorenz(points: list[dict[str, Any]], marks: list[dict[str, Any]], load: str) -> str:
    """Customers sorted by load, heaviest first: share of customers vs share of load."""
    base = alt.Chart(alt.Data(values=thin_line(points, WIDTH, LORENZ_HEIGHT)))
    line = base.mark_line(color="#1565c0", strokeWidth=2).encode(
        x=alt.X("x:Q", title="share of customers (heaviest first)", axis=alt.Axis(format="%")),
        y=alt.Y("y:Q", title=f"share of {load}", axis=alt.Axis(format="%")))
    diag = alt.Chart(alt.Data(values=[{"x": 0, "y": 0}, {"x": 1, "y": 1}])).mark_line(
        color="#9e9e9e", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    dots = alt.Chart(alt.Data(values=marks)).mark_point(
        filled=True, size=70, color="#c62828").encode(x="x:Q", y="y:Q")
    text = alt.Chart(alt.Data(values=marks)).mark_text(
        align="left", dx=7, dy=8, fontSize=11).encode(x="x:Q", y="y:Q", text="label:N")
    return svg((diag + line + dots + text).properties(width=WIDTH, height=LORENZ_HEIGHT))


def profit_vs_revenue(points: list[dict[str, Any]], currency: str) -> str:
    """One dot per customer (one per pixel and segment where they pile up)."""
    shown = one_per_pixel(points, "revenue", "profit", WIDTH, SCATTER_HEIGHT, by="segment")
    base = alt.Chart(alt.Data(values=shown)).mark_circle(size=45, opacity=0.75).encode(
        x=alt.X("revenue:Q", title=f"revenue ({currency})"),
        y=alt.Y("profit:Q", title=f"profit ({currency})"),
        color=_segment_colour())
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#424242").encode(y="y:Q")
    return svg((zero + base).properties(width=WIDTH, height=SCATTER_HEIGHT))


def bars(rows: list[dict[str, Any]], label: str, value: str, title: str,
         colour_by_segment: bool = False) -> str:
    enc: dict[str, Any] = {
        "y": alt.Y(f"{label}:N", title=None, sort="-x"),
        "x": alt.X(f"{value}:Q", title=title),
    }
    if colour_by_segment:
        enc["color"] = _segment_colour()
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color="#1565c0").encode(**enc)
    return svg(chart.properties(width=WIDTH - 120, height=max(60, 24 * len(rows))))
