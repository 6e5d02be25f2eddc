"""Real MkDocs + Material builds of the bundled archive and of hostile input."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from .conftest import FIXTURES, project, tree

HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1)) {{ config }} | a | b | *bold* ---"


def build(run, where: Path, expect: int = 0):
    return run("--config", str(where / "mkdocs.yml"), "build", "--strict", "--site-dir", str(where / "site"),
               expect=expect)


def parse(page: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(page.read_bytes())


def text_of(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


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
    home = parse(bundled / "index.html")
    assert len(home.xpath('//article[@class="pf-card"]')) == 51
    assert "Subscribe" in text_of(home)
    assert "Last updated with the papers of March 14, 2025 · 51 papers from 1 day" in text_of(home)
    assert (bundled / "days" / "2025-03-14" / "index.html").exists()
    assert (bundled / "tags" / "index.html").exists() and (bundled / "archive" / "index.html").exists()
    assert (bundled / "tags" / "continual-learning" / "2025-03" / "index.html").exists()
    paper = parse(bundled / "papers" / "2308" / "2308.07686" / "index.html")
    assert "Hong Li, Xingyu Li, Pengbo Hu" in text_of(paper) and "@misc{li2023boosting" in text_of(paper)


def test_pages_are_compact_and_small(bundled: Path) -> None:
    papers = list((bundled / "papers").rglob("index.html"))
    assert len(papers) == 51
    assert max(p.stat().st_size for p in papers) <= 20_000
    assert (bundled / "index.html").stat().st_size <= 150_000
    home = (bundled / "index.html").read_text(encoding="utf-8")
    assert "\n  " not in home and "\n\t" not in home  # the templates' indentation is gone


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
    paper = parse(bundled / "papers" / "2308" / "2308.07686" / "index.html")
    assert len(paper.xpath('//a[contains(concat(" ", @class, " "), " md-nav__link ")]')) < 15
    assert not paper.xpath('//a[contains(@href, "2309.03130")]')  # another paper's link is not embedded


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
    html = where / "site" / "papers" / "2401" / "2401.00001" / "index.html"
    page = parse(html)
    scripts = page.xpath("//script")
    assert scripts and not [s for s in scripts if "alert" in (s.text or "")
                            or not s.get("src", "../../../assets/").startswith("../../../assets/")]
    assert not page.xpath("//img") and not page.xpath('//*[@onerror]')
    assert not [a for a in page.xpath("//a[@href]") if a.get("href").strip().lower().startswith("javascript")]
    assert text_of(page.xpath("//h1")[0]) == HOSTILE_TITLE
    assert page.xpath("//h1/a") == []  # the [x](...) in the title did not become a link
    assert page.xpath('//div[@class="pf-abstract"]//math//mi[text()="O"]')  # balanced math became MathML
    abstract = text_of(page.xpath('//div[@class="pf-abstract"]')[0])
    assert "but $5 and" in abstract and "# Heading and `code` and $unbalanced" in abstract
    assert text_of(page.xpath('//p[@class="pf-paper__authors"]')[0]) == "<img src=x onerror=alert(1)>"
    assert [t.text.split(" - ")[0] for t in page.xpath("//title")] == [HOSTILE_TITLE]


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
    assert "2308.07686.md:3: title: invalid YAML" in result.stderr and "nothing was written" in result.stderr
    assert not (where / "site").exists() and not (where / "docs" / "papers").exists()


def test_prerendered_pages_match_what_markdown_makes_of_them(run, tmp_path: Path) -> None:
    """``paperfeed build`` skips Markdown for finished-HTML pages: a plain MkDocs build (what
    Zensical or ``mkdocs build`` do) of the same docs must give the very same pages."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    where = project(tmp_path)
    config = where / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("compact: true", "compact: false"), encoding="utf-8")
    run("--config", str(config), "import", str(FIXTURES / "math_2024-06-21.json"))
    (where / "papers" / "2401").mkdir(exist_ok=True)
    (where / "papers" / "2401" / "2401.99999.md").write_text(
        "---\nid: '2401.99999'\ntitle: " + repr(HOSTILE_TITLE).replace("\\\\", "\\") + "\n"
        "authors:\n- '<img src=x onerror=alert(1)>'\nabstract: 'Cost $O(n^2)$ and $$x^2$$ and $unbalanced'\n"
        "featured:\n- 2024-01-02\nsources:\n- hf-daily\n---\n", encoding="utf-8")
    note = where / "notes" / "2308" / "2308.07686" / "2026-11-24-octocat.md"
    note.parent.mkdir(parents=True)
    note.write_text("---\nauthor: octocat\ndate: 2026-11-24\n---\n\nA list:\n\n- one\n- two\n\n```\ncode\n\n"
                    "after a blank line\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    build(run, where)
    mkdocs_build(load_config(str(config), site_dir=str(tmp_path / "plain")))
    ours, plain = tree(where / "site"), tree(tmp_path / "plain")
    pages = [name for name in ours if name.endswith(".html")]
    assert len(pages) > 100 and sorted(pages) == sorted(n for n in plain if n.endswith(".html"))
    assert [name for name in pages if ours[name] != plain[name]] == []
    # compact pages (the default) hold the same text and elements; only indentation went
    config.write_text(config.read_text(encoding="utf-8").replace("compact: false", "compact: true"), encoding="utf-8")
    build(run, where)
    compact = tree(where / "site")
    only_for_material_script = ('//input[@id="__drawer"] | //label[@for="__drawer"] | //*[@data-md-component="skip"]'
                                ' | //*[@data-md-component="announce"] | //*[@data-md-component="dialog"]//self::*'
                                ' | //*[@data-md-component="dialog"]/*')
    for name in pages:
        page, loose = lxml.html.fromstring(compact[name]), lxml.html.fromstring(plain[name])
        lean = 'class="md-header md-header--shadow pf-lean"' in plain[name].decode("utf-8")
        # lean pages are minified: whitespace between blocks (never inside a paragraph) goes
        assert (text_of(page) == text_of(loose) if not lean
                else "".join(text_of(page).split()) == "".join(text_of(loose).split())), name
        # a lean page also loses the markup only Material's script uses (it loads none)
        dropped = len(loose.xpath(only_for_material_script)) if lean else 0
        assert len(page.xpath("//*")) == len(loose.xpath("//*")) - dropped, name
        assert not lean or not page.xpath(only_for_material_script), name
    # and the search index, generated into docs/, is the same file in both sites
    assert ours["search/index.bin"] == plain["search/index.bin"]


def test_a_strict_build_refuses_an_empty_archive(run, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    where = project(tmp_path, empty)
    result = build(run, where, expect=1)
    assert "holds no papers: nothing was built" in result.stderr
    assert not (where / "site").exists()


NEW_PAPER = """---
id: '2503.99999'
title: A Benchmark of Generalizable Manipulation Skills for Functional Robotic Learning
authors:
- Ada Lovelace
abstract: We propose a benchmark of functional manipulation, in which a robot learns generalizable
  manipulation skills and composes them into long-horizon behaviors, from dexterous grasping to assembly.
published: 2025-03-13
featured:
- 2025-03-15
sources:
- hf-daily
---
"""


def test_an_incremental_build_is_the_clean_build(run, tmp_path: Path) -> None:
    """The daily update rebuilds only what changed, and gives the very same site as a clean build."""
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    assert "clean build" in build(run, where).output
    assert "only what changed rebuilt" in build(run, where).output  # nothing changed: nothing written
    papers = where / "papers"
    (papers / "2503").mkdir(exist_ok=True)
    (papers / "2503" / "2503.99999.md").write_text(NEW_PAPER, encoding="utf-8")  # a new day's paper
    edited = papers / "2308" / "2308.07686.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("\nsources:", "\ntags: [hand-picked]\nsources:"),
                      encoding="utf-8")
    (papers / "2309" / "2309.03130.md").unlink()  # a paper leaves the archive
    note = where / "notes" / "2304" / "2304.08354" / "2026-11-26-octocat.md"
    note.parent.mkdir(parents=True)
    note.write_text("---\nauthor: octocat\ndate: 2026-11-26\n---\n\nWorth reading.\n", encoding="utf-8")
    lost = where / "site" / "papers" / "2406" / "2406.09788" / "index.html"  # an unchanged page's HTML, gone
    lost.unlink()

    result = run("--config", config, "build", "--strict", "--timings")
    assert "only what changed rebuilt" in result.output and "(0 written" not in result.output
    assert lost.is_file()  # MkDocs was shown the unchanged pages whose HTML is missing
    # related papers: the new and edited papers' lists, and those they enter or left, not all 51
    computed = int(re.search(r"related papers: (\d+) lists computed", result.output).group(1))
    assert 2 <= computed < 20, result.output
    site = where / "site"
    assert not (site / "papers" / "2309" / "2309.03130").exists()
    assert (site / "days" / "2025-03-15" / "index.html").is_file()
    run("--config", config, "build", "--strict", "--clean", "--site-dir", str(tmp_path / "clean"))
    incremental, clean = tree(site), tree(tmp_path / "clean")
    assert sorted(incremental) == sorted(clean)
    assert [name for name in clean if incremental[name] != clean[name]] == []
    # the new paper entered older papers' related lists, and the one that left is in none
    pages = {name: data for name, data in incremental.items() if name.startswith("papers/")}
    assert "papers/2401/2401.08553/index.html" in [name for name, data in pages.items()  # FMB
                                                   if b"2503.99999/" in data and "2503.99999" not in name]
    assert not [name for name, data in incremental.items() if name.endswith(".html") and b"2309.03130/" in data]


def test_a_copy_in_another_folder_with_fresh_mtimes_rebuilds_only_the_day(run, tmp_path: Path) -> None:
    """The publish workflow's situation: a fresh checkout (every paper file has a new mtime) in
    a workspace whose path may differ from the last build's, with the cache, docs/ and site/
    restored. Only the day's paper is parsed and rebuilt, and the site is the clean build's."""
    first = project(tmp_path / "a")
    build(run, first)
    where = tmp_path / "elsewhere" / "renamed-fork"
    shutil.copytree(first, where, symlinks=True)  # copy2: the restored outputs keep their mtimes
    for paper in (where / "papers").rglob("*.md"):
        paper.write_bytes(paper.read_bytes())  # git checkout: same bytes, new mtime
    (where / "papers" / "2503").mkdir(exist_ok=True)
    (where / "papers" / "2503" / "2503.99999.md").write_text(NEW_PAPER, encoding="utf-8")
    result = run("--config", str(where / "mkdocs.yml"), "build", "--strict", "--timings")
    assert "only what changed rebuilt" in result.output, result.output
    written = int(re.search(r"\((\d+) written", result.output).group(1))
    assert 0 < written < 60, result.output  # the paper, its day, home, tags, feeds, search (of ~200)
    run("--config", str(where / "mkdocs.yml"), "build", "--strict", "--clean", "--site-dir", str(tmp_path / "clean"))
    incremental, clean = tree(where / "site"), tree(tmp_path / "clean")
    assert [name for name in sorted(set(clean) | set(incremental)) if incremental.get(name) != clean.get(name)] == []


def test_a_change_of_settings_rebuilds_everything(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    build(run, where)
    config = where / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name: paperfeed", "site_name: Robot papers"),
                      encoding="utf-8")
    assert "clean build" in build(run, where).output
    paper = parse(where / "site" / "papers" / "2308" / "2308.07686" / "index.html")
    assert "Robot papers" in text_of(paper.xpath("//header")[0])


def test_the_sitemap_is_an_index_of_parts_valid_at_any_size(bundled: Path) -> None:
    """sitemap.xml indexes parts of at most 40,000 URLs (the protocol allows 50,000), each valid
    against the sitemaps.org schemas, with every page once and no build date."""
    import gzip

    from lxml import etree

    from paperfeed.publish.sitemap import files_for

    schemas = {name: etree.XMLSchema(etree.parse(str(FIXTURES / "sitemaps" / f"{name}.xsd")))
               for name in ("sitemap", "siteindex")}
    index = etree.parse(str(bundled / "sitemap.xml"))
    assert schemas["siteindex"].validate(index), schemas["siteindex"].error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = []
    for loc in index.xpath("//s:loc/text()", namespaces=ns):
        part = etree.parse(str(bundled / loc.removeprefix("https://paperfeed.github.io/paperfeed/")))
        assert schemas["sitemap"].validate(part), schemas["sitemap"].error_log
        urls += part.xpath("//s:loc/text()", namespaces=ns)
    pages = {"https://paperfeed.github.io/paperfeed/" + p.parent.relative_to(bundled).as_posix() + "/"
             for p in bundled.rglob("index.html")}
    assert sorted(urls) == sorted(u.replace("/paperfeed/./", "/paperfeed/") for u in pages) and len(set(urls)) == len(urls)
    assert b"<lastmod>" not in (bundled / "sitemaps" / "1.xml").read_bytes()
    raw = (bundled / "sitemap.xml.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0" and gzip.decompress(raw) == (bundled / "sitemap.xml").read_bytes()
    for folder in ("feeds", "feeds/tags"):  # what Material's script asks for beside a feed link: valid too
        assert schemas["sitemap"].validate(etree.parse(str(bundled / folder / "sitemap.xml")))
    assert not (bundled / "robots.txt").exists()  # under a sub-path crawlers never read one
    # 100,001 pages make three parts; a site at a domain root gets a robots.txt naming the index
    many = files_for("https://papers.example.org/", [f"https://papers.example.org/p/{i}/" for i in range(100_001)])
    assert sorted(many) == ["robots.txt", "sitemap.xml", "sitemap.xml.gz", "sitemaps/1.xml", "sitemaps/2.xml",
                            "sitemaps/3.xml"]
    for name in ("sitemaps/1.xml", "sitemaps/3.xml"):
        assert schemas["sitemap"].validate(etree.fromstring(many[name])), name
    assert schemas["siteindex"].validate(etree.fromstring(many["sitemap.xml"]))
    assert b"Sitemap: https://papers.example.org/sitemap.xml" in many["robots.txt"]


def test_lean_pages_draw_icons_from_the_sprite(bundled: Path) -> None:
    sprite = (bundled / "assets" / "paperfeed" / "icons.svg").read_text(encoding="utf-8")
    for name in ("papers/2308/2308.07686/index.html", "days/2025-03-14/index.html",
                 "tags/robotics/2025-03/index.html"):
        page = parse(bundled / name)
        assert not page.xpath("//header//*[local-name()='path']"), name  # no inline icon
        uses = {u.get("href").split("#")[1] for u in page.xpath("//*[local-name()='use']")}
        assert uses >= {"logo", "search"} and all(f'id="{u}"' in sprite for u in uses), name
        assert page.xpath('//nav[@class="md-tabs"]//a[@href]'), name  # the site's sections, as tabs
        assert not page.xpath('//script[@id="__config"]'), name  # no Material script on lean pages
    full = parse(bundled / "about" / "index.html")
    assert full.xpath('//script[@id="__config"]') and full.xpath('//div[@data-pf-search]')


def test_the_archive_has_a_page_per_year(bundled: Path) -> None:
    archive = parse(bundled / "archive" / "index.html")
    assert archive.xpath('//a[@href="2025/"]') and "March — 1 day, 51 papers" in text_of(archive)
    year = parse(bundled / "archive" / "2025" / "index.html")
    assert year.xpath('//a[@href="../../days/2025-03-14/"]')


def test_a_page_written_by_someone_else_is_made_again(run, tmp_path: Path) -> None:
    """paperfeed serve (or a person) may rewrite docs/ without the build cache: the next build
    does not trust such a page, even when what it should show is what the last build showed."""
    where = project(tmp_path)
    build(run, where)
    page = where / "docs" / "papers" / "2308" / "2308.07686.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Boosting", "Tampered"), encoding="utf-8")
    build(run, where)
    assert "Tampered" not in page.read_text(encoding="utf-8")
    assert "Tampered" not in (where / "site" / "papers" / "2308" / "2308.07686" / "index.html").read_text(
        encoding="utf-8")


