"""The report in a real browser (headless Chromium through Playwright): it renders without
console errors or failed requests, shows the graph grouped by capability domain and the charts,
highlights a blast radius, finds an application by name, and leaves screenshots in
reports/artifacts/ for CI to keep."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from snoei.rationalizer.report import ReportInput, render_report
from snoei.rationalizer.report.graph import neighbourhoods
from tests.harness import REPO
from tests.sample_report import municipal_report

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI containers
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def municipal() -> ReportInput:
    data, _ = municipal_report()
    return data


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A Chromium with a fresh profile (Playwright's persistent context owns the profile)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this in CI)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_report_renders_in_chromium_shows_the_blast_radius_and_finds_applications(
    municipal: ReportInput, browser: object, lang: str, tmp_path: Path
) -> None:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Request

    assert isinstance(browser, BrowserContext)
    page_file = tmp_path / f"report-{lang}.html"
    page_file.write_text(render_report(municipal, lang), encoding="utf-8")  # type: ignore[arg-type]
    page = browser.new_page()
    errors: list[str] = []
    failed: list[str] = []
    foreign: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith("file://"):
            foreign.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("request", on_request)
    page.goto(page_file.as_uri(), wait_until="load")

    artifacts = REPO / "reports" / "artifacts"  # ignored by git; CI keeps it as an artifact
    artifacts.mkdir(parents=True, exist_ok=True)
    suffix = "" if lang == "en" else f"-{lang}"
    page.screenshot(path=str(artifacts / f"report{suffix}.png"), full_page=True)
    page.locator("#summary").screenshot(path=str(artifacts / f"report-summary{suffix}.png"))
    page.locator("#graph").screenshot(path=str(artifacts / f"report-graph{suffix}.png"))

    drawn = neighbourhoods(municipal.landscape, municipal.proposals)
    nodes = page.locator("#landscape .node")
    assert nodes.count() == len(drawn) < len(municipal.landscape.applications)
    assert page.locator("#landscape .group").count() > 1
    assert page.locator("#landscape .edge").count() > 0
    for chart in ("#chart-proposals .bar", "#chart-waves .bar", "#chart-time .dot"):
        assert page.locator(chart).count() > 0, chart
    assert page.locator("#chart-eol .tech").count() > 0
    assert page.locator("#proposals tbody tr").count() == len(municipal.proposals)
    for section in ("#portfolio", "#method", "#data"):
        assert page.locator(section).is_visible(), section

    # The BRP register feeds much of the municipality: its blast radius is all it reaches,
    # drawn where the application is drawn and counted per domain where it is not.
    hub = "app-brp"
    expected = nx.descendants(municipal.landscape.graph, hub)
    assert page.locator("#landscape.focus").count() == 0
    page.click(f'#landscape .node[data-app="{hub}"]')
    assert page.locator("#landscape.focus").count() == 1
    assert page.locator("#landscape .node.selected").get_attribute("data-app") == hub
    highlighted = page.locator("#landscape .node.radius")
    shown = set(highlighted.evaluate_all("els => els.map(e => e.dataset.app)"))
    assert shown == expected & drawn
    counted = page.locator("#landscape .group.radius .hit").evaluate_all(
        "els => els.map(e => parseInt(e.textContent, 10))"
    )
    assert len(shown) + sum(counted) == len(expected) > len(shown) > 0
    assert page.locator("#landscape .edge.radius").count() > 0
    assert str(len(expected)) in page.inner_text("#graph-info")

    # An application nothing reads from has an empty blast radius.
    page.click('#landscape .node[data-app="app-website-oud"]')
    assert page.locator("#landscape .node.radius").count() == 0
    assert page.locator("#landscape .group.radius").count() == 0

    # The search finds every application, also one only counted in its domain's box.
    hidden = next(a for a in sorted(municipal.landscape.applications) if a not in drawn)
    name = municipal.landscape.applications[hidden].name
    page.fill("#graph-search", name)
    results = page.locator("#graph-results button")
    assert name in results.all_inner_texts()
    assert page.locator("#landscape .group.match").count() >= 1
    results.filter(has_text=name).first.click()
    assert name in page.inner_text("#graph-info")
    assert page.locator("#landscape .group.selected").count() == 1
    page.fill("#graph-search", "zz-no-such-application")
    assert page.locator("#graph-results button").count() == 0
    page.fill("#graph-search", "")

    page.click(f'#landscape .node[data-app="{hub}"]')
    page.locator("#graph").screenshot(path=str(artifacts / f"report-graph-radius{suffix}.png"))
    page.close()

    assert errors == []
    assert failed == []
    assert foreign == []
