"""Real headless Chromium (Debian's, driven by Playwright) against the built site on 127.0.0.1.

The site is the bundled archive plus one real day of the Hugging Face API
(2024-06-21, whose titles carry ``$…$`` math), built with ``paperfeed build``
and served under a sub-path like a GitHub Pages project site.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from paperfeed.cli import cli

from .conftest import HF_DATA, project
from .siteserver import serve

# Debian's chromium here; the pull-request workflow points this at the runner's Chrome.
CHROMIUM = Path(os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium"))
MATH_DAY = HF_DATA / "2024-06-21.json"
# Flags for a sandboxed CI container; nothing may reach out to the internet.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = {"home": "", "day": "days/2025-03-14/", "paper": "papers/2406/2406.12045/",
         "tag": "tags/robotics/", "tag month": "tags/robotics/2025-03/", "archive": "archive/",
         "tags": "tags/", "feeds": "feeds/", "annotated": "annotated/"}

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                                "(.ci/run installs it: apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not MATH_DAY.exists():
        pytest.skip(f"real API responses not found at {HF_DATA}")
    where = project(tmp_path_factory.mktemp("browser"))
    runner = CliRunner()
    for args in (["import", str(MATH_DAY)], ["build", "--strict"]):
        result = runner.invoke(cli, ["--config", str(where / "mkdocs.yml"), *args])
        assert result.exit_code == 0, result.output
    with serve(where / "site") as base:
        yield base
    shutil.rmtree(where, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site: str):
    """A fresh page whose every request must stay on 127.0.0.1 (no CDN, no fonts, no trackers)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    missing: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page
    context.close()
    assert outside == [], f"the site asked for outside resources: {outside}"
    assert errors == [], f"JavaScript errors: {errors}"
    assert missing == [], f"requests that failed: {missing}"


def test_home_lists_the_latest_days_papers(page, site: str) -> None:
    page.goto(site)
    assert page.locator("h2").first.inner_text().startswith("Friday, March 14, 2025")
    cards = page.locator("article.pf-card")
    assert cards.count() == 51
    assert cards.first.locator(".pf-card__title a").inner_text() != ""
    assert page.get_by_text("Last updated with the papers of March 14, 2025").is_visible()
    # a card's title leads to its paper page, under the sub-path
    with page.expect_navigation():
        cards.first.locator(".pf-card__title a").click()
    assert page.url.startswith(site + "papers/") and page.locator("h1").count() == 1


@pytest.mark.parametrize(("query", "title"), [
    ("MyoDex", "MyoDex: A Generalizable Prior for Dexterous Manipulation"),  # a title word
    ("Vikash Kumar", "MyoDex: A Generalizable Prior for Dexterous Manipulation"),  # an author
    ("modality competition phenomenon", "Boosting Multi-modal Model Performance with Adaptive Gradient"),  # abstract
    ("RAG", "HyperInterval: Hypernetwork approach to training weight interval regions"),  # its tag, "Retrieval and RAG"
])
def test_search_finds_the_paper(page, site: str, query: str, title: str) -> None:
    page.goto(site + "about/")
    box = page.locator("input.md-search__input")
    box.click()  # the header's search box, as a reader would
    # Material drops a query typed while its worker is still loading the index
    expect(page.locator(".md-search-result__meta")).not_to_contain_text("Initializing")
    box.press_sequentially(query)  # Material reads the query on keyup, as a reader types it
    # results stream in as the index loads and the query settles: wait for the paper to show up
    hit = page.locator(".md-search-result__article h1", has_text=title).first
    hit.wait_for(timeout=10_000)
    with page.expect_navigation():
        hit.click()
    assert page.locator("h1").first.inner_text().startswith(title)


def test_feeds_are_discovered_and_served_from_the_home_page(page, site: str) -> None:
    page.goto(site)
    hrefs = page.eval_on_selector_all('head link[rel="alternate"]', "links => links.map(l => l.href)")
    assert len(hrefs) == 4 and all(h.startswith(site + "feeds/") for h in hrefs)
    for href in hrefs:
        response = page.request.get(href)
        assert response.ok and response.body().lstrip().startswith((b"<?xml", b"{")), href


def test_tag_page_lists_its_papers(page, site: str) -> None:
    page.goto(site + "tags/")
    row = page.locator("table.pf-tags tbody tr", has_text="Robotics").first
    count = int(row.locator("td").nth(1).inner_text())
    with page.expect_navigation():
        row.locator("a").click()
    assert page.locator("h1").inner_text() == "Robotics"
    assert page.locator("ul.pf-rows li").count() == min(count, 50) and count > 0
    with page.expect_navigation():
        page.locator("ul.pf-rows li a").first.click()
    assert "/papers/" in page.url and page.locator(".pf-card__tags a", has_text="Robotics").count() == 1


def test_paper_page_renders_math(page, site: str) -> None:
    page.goto(site + PAGES["paper"])
    math = page.locator("h1 math")
    assert math.count() == 1 and math.locator("mi").text_content() == "τ"
    box = math.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    # Chromium lays MathML out natively: the <math> box is a math formatting context
    assert page.evaluate("getComputedStyle(document.querySelector('h1 math')).display").endswith("math")
    assert page.locator("h1").inner_text().replace("\n", "").endswith("-bench: A Benchmark for Tool-Agent-User "
                                                                        "Interaction in Real-World Domains")
    assert page.locator(".md-typeset pre code", has_text="@misc{").count() == 1


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_viewport_never_scrolls_sideways(browser, site: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=3)
    page = context.new_page()
    page.goto(site + PAGES[name])
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    context.close()
    assert widths[0] <= widths[1], f"{name}: content is {widths[0]} px wide in a {widths[1]} px viewport"


@pytest.mark.parametrize("name", ["home", "day", "paper", "tag", "tags", "archive", "feeds", "annotated"])
def test_no_serious_accessibility_violations(page, site: str, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site + PAGES[name])
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["html"][:120])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], bad
