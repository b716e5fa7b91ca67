"""Charts as inline SVG: Altair specs rendered offline by vl-convert (no CDN, no script)."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

SEGMENT_COLOURS = {"reward": "#2e7d32", "healthy": "#607d8b", "educate": "#1565c0",
                   "reprice": "#ef6c00", "part_ways": "#c62828",
                   "not_enough_data": "#9e9e9e"}
WIDTH = 520


def svg(chart: alt.TopLevelMixin) -> str:
    # Not validated against the Vega-Lite schema: the specs are fixed here, and the
    # validation walks every data point (minutes at 100k customers); the SVG is the same.
    return str(vl_convert.vegalite_to_svg(chart.to_dict(validate=False)))


def _segment_colour() -> alt.Color:
    return alt.Color("segment:N", title="segment",
                     scale=alt.Scale(domain=list(SEGMENT_COLOURS),
                                     range=list(SEGMENT_COLOURS.values())))


def lorenz(points: list[dict[str, Any]], marks: list[dict[str, Any]], load: str) -> str:
    """Customers sorted by load, heaviest first: share of customers vs share of load."""
    base = alt.Chart(alt.Data(values=points))
    line = base.mark_line(color="#1565c0", strokeWidth=2).encode(
        x=alt.X("x:Q", title="share of customers (heaviest first)", axis=alt.Axis(format="%")),
        y=alt.Y("y:Q", title=f"share of {load}", axis=alt.Axis(format="%")))
    diag = alt.Chart(alt.Data(values=[{"x": 0, "y": 0}, {"x": 1, "y": 1}])).mark_line(
        color="#9e9e9e", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    dots = alt.Chart(alt.Data(values=marks)).mark_point(
        filled=True, size=70, color="#c62828").encode(x="x:Q", y="y:Q")
    text = alt.Chart(alt.Data(values=marks)).mark_text(
        align="left", dx=7, dy=8, fontSize=11).encode(x="x:Q", y="y:Q", text="label:N")
    return svg((diag + line + dots + text).properties(width=WIDTH, height=300))


def profit_vs_revenue(points: list[dict[str, Any]], currency: str) -> str:
    base = alt.Chart(alt.Data(values=points)).mark_circle(size=45, opacity=0.75).encode(
        x=alt.X("revenue:Q", title=f"revenue ({currency})"),
        y=alt.Y("profit:Q", title=f"profit ({currency})"),
        color=_segment_colour())
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#424242").encode(y="y:Q")
    return svg((zero + base).properties(width=WIDTH, height=320))


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
