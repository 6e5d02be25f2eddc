"""Real headless Chromium (Debian's, driven by Playwright) against the built site on 127.0.0.1.

The site is the bundled archive plus a small hand-written day of the Hugging Face API
(tests/fixtures/math_2024-06-21.json: titles and abstracts with math and LaTeX), built with
``paperfeed build`` and served under a sub-path like a GitHub Pages project site. Nothing
here needs ../shared: a fresh clone runs every test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from paperfeed.cli import cli
from paperfeed.pages.annotations import note_query

from .conftest import FIXTURES, project
from .searchindex import Index, inflated
from .siteserver import serve

# Debian's chromium here; the pull-request workflow points this at the runner's Chrome.
CHROMIUM = Path(os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium"))
MATH_DAY = FIXTURES / "math_2024-06-21.json"
# Flags for a sandboxed CI container; nothing may reach out to the internet.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = {"home": "", "day": "days/2025-03-14/", "paper": "papers/2406/2406.12045/",
         "tag": "tags/robotics/", "tag month": "tags/robotics/2025-03/", "archive": "archive/",
         "tags": "tags/", "feeds": "feeds/", "annotated": "annotated/", "trending": "trending/",
         "trending week": "trending/weeks/2024-W25/", "search": "search/"}

# A paper whose every field tries to become markup or script (featured on a day of its own).
HOSTILE_TITLE = "<img src=x onerror=alert(1)> </script><script>alert(2)</script> {{ config }} zebracrossing"
HOSTILE_PAPER = f"""---
id: '2401.00666'
title: '{HOSTILE_TITLE}'
authors:
- '<b onmouseover=alert(3)>Mallory</b>'
abstract: '<iframe src=javascript:alert(4)></iframe> zebracrossing for robots'
published: 2024-01-02
featured:
- 2024-01-02
sources:
- hf-daily
---
"""

# Papers for trending and for author links, beside the math day (2024-06-21, ISO week 25): votes
# that tie (broken by comments, then id), a paper with no count, and authors whose names start
# alike. Each is (id, title, authors, day, upvotes, comments).
TRENDING_PAPERS = [
    ("2406.99001", "A paper that nobody voted for", ["Ada Lovelace"], "2024-06-20", None, None),
    ("2406.99002", "Nine votes and no comment", ["Ada Lovelace-Byron"], "2024-06-19", 9, 0),
    ("2406.99003", "Nine votes and a comment", ["Ada King Lovelace", "Charles Babbage", 'Augusta "Ada" Byron'],
     "2024-06-17", 9, 1),
]
#: the expected ranking of week 2024-W25 (the math day's upvotes: 70, 9 with 1 comment, 5, 4, 3)
WEEK_25 = ["2406.14347", "2406.12045", "2406.99003", "2406.99002", "2406.90001", "2406.90002", "2406.90003",
           "2406.99001"]


def trending_paper(paper_id: str, title: str, authors: list[str], day: str, upvotes: int | None,
                   comments: int | None) -> str:
    lines = ["---", f"id: '{paper_id}'", f"title: {title}", "authors:", *(f"- {a}" for a in authors),
             "abstract: A fixture paper about robot manipulation with large language models.", "published: 2024-06-14",
             "featured:", f"- {day}"]
    lines += [f"upvotes: {upvotes}"] if upvotes is not None else []
    lines += [f"comments: {comments}"] if comments is not None else []
    lines += ["organization: Analytical Engines Ltd", "submitted_by: ada-l", "sources:", "- hf-daily", "---", ""]
    return "\n".join(lines)


playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                                "(.ci/run installs it: apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    where = project(tmp_path_factory.mktemp("browser"))
    (where / "papers" / "2401").mkdir(exist_ok=True)
    (where / "papers" / "2401" / "2401.00666.md").write_text(HOSTILE_PAPER, encoding="utf-8")
    (where / "papers" / "2406").mkdir(exist_ok=True)
    for paper in TRENDING_PAPERS:
        (where / "papers" / "2406" / f"{paper[0]}.md").write_text(trending_paper(*paper), encoding="utf-8")
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
    page.on("dialog", lambda dialog: (errors.append(f"a script ran: {dialog.message}"), dialog.dismiss()))
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
    ("Agents", "Tool Learning with Foundation Models"),  # its tag, which no word of it names
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
    # lean pages have no drawer: the logo leads home on a phone
    logo_shown = page.locator("header .md-logo").is_visible()
    context.close()
    assert widths[0] <= widths[1], f"{name}: content is {widths[0]} px wide in a {widths[1]} px viewport"
    assert logo_shown or name not in ("paper", "day", "tag month"), f"{name}: no way home on a phone"


SECTIONS = ["Today", "Trending", "Archive", "Tags", "Feeds", "About"]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", [*PAGES, "about"])
def test_every_page_reaches_every_section_from_its_header(browser, site: str, name: str, width: int) -> None:
    """The site's sections are tabs under the header, on desktop and on a phone."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(site + PAGES.get(name, "about/"))
    tabs = page.locator(".md-tabs a")
    names = [t.strip() for t in tabs.all_inner_texts() if t.strip()]
    visible = all(tabs.nth(i).is_visible() for i in range(tabs.count()))
    context.close()
    assert [n for n in names if n in SECTIONS] == SECTIONS, (name, names)
    assert visible, name


