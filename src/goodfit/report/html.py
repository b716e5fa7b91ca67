"""Render ``ReportData`` to one self-contained HTML file (inline CSS and SVG, no script).

Jinja2 with autoescape on for every template: customer text (names, messages, quoted
spans, topic labels) is always escaped. The only markup inserted unescaped is the SVG
vl-convert produced, which escapes its own text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from goodfit.report.data import ReportData, evidence_text

TEMPLATES = Path(__file__).resolve().parent.parent / "resources" / "report"


def _money(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.2f}"


def _pct(value: Any, digits: int = 0) -> str:
    return "—" if value is None else f"{float(value):.{digits}%}"


def _num(value: Any, digits: int = 0) -> str:
    return "—" if value is None else f"{float(value):,.{digits}f}"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=_money, pct=_pct, num=_num, evidence=evidence_text)
    return env


def render_report(data: ReportData) -> str:
    template = environment().get_template("report.html.j2")
    charts = {k: Markup(v) for k, v in data.charts.items()}  # vl-convert output, escaped text
    return template.render(r=data, charts=charts)


def write_report(data: ReportData, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(data), encoding="utf-8")
    return out
