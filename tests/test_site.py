"""Real MkDocs + Material builds of the bundled archive and of hostile input."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import ROOT, tree

HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1)) {{ config }} | a | b | *bold* ---"


def project(tmp: Path, papers: Path | None = None) -> Path:
    target = tmp / "site-project"
    shutil.copytree(ROOT / "docs", target / "docs", ignore=shutil.ignore_patterns(*__import__(
        "paperfeed.pages.generate", fromlist=["GENERATED"]).GENERATED))
    shutil.copytree(papers or ROOT / "papers", target / "papers")
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, target / name)
    return target


def build(run, where: Path, expect: int = 0):
    return run("--config", str(where / "mkdocs.yml"), "build", "--strict", "--site-dir", str(where / "site"),
               expect=expect)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from paperfeed.cli import cli
    where = project(tmp_path_factory.mktemp("bundled"))
    result = CliRunner().invoke(cli, ["--config", str(where / "mkdocs.yml"), "build", "--strict",
                                      "--site-dir", str(where / "site")])
    assert result.exit_code == 0, result.output
    return where / "site"


def test_every_page_kind_is_built(bundled: Path) -> None:
    home = (bundled / "index.html").read_text(encoding="utf-8")
    assert home.count('class="pf-card"') == 51
    assert "Subscribe" in home
    assert (bundled / "days" / "2025-03-14" / "index.html").exists()
    assert (bundled / "papers" / "2308" / "2308.07686" / "index.html").exists()
    assert (bundled / "tags" / "index.html").exists() and (bundled / "archive" / "index.html").exists()
    assert (bundled / "tags" / "continual-learning" / "2025-03" / "index.html").exists()
    paper = (bundled / "papers" / "2308" / "2308.07686" / "index.html").read_text(encoding="utf-8")
    assert "Hong Li, Xingyu Li, Pengbo Hu" in paper and "@misc{li2023boosting" in re.sub("<[^>]+>", "", paper)


def test_no_external_assets_and_every_internal_link_resolves(bundled: Path) -> None:
    for page in bundled.rglob("*.html"):
        if page.name == "404.html":  # served from any depth, so MkDocs links it from site_url
            continue
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "http://site/" + page.parent.relative_to(bundled).as_posix() + "/"
        for href in parser.hrefs:
            url = urlsplit(urljoin(base, href))
            if url.netloc != "site":
                assert not href.startswith("//") and "fonts.googleapis" not in href
                continue
            target = bundled / url.path.lstrip("/")
            assert target.exists() or (target / "index.html").exists(), f"{page}: broken link {href}"


def test_no_page_is_in_the_nav_but_the_short_list(bundled: Path) -> None:
    paper = (bundled / "papers" / "2308" / "2308.07686" / "index.html").read_text(encoding="utf-8")
    assert paper.count('class="md-nav__link"') < 15
    assert "2309.03130" not in paper  # another paper's link is not embedded


def test_search_index_has_titles_authors_and_abstracts(bundled: Path) -> None:
    index = (bundled / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "MyoDex" in index and "Vikash Kumar" in index and "modality competition phenomenon" in index


def test_hostile_text_renders_inert(run, tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    (papers / "2401").mkdir(parents=True)
    (papers / "2401" / "2401.00001.md").write_text(
        "---\nid: '2401.00001'\ntitle: " + repr(HOSTILE_TITLE).replace("\\\\", "\\") + "\n"
        "authors:\n- '<img src=x onerror=alert(1)>'\n"
        "abstract: 'Cost $O(n^2)$ but $5 and $\\text{<script>x</script>}$ and # Heading and `code` and $unbalanced'\n"
        "featured:\n- 2024-01-02\nsources:\n- hf-daily\n---\n", encoding="utf-8")
    where = project(tmp_path, papers)
    build(run, where)
    page = (where / "site" / "papers" / "2401" / "2401.00001" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<script>x" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) {{ config }} | a | b | *bold* ---" in page
    assert "<mi>O</mi>" in page  # balanced math became MathML
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title.startswith("&lt;script&gt;alert(1)")


def test_same_archive_builds_a_byte_identical_site(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    build(run, where)
    first = tree(where / "site")
    shutil.rmtree(where / "site")
    build(run, where)
    assert tree(where / "site") == first


def test_a_broken_paper_stops_the_build_before_writing(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    bad = where / "papers" / "2308" / "2308.07686.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("title:", "title: [", 1), encoding="utf-8")
    result = build(run, where, expect=1)
    assert "2308.07686.md:3: invalid YAML" in result.stderr and "nothing was written" in result.stderr
    assert not (where / "site").exists() and not (where / "docs" / "papers").exists()