TAB_LOOK = """() => [...document.querySelectorAll(".md-tabs a, .md-header__title .md-ellipsis")].map(a => {
  const s = getComputedStyle(a), box = a.getBoundingClientRect();
  return [a.textContent.trim(), Math.round(box.x), Math.round(box.y), Math.round(box.height), s.fontSize, s.color,
          s.opacity, getComputedStyle(a.parentElement).height, a.closest(".md-tabs") ? "" : s.fontWeight];
})"""


def test_lean_title_and_tabs_look_like_materials(page, site: str) -> None:
    """A lean page's site title and tabs are bare items (overrides/lean.html) styled as Material
    styles its own: same places, sizes and colours as on a page Material renders."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + "about/")
    material = {t[0]: t[1:] for t in page.evaluate(TAB_LOOK)}
    page.goto(site + PAGES["paper"])
    lean = {t[0]: t[1:] for t in page.evaluate(TAB_LOOK)}
    shown = [*SECTIONS, "paperfeed"]
    assert set(shown) <= set(lean) and {name: lean[name] for name in shown} == {n: material[n] for n in shown}


def test_keyboard_focus_shows_on_a_lean_pages_header(page, site: str) -> None:
    """Material draws a header button's focus ring only when its script marked the focus;
    lean pages do without that script, and the ring must show all the same."""
    page.goto(site + PAGES["paper"])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className,"
                            " getComputedStyle(document.activeElement).outlineStyle]")
    assert "md-logo" in focused[0] and focused[1] != "none", focused


def open_search(page, query: str) -> None:
    page.locator("label[for=__search]:visible, input.md-search__input:visible").first.click()
    page.locator("input.md-search__input").press_sequentially(query)
    page.wait_for_function("q => document.querySelector('[data-pf-search]').dataset.pfShown === q", arg=query)


@pytest.mark.parametrize("name", [*PAGES, "about"])
def test_search_on_a_phone_fits_the_screen(browser, site: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site + PAGES.get(name, "about/"))
    open_search(page, "model")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.evaluate("window.scrollTo(1000, 0)")
    scrolled = page.evaluate("window.scrollX")
    boxes = [page.locator(f"select[name={n}]").bounding_box() for n in ("tag", "year")]
    titles = page.locator(".md-search-result__article h1")
    first = titles.first.bounding_box()
    context.close()
    assert widths[0] <= widths[1] and scrolled == 0, f"{name}: {widths[0]} px wide with search open"
    assert all(b and b["x"] >= 0 and b["x"] + b["width"] <= 390 and b["y"] < 844 for b in boxes), boxes
    assert first and first["x"] >= 0 and first["x"] + first["width"] <= 390


def test_show_more_shows_every_result_once(page, site: str) -> None:
    page.goto(site)
    open_search(page, "model ")
    total = int(page.locator(".pf-search__count").inner_text().split()[0])
    assert total > 20  # three pages of results at least
    more = page.locator(".pf-search__more")
    while more.count():
        more.click()
        page.wait_for_timeout(50)
    titles = page.locator(".md-search-result__article h1").all_inner_texts()
    assert len(titles) == total and len(set(page.locator(".md-search-result__link[href]").evaluate_all(
        "links => links.map(a => a.href)"))) == total


def test_a_query_of_one_letter_words_finds_its_title(page, site: str) -> None:
    page.goto(site)
    open_search(page, "μ_0")
    assert page.locator(".md-search-result__article h1").all_inner_texts()[:1] == [
        "μ_0: A Scalable 3D Foundation Model"]


@pytest.mark.parametrize("name", ["home", "day", "paper", "tag", "tag month", "tags", "archive", "feeds",
                                  "annotated", "trending", "trending week", "search"])
def test_no_serious_accessibility_violations(page, site: str, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site + PAGES[name])
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["html"][:120])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


# -- search -----------------------------------------------------------------------------------


def search_for(page, query: str) -> list[str]:
    """Type ``query`` into the header's search box, key by key; the titles of the results shown."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)
    page.wait_for_function("q => document.querySelector('[data-pf-search]').dataset.pfShown === q", arg=query)
    return page.locator(".md-search-result__article h1").all_inner_texts()


