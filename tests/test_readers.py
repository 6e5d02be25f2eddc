"""What readers and their tools find: pages the Nu HTML Checker accepts (math of every form
included), LaTeX shown as typeset text, citations BibTeX parses, a description for every page.

The site is the bundled archive plus tests/fixtures/math_2024-06-21.json: titles and abstracts
with math that starts with a superscript (``A$^2$FM``), ``\\(…\\)`` and ``\\[…\\]`` math, ``\\%``,
``\\textbf{…}`` and a title full of BibTeX's special characters. The real papers whose math
broke pages are checked too when ../shared is there.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from paperfeed.model import Paper
from paperfeed.pages import cite, latex

from .conftest import FIXTURES, HF_DATA, ROOT, project

VNU = ROOT / ".cache" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MATH_DAY = FIXTURES / "math_2024-06-21.json"
#: The papers whose math broke their pages (and their days' and tags' pages), and their days.
BROKEN_MATH = {"2409.10836": "2024-09-18", "2411.17041": "2024-11-29", "2411.19460": "2024-12-02",
               "2502.12084": "2025-02-24", "2503.04725": "2025-03-07", "2506.20911": "2025-06-27",
               "2510.05891": "2025-10-09", "2510.07958": "2025-10-10", "2510.12838": "2025-10-20",
               "2511.08195": "2025-11-17", "2511.11332": "2025-11-18", "2604.14683": "2026-04-17",
               "2604.25325": "2026-05-11", "2605.06924": "2026-05-11"}


def vnu(site: Path) -> list[str]:
    """The Nu HTML Checker's errors over every page of ``site``."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.skip("java or vnu.jar is missing (make test installs vnu-jar with npm; .ci/run installs Java)")
    pages = sorted(str(p) for p in site.rglob("*.html"))
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]


def build(run, where: Path, *days: Path) -> Path:
    config = str(where / "mkdocs.yml")
    for day in days:
        run("--config", config, "import", str(day))
    run("--config", config, "build", "--strict")
    return where / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from paperfeed.cli import cli

    where = project(tmp_path_factory.mktemp("readers"))
    runner = CliRunner()
    for args in (["import", str(MATH_DAY)], ["build", "--strict"]):
        result = runner.invoke(cli, ["--config", str(where / "mkdocs.yml"), *args])
        assert result.exit_code == 0, result.output
    return where / "site"


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def test_every_kind_of_page_is_valid_html(site: Path) -> None:
    kinds = ["index.html", "days/2024-06-21/index.html", "papers/2406/2406.90001/index.html",
             "tags/index.html", "archive/index.html", "feeds/index.html", "about/index.html", "404.html",
             "trending/index.html", "trending/weeks/2024-W25/index.html", "trending/month/index.html", "search/index.html"]
    assert all((site / k).is_file() for k in kinds)
    assert vnu(site) == []


def test_math_with_nothing_before_a_superscript_closes_before_the_page_goes_on(site: Path) -> None:
    """``A$^2$FM`` once left an open <mi> that swallowed the rest of the page into the formula."""
    page = parse(site / "papers" / "2406" / "2406.90001" / "index.html")
    h1 = page.xpath("//h1")[0]
    assert h1.xpath(".//math") and not h1.xpath(".//h2")  # the title holds its math, and only its math
    assert [h.text_content() for h in page.xpath("//h2")][:1] == ["Abstract"]
    assert len(page.xpath("//div[@class='pf-abstract']//math")) == 4
    day = parse(site / "days" / "2024-06-21" / "index.html")
    assert len(day.xpath("//article[@class='pf-card']")) == 5
    assert not day.xpath("//article[@class='pf-card']//article")  # no card inside the one before it


def test_latex_outside_dollars_is_typeset(site: Path) -> None:
    abstract = parse(site / "papers" / "2406" / "2406.90003" / "index.html").xpath("//div[@class='pf-abstract']")[0]
    text = abstract.text_content()
    assert "100% of $60" in text and "AT&T" in text
    assert not re.search(r"\\(textbf|emph|it|texttt|\(|\[|%|\$|&)", text)
    assert len(abstract.xpath(".//math")) == 2 and abstract.xpath(".//math[@display='block']")
    assert [e.text for e in abstract.xpath(".//strong")] == ["bold words"]
    assert [e.text for e in abstract.xpath(".//em")] == ["emphasis", "italic"]
    assert [e.text for e in abstract.xpath(".//code")] == ["code"]


