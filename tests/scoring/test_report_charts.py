"""The report's charts at many customers: fewer marks, the same picture.

At 100k customers the Lorenz curve and the profit scatter used to carry a mark per
customer (a 36 MB report). These tests check the two thinning rules against what a
reader sees: the line within a quarter pixel, every dot within a pixel of a kept dot of
its colour, and the rendered PNG next to the full one.
"""

from __future__ import annotations

import io
from typing import Any

import altair as alt
import numpy as np
import pytest
import vl_convert
from PIL import Image

from goodfit.report import charts

W, H = 520, 300


def lorenz_points(n: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    load = np.sort(rng.lognormal(1.0, 1.3, n))[::-1]  # heaviest first, as the report
    cum = np.cumsum(load) / load.sum()
    return [{"x": 0.0, "y": 0.0}] + [{"x": (i + 1) / n, "y": float(c)}
                                     for i, c in enumerate(cum)]


def scatter_points(n: int, seed: int = 2) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(3.5, 0.9, n).round(2)
    profit = (revenue - rng.lognormal(2.8, 1.2, n)).round(2)
    segment = rng.choice(["reward", "healthy", "educate", "reprice", "part_ways"], n,
                         p=[0.06, 0.68, 0.07, 0.16, 0.03])
    return [{"revenue": float(r), "profit": float(p), "segment": str(s)}
            for r, p, s in zip(revenue, profit, segment, strict=True)]


def png(spec: dict[str, Any]) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(vl_convert.vegalite_to_png(spec)))
                      .convert("RGB")).astype(int)


def test_a_straight_line_is_its_two_ends() -> None:
    line = [{"x": i / 10, "y": i / 10} for i in range(11)]
    assert charts.thin_line(line, W, H) == [line[0], line[-1]]


def test_the_thinned_curve_stays_within_a_quarter_pixel_of_every_customer() -> None:
    line = lorenz_points(50_000)
    kept = charts.thin_line(line, W, H)
    assert kept[0] == line[0] and kept[-1] == line[-1]
    assert len(kept) < 200  # a few dozen points draw 50,001
    # every original point against the kept segment that spans it, in pixels
    at = {id(p): i for i, p in enumerate(line)}
    ends = [at[id(p)] for p in kept]
    xy = np.array([(p["x"] * W, p["y"] * H) for p in line])
    worst = 0.0
    for a, b in zip(ends, ends[1:], strict=False):
        chord = xy[b] - xy[a]
        inner = xy[a:b + 1] - xy[a]
        dist = np.abs(inner[:, 0] * chord[1] - inner[:, 1] * chord[0]) / np.hypot(*chord)
        worst = max(worst, float(dist.max()))
    assert worst <= 0.25


def test_the_thinned_curve_renders_as_the_full_one() -> None:
    line = lorenz_points(20_000)

    def spec(values: list[dict[str, Any]]) -> dict[str, Any]:
        return alt.Chart(alt.Data(values=values)).mark_line().encode(
            x="x:Q", y="y:Q").properties(width=W, height=H).to_dict(validate=False)

    full, thin = png(spec(line)), png(spec(charts.thin_line(line, W, H)))
    assert full.shape == thin.shape
    # only anti-aliasing differs: no pixel changes by a quarter of its range
    assert np.abs(full - thin).max() < 64


def test_every_dropped_dot_has_a_kept_dot_of_its_colour_within_a_pixel() -> None:
    points = scatter_points(30_000)
    kept = charts.one_per_pixel(points, "revenue", "profit", W, 320, by="segment")
    assert len(kept) < len(points) / 3
    # order kept: the kept dots are a subsequence of the input
    index = {id(p): i for i, p in enumerate(points)}
    order = [index[id(p)] for p in kept]
    assert order == sorted(order)
    px = (max(p["revenue"] for p in points) - min(p["revenue"] for p in points)) / W
    py = (max(p["profit"] for p in points) - min(p["profit"] for p in points)) / 320
    by_segment: dict[str, np.ndarray] = {}
    for seg in {p["segment"] for p in kept}:
        by_segment[seg] = np.array([(p["revenue"], p["profit"]) for p in kept
                                    if p["segment"] == seg])
    for p in points[::7]:
        near = by_segment[p["segment"]]
        close = (np.abs(near[:, 0] - p["revenue"]) <= px) & (np.abs(near[:, 1] - p["profit"]) <= py)
        assert close.any(), p


def test_the_thinned_scatter_renders_as_the_full_one() -> None:
    points = scatter_points(20_000)

    def spec(values: list[dict[str, Any]]) -> dict[str, Any]:
        return alt.Chart(alt.Data(values=values)).mark_circle(size=45, opacity=0.75).encode(
            x="revenue:Q", y="profit:Q", color="segment:N").properties(
            width=W, height=320).to_dict(validate=False)

    full = png(spec(points))
    thin = png(spec(charts.one_per_pixel(points, "revenue", "profit", W, 320, by="segment")))
    assert full.shape == thin.shape
    changed = (np.abs(full - thin).max(axis=2) > 64).mean()
    # where many dots pile up, fewer translucent layers are a shade lighter: a few
    # pixels in a thousand, the top colour of every pile unchanged
    assert changed < 0.002


@pytest.mark.parametrize("n", [0, 1, 2])
def test_tiny_inputs_come_back_whole(n: int) -> None:
    line = lorenz_points(5)[:n]
    assert charts.thin_line(line, W, H) == line
    dots = scatter_points(5)[:n]
    assert charts.one_per_pixel(dots, "revenue", "profit", W, 320, by="segment") == dots


def test_dots_in_one_place_keep_one_per_colour_the_last() -> None:
    dots = [{"revenue": 10.0, "profit": 1.0, "segment": s, "i": i}
            for i, s in enumerate(["healthy", "reward", "healthy", "reprice", "reward"])]
    dots.append({"revenue": 500.0, "profit": -80.0, "segment": "healthy", "i": 5})
    kept = charts.one_per_pixel(dots, "revenue", "profit", W, 320, by="segment")
    assert [d["i"] for d in kept] == [2, 3, 4, 5]


def test_a_value_that_is_not_a_number_keeps_every_mark() -> None:
    line = lorenz_points(50)
    line[10]["y"] = float("nan")
    assert charts.thin_line(line, W, H) == line
    dots = scatter_points(50)
    dots[3]["profit"] = float("inf")
    assert charts.one_per_pixel(dots, "revenue", "profit", W, 320, by="segment") == dots