@pytest.fixture(scope="module")
def index(site: str) -> Index:
    from urllib.request import urlopen

    manifest = urlopen(site + "search/index.bin").read()
    import json
    data = json.loads(inflated(manifest))
    files = {"search/index.bin": manifest}
    names = [f"search/t/{n}.bin" for _, n in data["shards"]]
    names += [f"search/d/{i}.bin" for i in range((data["docs"] + data["bundle"] - 1) // data["bundle"])]
    names += [f"search/f/tag-{t[0]}.bin" for t in data["tags"]] + [f"search/f/year-{y[0]}.bin" for y in data["years"]]
    for name in names:
        files[name] = urlopen(site + name).read()
    return Index(files)


def test_search_words_match_the_index_words(page, site: str) -> None:
    """search.js reads a query with the rules tokens.py indexes by: the same words for any text."""
    import unicodedata

    from paperfeed.search.tokens import STOPWORDS, words

    texts = ["Diffusion Models for Video", "École naïve Ångström", "GPT-4o and LLaMA-3", "snake_case x1",
             "policies classes analyses bus glass", "$\\tau$-bench", "ＦＵＬＬ　ｗｉｄｔｈ", "İstanbul ǅemal ﬁne",
             "𝒳ies 𝒳𝒳es ab", "Ⅻ ² ½ ٣٤ 〇〇"]
    # and every character of the first three planes that Python's Unicode database knows (the
    # browser's is newer: a character assigned since then may split differently), between two letters
    known = [chr(c) for c in range(0x20, 0x30000) if not 0xD800 <= c < 0xE000 and unicodedata.category(chr(c)) != "Cn"]
    texts += [" ".join(f"a{c}b" for c in known[i:i + 5000]) for i in range(0, len(known), 5000)]
    page.goto(site)
    found = page.evaluate("([texts, stop]) => texts.map((t) => window.paperfeedSearch.words(t, new Set(stop)))",
                          [texts, sorted(STOPWORDS)])
    assert found == [words(t) for t in texts]


def test_titles_rank_above_abstract_matches(page, site: str, index: Index) -> None:
    # a word some papers have in their title and more papers only in their abstract
    def split(word: str) -> tuple[set[str], set[str]]:
        postings = index.words[word]
        return ({index.docs[n]["t"] for n, i in postings if i & 0x80},
                {index.docs[n]["t"] for n, i in postings if not i & 0x80})
    word = next(w for w in sorted(index.words) if w.isalpha() and len(w) > 4
                and 2 <= len(split(w)[0]) <= 4 and len(split(w)[1]) >= 3)
    in_title, in_abstract = split(word)
    page.goto(site + "about/")
    titles = search_for(page, word + " ")  # a finished word: no prefix matches
    assert set(titles[:len(in_title)]) == in_title, (word, titles)
    assert set(titles[len(in_title):]) <= in_abstract


def test_search_filters_by_tag_and_year(page, site: str, index: Index) -> None:
    page.goto(site + "about/")
    search_for(page, "robot ")
    count = page.locator(".pf-search__count")
    robot = {n for n, _ in index.words["robot"]}
    expect(count).to_have_text(f"{len(robot)} papers match")
    page.select_option("select[name=tag]", "robotics")
    tagged = robot & set(index.filter("tag-robotics"))
    expect(count).to_have_text(f"{len(tagged)} papers match")
    chips = page.locator(".md-search-result__article")
    for i in range(chips.count()):
        assert "Robotics" in chips.nth(i).locator(".md-tag").all_inner_texts()
    year = next(y for y, _ in index.manifest["years"] if 0 < len(tagged & set(index.filter(f"year-{y}"))) < len(tagged))
    page.select_option("select[name=year]", str(year))
    both = tagged & set(index.filter(f"year-{year}"))
    expect(count).to_have_text(f"{len(both)} {'paper matches' if len(both) == 1 else 'papers match'}")
    assert set(page.locator(".md-search-result__article h1").all_inner_texts()) == {index.docs[n]["t"] for n in both}


def test_search_results_show_scraped_text_as_text(page, site: str) -> None:
    page.goto(site + "about/")
    titles = search_for(page, "zebracrossing")
    assert titles == [HOSTILE_TITLE]
    results = page.locator(".md-search-result__list")
    assert results.locator("img, script, iframe, b").count() == 0  # none of it became markup
    assert "<b onmouseover=alert(3)>Mallory</b>" in results.inner_text()
    page.wait_for_timeout(200)  # no script from the data runs (the page fixture fails on any dialog)


def test_search_by_keyboard_and_by_link(page, site: str) -> None:
    page.goto(site + "papers/2406/2406.12045/")  # a lean page
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    assert page.evaluate("document.getElementById('__search').checked")
    box.press_sequentially("MyoDex")
    page.wait_for_function("document.querySelector('[data-pf-search]').dataset.pfShown === 'MyoDex'")
    page.keyboard.press("ArrowDown")
    first = page.locator(".md-search-result__link").first
    expect(first).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").first.inner_text().startswith("MyoDex")
    page.keyboard.press("/")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    # a search can be linked to: ?q= opens it
    page.goto(site + "?q=Vikash%20Kumar")
    page.wait_for_function("document.querySelector('[data-pf-search]').dataset.pfShown === 'Vikash Kumar'")
    assert "MyoDex: A Generalizable Prior for Dexterous Manipulation" in \
        page.locator(".md-search-result__article h1").all_inner_texts()


def test_a_query_fetches_only_a_little_of_the_index(page, site: str, index: Index) -> None:
    fetched: list[tuple[str, int]] = []
    page.on("response", lambda r: fetched.append((r.url, len(r.body()))) if "/search/" in r.url else None)
    page.goto(site + "about/")
    search_for(page, "manipulation ")
    shards = [u for u, _ in fetched if "/search/t/" in u]
    assert len(shards) == 1 and len(index.manifest["shards"]) > 1
    assert len([u for u, _ in fetched if "/search/d/" in u]) <= 10
    assert sum(size for _, size in fetched) <= 300_000


def test_the_colour_choice_follows_the_reader_across_lean_and_full_pages(page, site: str) -> None:
    page.goto(site + "papers/2406/2406.12045/")  # lean: palette.js builds the toggle
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    page.locator("label[title='Dark mode']").click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    page.goto(site + "about/")  # a full Material page reads the same stored choice
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    page.locator("label[title='Light mode']").click()
    page.goto(site + "days/2025-03-14/")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"


def test_open_search_results_have_no_serious_accessibility_violations(page, site: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site + "papers/2406/2406.12045/")
    search_for(page, "robot")
    # Material fades the results in: measure contrast once the transition is over
    page.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')")
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], v["nodes"][0]["html"][:120])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


