"""A real server on 127.0.0.1 driven by headless Chromium (Debian's, through Playwright):
sign in, find a customer, open a flag's evidence, draft and approve an offboarding case
as two people, verify the audit. GOODFIT_WEB_SHOTS=DIR keeps a screenshot of each page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium; `make system-deps`)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the dev extra's playwright is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("GOODFIT_WEB_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"web-{name}.png"), full_page=True)


def sign_in(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/login")
    shot(page, "login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def sign_out(page: Any) -> None:
    page.click("form.logout button")
    page.wait_for_url("**/login")


@pytest.mark.slow
def test_team_workflow_in_chromium(browser, server, project) -> None:  # type: ignore[no-untyped-def]
    url = server.url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.on("dialog", lambda d: d.accept())
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, url, "alex")
        assert page.locator(".figures").count() == 1
        shot(page, "overview")
        # find a customer by searching
        page.click("nav >> text=Customers")
        page.fill("input[name=q]", "kestrel")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/customers?*")
        rows = page.locator("table.customers tbody tr")
        assert rows.count() == 1 and "Kestrel Labs" in rows.first.inner_text()
        page.goto(f"{url}/customers?flag=abusive_language")
        shot(page, "customers")
        page.locator("table.customers tbody tr a").first.click()
        page.wait_for_url("**/customers/*")
        shot(page, "customer")
        # open a flag's evidence: the cited message, highlighted, in its ticket
        page.locator("a.drill").first.click()
        page.wait_for_url("**/tickets/*")
        assert page.locator("article.cited mark").count() >= 1
        shot(page, "evidence")
        # draft an offboarding of a customer
        page.goto(f"{url}/customers/C-1008")
        # its service levels against the targets, usage against plan peers, monthly trend
        service = page.locator("table.service").inner_text()
        assert "90 · 498 min" in service and "1 of 3 tickets" in service
        assert page.locator("table.peers tbody tr td").last.inner_text() == "14"  # peers
        assert page.locator("figure.wide svg").count() == 1
        shot(page, "customer-service")
        page.fill("form.offboard input[name=reason]", "unprofitable for two years")
        page.click("form.offboard button")
        page.wait_for_url("**/cases/*")
        case_url = page.url
        assert page.locator("b.state").inner_text() == "draft"
        assert page.locator("form.approve").count() == 0  # an agent cannot approve
        page.goto(f"{url}/cases")
        shot(page, "cases")
        sign_out(page)
        # a manager approves it
        sign_in(page, url, "mia")
        page.goto(case_url)
        shot(page, "case")
        page.click("form.approve button")
        page.wait_for_url(case_url)
        assert page.locator("b.state").inner_text() == "approved"
        # and verifies the audit chain
        page.goto(f"{url}/audit")
        page.click("text=Verify the chain")
        assert "Chain intact" in page.locator("#verification").inner_text()
        shot(page, "audit")
        page.goto(f"{url}/rewards")
        shot(page, "rewards")
        page.goto(f"{url}/outbox")
        shot(page, "outbox")
        page.goto(f"{url}/why")
        assert page.locator("table.mix tbody tr").count() >= 1
        shot(page, "why")
        page.goto(f"{url}/customers/C-1021/whatif?fee_manual_order=7")
        assert "manual order fees 42.00" in page.locator("main").inner_text()
        shot(page, "whatif")
        assert errors == []  # no script error (and the CSP blocked nothing we need)
    finally:
        ctx.close()
    case_id = int(case_url.rsplit("/", 1)[1])
    assert project.actions.case(case_id).state == "approved"
    assert project.actions.case(case_id).created_by == "alex"