def test_pages_a_preview_wrote_are_rendered_by_the_next_build(run, tmp_path: Path) -> None:
    """paperfeed serve writes docs/ with its own cache: a paper edited during a preview already
    has the right Markdown when the next build comes, which must still render its HTML."""
    from paperfeed.config import Settings
    from paperfeed.site import generate

    where = project(tmp_path)
    build(run, where)
    paper = where / "papers" / "2308" / "2308.07686.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("Boosting", "Previewed"), encoding="utf-8")
    generate(settings=Settings(root=where), config_file=where / "mkdocs.yml")  # what the preview writes
    assert "only what changed rebuilt" in build(run, where).output
    page = where / "site" / "papers" / "2308" / "2308.07686" / "index.html"
    assert "Previewed" in page.read_text(encoding="utf-8")
    run("--config", str(where / "mkdocs.yml"), "build", "--clean", "--site-dir", str(tmp_path / "clean"))
    incremental, clean = tree(where / "site"), tree(tmp_path / "clean")
    assert [name for name in sorted(set(clean) | set(incremental)) if incremental.get(name) != clean.get(name)] == []


def test_lean_headers_follow_a_forks_nav(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    config = where / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - About:\n" in text
    config.write_text(text.replace("  - About:\n", "  - Code: https://example.org/code\n  - Project:\n"),
                      encoding="utf-8")
    build(run, where)
    page = parse(where / "site" / "papers" / "2308" / "2308.07686" / "index.html")
    for nav in page.xpath('//nav[@class="md-tabs"]'):
        links = {text_of(a): a.get("href") for a in nav.xpath(".//a")}
        assert links["Today"] == "../../.." and links["Project"] == "../../../about/"  # a section: its first page
        assert links["Code"] == "https://example.org/code"  # an outside link


def test_the_cycle_collector_rests_while_pages_are_made_and_works_again_after(run, tmp_path: Path,
                                                                            monkeypatch) -> None:
    import gc

    from paperfeed import site

    seen, rendering = [], []
    generate = site.generate

    def spy(**kw):
        seen.append(gc.isenabled())
        return generate(**kw)

    def render(*args, **kw):  # MkDocs runs with the collector on, sparing what the build held before it
        rendering.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return mkdocs_build(*args, **kw)

    import mkdocs.commands.build as mkdocs_commands
    mkdocs_build = mkdocs_commands.build
    monkeypatch.setattr(site, "generate", spy)
    monkeypatch.setattr(mkdocs_commands, "build", render)
    build(run, project(tmp_path))
    assert seen == [False] and rendering == [(True, True)]
    assert gc.isenabled() and gc.get_freeze_count() == 0  # handed back: paperfeed serve builds again