# -- discovery: trending, related papers, authors, filters ------------------------------------


def card_ids(page) -> list[str]:
    """The arXiv ids of the cards shown, in order."""
    return page.locator("article.pf-card:visible .pf-card__title a").evaluate_all(
        "links => links.map(a => a.href.split('/').filter(Boolean).pop())")


def test_trending_ranks_a_week_and_a_month_by_upvotes(page, site: str) -> None:
    page.goto(site + "trending/weeks/2024-W25/")
    assert card_ids(page) == WEEK_25  # ties: more comments first, then the id; no count: last
    assert page.locator("h1").inner_text() == "Trending: the week of June 17, 2024"
    page.goto(site + "trending/months/2024-06/")
    assert card_ids(page) == WEEK_25
    # this week and this month are the archive's latest: the bundled day, none of it voted on, by id
    page.goto(site)
    page.get_by_role("link", name="this week").click()
    assert page.url == site + "trending/" and page.locator("h1").inner_text() == "Trending this week"
    ids = card_ids(page)
    assert len(ids) == 50 and ids == sorted(ids)
    assert page.locator(".md-tabs [aria-current=page]").inner_text().strip() == "Trending"
    # the week pages link to each other, and the RSS of this week is discovered
    page.goto(site + "trending/weeks/2024-W25/")
    assert page.get_by_role("link", name="2025-W11 →").count() == 1
    page.goto(site + "trending/")
    feeds = page.locator('head link[rel=alternate][href*="trending-week"]').evaluate_all("ls => ls.map(l => l.href)")
    assert sorted(feeds) == [site + "feeds/trending-week.atom.xml", site + "feeds/trending-week.rss.xml"]