def test_every_generated_page_has_a_description_and_the_404_a_title(site: Path) -> None:
    for page in site.rglob("index.html"):
        head = parse(page)
        description = head.xpath("//head/meta[@name='description']/@content")
        assert description and description[0].strip(), page
    assert parse(site / "404.html").xpath("//title")[0].text.startswith("Page not found")


def decode(value: str) -> str:
    """A BibTeX title as LaTeX prints it: escapes undone, math as its source."""
    out, last = [], 0
    for m in re.finditer(r"\$[^$]+\$", value):
        out.append(_unescape(value[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    return "".join(out + [_unescape(value[last:])])


def _unescape(text: str) -> str:
    for escaped, char in (("\\textbackslash{}", "\\"), ("\\textasciitilde{}", "~"), ("\\textasciicircum{}", "^"),
                          ("\\&", "&"), ("\\%", "%"), ("\\$", "$"), ("\\#", "#"), ("\\_", "_")):
        text = text.replace(escaped, char)
    return text


def check_citation(paper: Paper) -> None:
    """The entry parses with pybtex, nothing LaTeX rejects is left bare, and the title round-trips."""
    from pybtex.database import parse_string

    entry = cite.bibtex(paper)
    parsed = parse_string(entry, "bibtex")
    (fields,) = [e.fields for e in parsed.entries.values()]
    title = fields["title"]
    assert title.startswith("{") and title.endswith("}"), entry
    inner = title[1:-1]
    text = re.sub(r"\$[^$]+\$", "", inner)
    assert not re.search(r"(?<!\\)[&%#_$]", text) and text.count("{") == text.count("}"), entry
    kept = latex.plain(paper.title)
    expected = "".join(part if part.startswith("$") else part.replace("{", "").replace("}", "")
                       for part in re.split(r"(\$[^$]+\$)", kept))
    assert decode(inner) == expected or "$" in kept, (decode(inner), expected)


@pytest.mark.parametrize(("title", "year"), [
    ("Mapping CVEs to MITRE ATT&CK on $60 GPUs with 100% Accuracy: N_0-VTLA #1 {braces} \\cite", "2024"),
    ("A$^2$FM: An Adaptive Agent Foundation Model", "2024"), ("SL$^{2}$A-INR", "2024"),
    ("Tilde~and caret^ and back\\slash", "2024"),
])
def test_citations_parse_and_keep_their_titles(title: str, year: str) -> None:
    paper = Paper(id="2406.90003", title=title, authors=["Alan Turing", "Tom and Jerry"])
    check_citation(paper)
    assert f"year = {{{year}}}" in cite.bibtex(paper)  # from the arXiv id, with no published date
    assert "{Tom and Jerry}" in cite.bibtex(paper)


def test_a_citation_s_year_comes_from_the_arxiv_id_not_the_featured_day() -> None:
    import datetime as dt

    old = Paper(id="1909.12828", title="An old paper", featured=[dt.date(2025, 3, 14)])
    assert cite.year(old) == "2019" and cite.year(Paper(id="astro-ph/9904306", title="t")) == "1999"


@pytest.mark.shared
def test_every_real_paper_s_citation_parses(run, tmp_path: Path, shared_data: Path) -> None:
    from paperfeed.archive.store import paper_files, read_entry

    run("import", str(HF_DATA), "--papers", "papers")
    papers = [read_entry(p).paper for p in paper_files(tmp_path / "papers")]
    assert len(papers) > 8000
    for paper in papers:
        check_citation(paper)


@pytest.mark.shared
def test_the_real_papers_whose_math_broke_pages_are_valid_html(run, tmp_path: Path, shared_data: Path) -> None:
    days = sorted({HF_DATA / f"{day}.json" for day in BROKEN_MATH.values()})
    site = build(run, project(tmp_path), *days)
    for paper in BROKEN_MATH:
        page = parse(site / "papers" / paper[:4] / paper / "index.html")
        assert not page.xpath("//h1//h2") and not page.xpath("//math//h2"), paper  # the math closed
        assert "Abstract" in [h.text_content() for h in page.xpath("//h2")], paper
    assert vnu(site) == []
