"""The HTML report: one self-contained file, every customer linked, customer text escaped."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.scoring.demo import demo_provider


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


def test_report_is_one_self_contained_file(make_project, tmp_path: Path) -> None:
    project = make_project(demo_provider())
    project.score()  # the report shows a stored run
    out = project.report(tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    tags = parse(html)
    names = [t for t, _ in tags.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched from outside
    assert names.count("svg") >= 5  # lorenz, scatter, costs, segments, resolution mix
    ids = {a["id"] for _, a in tags.tags if a.get("id")}
    links = {a["href"][1:] for t, a in tags.tags if t == "a" and (a.get("href") or "")[:1] == "#"}
    assert links <= ids  # every internal link lands somewhere
    # 26 customers, each with a section
    assert sum(1 for i in ids if re.fullmatch(r"c-\d+", i)) == 26
    for section in ("Who carries the load", "Profit against revenue", "Cost to serve, by part",
                    "Segments", "Behaviour flags, with evidence", "Resolution mix",
                    "Repeat topics", "Early-life watch list"):
        assert section in html
    assert "you useless idiots" in html  # the quoted span is shown as evidence
    assert "Not enough history" in html  # 24 labelled customers < 40


XSS = ['<script>alert("name")</script>', "<img src=x onerror=alert(1)>",
       "javascript:alert(2)", "<script>alert('q')</script>"]


def test_customer_text_is_escaped_everywhere(make_project, tmp_path: Path) -> None:
    p = demo_provider(xss=True)
    p.rows["tickets"][0]["resolution_code"] = "<script>alert('code')</script>"
    project = make_project(p)
    project.score()  # the report shows a stored run
    html = project.report(tmp_path / "r.html").read_text(encoding="utf-8")
    tags = parse(html)
    assert all(t != "script" and t != "img" for t, _ in tags.tags)
    for _, attrs in tags.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
        for k in ("href", "src", "style"):
            assert "javascript:" not in (attrs.get(k) or "").lower()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt; idiots" in html
    # a ticket subject shown beside its evidence id
    assert "&#34;&gt;&lt;svg onload=alert(3)&gt;&lt;/span&gt;&lt;a href=&#34;javascript:alert(2)" \
        in html
    assert all(t != "svg" or not any(k.startswith("on") for k in a) for t, a in tags.tags)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed "
                    "(make system-deps installs the Debian chromium package)")
def test_report_renders_in_headless_chromium(make_project, tmp_path: Path) -> None:
    project = make_project(demo_provider(xss=True))
    project.score()  # the report shows a stored run
    out = project.report(tmp_path / "r.html")
    png = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}"]
        subprocess.run([_chromium(), *flags, f"--screenshot={png}", "--window-size=1280,2400",
                        out.as_uri()], check=True, capture_output=True, timeout=120)
        dom = subprocess.run([_chromium(), *flags, "--dump-dom", out.as_uri()], check=True,
                             capture_output=True, timeout=120, text=True).stdout
    assert png.stat().st_size > 20_000  # a rendered page, not a blank one
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tags = parse(dom)
    assert not any(t == "script" for t, _ in tags.tags)  # nothing injected survived parsing
    assert "Who carries the load" in dom


def test_capped_report_links_only_to_sections_it_holds(make_project, tmp_path: Path,
                                                       monkeypatch) -> None:
    monkeypatch.setattr("goodfit.report.data.MAX_CUSTOMER_SECTIONS", 3)
    monkeypatch.setattr("goodfit.report.data.MAX_FLAG_ROWS", 4)
    project = make_project(demo_provider())
    project.score()  # the report shows a stored run
    html = project.report(tmp_path / "r.html").read_text(encoding="utf-8")
    tags = parse(html)
    ids = {a["id"] for _, a in tags.tags if a.get("id")}
    links = {a["href"][1:] for t, a in tags.tags if t == "a" and (a.get("href") or "")[:1] == "#"}
    assert links <= ids
    sections = {i for i in ids if re.fullmatch(r"c-\d+", i)}
    # the 3 costliest + the 15 highest cost per dollar + the 4 flag rows' customers, at most
    assert 3 < len(sections) < 26
    assert "The 4 most severe of" in html and "of 26 customers" in html