def test_related_papers_link_to_papers_of_the_archive(page, site: str) -> None:
    seen = 0
    for paper in ("2302.04659", "2401.08553", "2210.12564"):  # manipulation benchmarks, pose estimation
        page.goto(site + f"papers/{paper[:4]}/{paper}/")
        links = page.locator("#related + ul a").evaluate_all("links => links.map(a => a.href)")
        assert 1 <= len(links) <= 8 and f"/{paper}/" not in " ".join(links)
        for href in links:
            assert page.request.get(href).status == 200
        seen += len(links)
    assert seen >= 6


def test_an_author_link_finds_exactly_that_authors_papers(page, site: str) -> None:
    page.goto(site + "papers/2406/2406.99001/")
    assert page.locator(".pf-paper__facts").inner_text().endswith("Analytical Engines Ltd · submitted by ada-l")
    with page.expect_navigation():
        page.get_by_role("link", name="Ada Lovelace", exact=True).click()
    page.wait_for_function("() => document.querySelector('[data-pf-search]')?.dataset.pfShown")
    assert page.url.startswith(site + "papers/2406/2406.99001/?q=author")  # the same page, its search open
    assert page.locator("input.md-search__input").input_value() == 'author:"Ada Lovelace"'
    found = page.locator(".md-search-result__link[href]").evaluate_all("ls => ls.map(a => a.href.split('/').filter(Boolean).pop())")
    # her two papers, and not Ada Lovelace-Byron's or Ada King Lovelace's
    assert sorted(found) == ["2406.90001", "2406.99001"]
    # the box takes the syntax too, with words to narrow an author's papers, in any case and accent
    page.goto(site)
    assert search_for(page, 'AUTHOR:"charles babbage"') == ["Nine votes and a comment"]
    page.locator("input.md-search__input").fill("")
    assert search_for(page, 'author:"Ada Lovelace" nobody') == ["A paper that nobody voted for"]


