"""Generated Markdown pages against golden files, from a small hand-written archive.

Regenerate the golden files after an intended change with
``PAPERFEED_UPDATE_GOLDEN=1 python -m pytest tests/test_pages.py`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from paperfeed.archive.notes import Note
from paperfeed.model import Links, Paper
from paperfeed.pages.context import Context, Options
from paperfeed.pages.plan import every_page
from paperfeed.tagging import Taxonomy

from .conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) {{ config }} | a | b | # Heading *bold* ---"


def archive() -> list[Paper]:
    day1, day2 = dt.date(2024, 1, 2), dt.date(2024, 1, 3)
    return [
        Paper(id="2401.00001", title="An agent that proves an $O(n^2)$ theorem", authors=["Ada Lovelace", "Alan Turing",
              "Grace Hopper", "Edsger Dijkstra"], abstract="We prove $$\\sum_i x_i$$ and cost $O(n^2)$ for $5.",
              published=dt.date(2024, 1, 1), featured=[day1, day2], upvotes=12, comments=2,
              ai_summary="A tool use agent.", organization="Example Lab",
              links=Links(arxiv="https://arxiv.org/abs/2401.00001", pdf="https://arxiv.org/pdf/2401.00001",
                          github="https://github.com/example/agent", github_stars=1234,
                          project="https://example.org/agent"),
              sources=["hf-daily"]),
        Paper(id="2401.00002", title=HOSTILE, authors=["<img src=x onerror=alert(1)>", "Bob ]]> Smith"],
              abstract="Text with `code`, a | pipe |, {% raw %} and an $unbalanced dollar and a math word problem.",
              published=dt.date(2024, 1, 2), featured=[day2], upvotes=3, sources=["hf-daily"],
              extra={"tags": ["agents"]}),
        Paper(id="a-paper-known-only-by-its-title", title="A paper known only by its title",
              featured=[day1], sources=["scrape"]),
    ]


def notes() -> dict[str, list[Note]]:
    where = Path("notes")
    return {
        "2401.00001": [Note("2401.00001", "ada", dt.date(2024, 1, 5), "The proof is **short**:\n\n```\nstep 1\n\n"
                            "step 2\n```", where / "2024-01-05-ada.md")],
        "2401.00002": [Note("2401.00002", "mallory", dt.date(2024, 1, 6), "Hi <script>alert(1)</script> "
                            "[x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://example.org)",
                            where / "2024-01-06-mallory.md")]}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    taxonomy = Taxonomy.load(FIXTURES / "taxonomy.yml")
    options = Options(site_name="Paper <feed>", home_days=1, repo_url="https://github.com/o/r", branch="main")
    return every_page(Context(archive(), taxonomy, options, notes()))


def test_the_page_set(pages: dict[str, str]) -> None:
    assert sorted(pages) == [
        "annotated/index.md", "archive/2024.md", "archive/index.md", "days/2024-01-02.md", "days/2024-01-03.md",
        "index.md", "papers/2401/2401.00001.md", "papers/2401/2401.00002.md", "papers/no-id/a-paper-known-only-by-its-title.md",
        "search/index.md", "tags/agents/2024-01.md", "tags/agents/index.md", "tags/index.md", "tags/math/2024-01.md",
        "tags/math/index.md", "trending/index.md", "trending/month.md", "trending/months/2024-01.md",
        "trending/weeks/2024-W01.md"]


@pytest.mark.parametrize("page", ["index.md", "days/2024-01-03.md", "papers/2401/2401.00001.md",
                                  "papers/2401/2401.00002.md", "tags/index.md", "tags/agents/index.md",
                                  "archive/index.md", "archive/2024.md", "annotated/index.md", "trending/index.md",
                                  "search/index.md"])
def test_page_matches_golden(pages: dict[str, str], page: str) -> None:
    golden = GOLDEN / page
    if os.environ.get("PAPERFEED_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(pages[page], encoding="utf-8")
    assert pages[page] == golden.read_text(encoding="utf-8")


def test_the_excluded_phrase_vetoes_a_tag(pages: dict[str, str]) -> None:
    assert "2401.00002" not in pages["tags/math/index.md"] and "2401.00001" in pages["tags/math/index.md"]


@pytest.mark.parametrize("text", ["plain", "a\u2028b\x85c", "é 😀 τ", 'q"\\z', "c\x7fd\x00\x1b", "\ufeffbom"])
def test_front_matter_scalars_read_back_exactly(text: str) -> None:
    import yaml

    from paperfeed.pages.render import front_matter
    meta = yaml.safe_load(front_matter(text, description=text).split("---\n")[1])
    assert meta["title"] == meta["description"] == str(__import__("markupsafe").escape(text))


def test_notes_show_sanitized_under_the_abstract_and_are_counted(pages: dict[str, str]) -> None:
    page = pages["papers/2401/2401.00002.md"]
    assert page.index('id="abstract"') < page.index('id="notes"') < page.index('id="cite"')
    section = page[page.index('id="notes"'):page.index('id="cite"')]
    assert "<script" not in section and "javascript:" not in section and "<img" not in section
    assert "onerror" not in section and "alert" not in section
    assert '<a href="https://example.org" rel="nofollow noopener ugc">ok</a>' in page
    assert '<a href="https://github.com/o/r/new/main/notes/2401/2401.00002">Add a note</a>' in page
    assert '💬 1 note</a>' in pages["index.md"] and '💬 1 note</a>' in pages["tags/agents/index.md"]
    recent = pages["annotated/index.md"]
    assert recent.index("@mallory") < recent.index("@ada")  # newest first


def test_a_paper_with_hundreds_of_authors_keeps_a_bounded_page() -> None:
    many = [f"Author Number{i}" for i in range(664)]  # the most in the real corpus
    paper = Paper(id="2401.00009", title="A big collaboration", authors=many, featured=[dt.date(2024, 1, 2)],
                  links=Links(arxiv="https://arxiv.org/abs/2401.00009"), sources=["hf-daily"])
    pages = every_page(Context([paper], Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="t")))
    page = pages["papers/2401/2401.00009.md"]
    assert "Author Number99," not in page and "Author Number99 " in page and "Author Number100" not in page
    assert '<a href="https://arxiv.org/abs/2401.00009">and 564 more</a>' in page
    assert "Author Number99 and others}" in page  # BibTeX's et al.
    assert len(page.encode()) < 16_000  # each of the 100 names links to its papers