def test_a_paper_page_reads_without_javascript_and_its_script_completes_the_links(browser, site: str) -> None:
    """Authors are names in the HTML and "Add a note" opens the notes folder; the script makes
    each name a search link and fills in the note's name and template (pages/annotations.py)."""
    url = site + "papers/2406/2406.99001/"
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(url)
    names = plain.locator(".pf-paper__authors > span").all_inner_texts()
    folder = plain.locator(".pf-add-note a").get_attribute("href")
    assert "Ada Lovelace" in names and plain.locator(".pf-paper__authors > a").count() == 0
    assert folder.startswith("https://github.com/") and folder.endswith("/new/main/notes/2406/2406.99001")
    context.close()
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    links = page.locator(".pf-paper__authors > a").evaluate_all("ls => ls.map(a => [a.textContent, a.search])")
    assert [(name, parse_qs(search[1:])) for name, search in links] == [(n, {"q": [f'author:"{n}"']}) for n in names]
    note = urlsplit(page.locator(".pf-add-note a").get_attribute("href"))
    assert note._replace(query="").geturl() == folder
    assert parse_qs(note.query) == {key: [value] for key, value in note_query().items()}
    # a name that tries to be markup stays text, in the link and in the search it opens
    page.goto(site + "papers/2401/2401.00666/")
    link = page.locator(".pf-paper__authors > a")
    assert link.inner_text() == "<b onmouseover=alert(3)>Mallory</b>" and page.locator(".pf-paper__authors b").count() == 0
    with page.expect_navigation():
        link.click()
    page.wait_for_function("() => document.querySelector('[data-pf-search]')?.dataset.pfShown")
    assert page.locator("input.md-search__input").input_value() == 'author:"<b onmouseover=alert(3)>Mallory</b>"'
    page.wait_for_timeout(200)
    # a name with quotes: the link escapes them, and the search finds exactly that name
    page.goto(site + "papers/2406/2406.99003/")
    with page.expect_navigation():
        page.get_by_role("link", name='Augusta "Ada" Byron', exact=True).click()
    page.wait_for_function("() => document.querySelector('[data-pf-search]')?.dataset.pfShown")
    assert page.locator("input.md-search__input").input_value() == 'author:"Augusta \\"Ada\\" Byron"'
    found = page.locator(".md-search-result__link[href]").evaluate_all(
        "ls => ls.map(a => a.href.split('/').filter(Boolean).pop())")
    assert found == ["2406.99003"]
    page.close()
    assert not dialogs  # no script from the data ran


def test_chips_filter_and_sort_a_day_without_a_page_load(browser, site: str) -> None:
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        page.goto(site + "days/2025-03-14/")
        built = card_ids(page)
        chip = page.locator("button.pf-chip", has_text="Robotics")
        expected = page.locator("article.pf-card", has=page.locator(".pf-tag", has_text="Robotics")).count()
        assert 0 < expected < len(built)
        page.evaluate("window.pfLoaded = true")
        chip.click()
        assert chip.get_attribute("aria-pressed") == "true"
        shown = card_ids(page)
        assert len(shown) == expected and [i for i in built if i in shown] == shown  # still most upvoted first
        assert page.locator(".pf-filter__count").inner_text() == f"{expected} of {len(built)} papers: Robotics"
        assert "tag=robotics" in page.url
        page.locator(".pf-filter__sort select").select_option("appearance")
        assert card_ids(page) == sorted(shown)  # one day: arXiv's order
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{width}: {widths}"
        assert page.evaluate("window.pfLoaded") is True  # no page load happened
        page.locator("button.pf-chip", has_text="All").click()
        page.locator(".pf-filter__sort select").select_option("upvotes")
        assert card_ids(page) == built and "tag=" not in page.url
        # the address keeps the choice
        page.goto(site + "days/2025-03-14/?tag=robotics&sort=appearance")
        assert card_ids(page) == sorted(shown)
        context.close()


def test_without_javascript_a_day_reads_as_built(browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "trending/weeks/2024-W25/")
    assert page.locator("article.pf-card").count() == len(WEEK_25) and page.locator(".pf-filter").count() == 0
    assert card_ids(page) == WEEK_25
    context.close()
