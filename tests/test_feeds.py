"""Feeds: every generated feed read by a real parser (feedparser), Atom checked against
the RFC 4287 schema (RELAX NG, lxml), RSS against the RSS 2.0 rules, JSON Feed against
its 1.1 spec; golden files for a small archive; hostile text stays well-formed."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree as ET
import lxml.html
import pytest

from paperfeed.feeds.build import Feeds
from paperfeed.pages.context import Context, Options
from paperfeed.tagging import Taxonomy

from .conftest import FIXTURES, ROOT, project
from .test_pages import HOSTILE, archive

SITE_URL = "https://paperfeed.github.io/paperfeed/"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def atom_schema() -> ET.RelaxNG:
    import rnc2rng
    rng = rnc2rng.dumps(rnc2rng.loads((FIXTURES / "atom.rnc").read_text(encoding="utf-8")))
    # rnc2rng declares xmlns:local="" for the compact syntax's empty namespace, which XML forbids
    return ET.RelaxNG(ET.fromstring(rng.replace('xmlns:local=""', "").encode("utf-8")))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from paperfeed.cli import cli
    where = project(tmp_path_factory.mktemp("feeds"))
    result = CliRunner().invoke(cli, ["--config", str(where / "mkdocs.yml"), "build", "--strict"])
    assert result.exit_code == 0, result.output
    return where / "site"


def local(site: Path, url: str) -> Path:
    """The built file an absolute site URL points to."""
    assert url.startswith(SITE_URL), url
    path = site / urlsplit(url).path[len(urlsplit(SITE_URL).path):]
    return path / "index.html" if url.endswith("/") else path


def feeds_of(site: Path) -> list[Path]:
    return sorted(p for p in (site / "feeds").rglob("*") if p.suffix in (".xml", ".json") and p.stem != "sitemap")


def test_every_feed_is_built_and_read_without_a_warning(site: Path) -> None:
    feeds = feeds_of(site)
    tags = sorted(p.name for p in (site / "tags").iterdir() if (p / "index.html").exists())
    assert len(feeds) == 9 + 2 * len(tags) and len(tags) >= 10  # papers (3), daily, trending (4), tags
    for path in feeds:
        if path.suffix == ".json":
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if path.name.endswith(".atom.xml") else "rss20"), path
        ids = [e.id for e in parsed.entries]
        assert ids and len(ids) == len(set(ids)), path
        for entry in parsed.entries:
            assert local(site, entry.link).exists(), (path, entry.link)  # links resolve to built pages
            assert entry.published_parsed[:3] == (2025, 3, 14)


def test_item_counts_and_order(site: Path) -> None:
    papers = feedparser.parse((site / "feeds" / "papers.rss.xml").read_bytes())
    assert len(papers.entries) == 50  # feed_items: 50 of the day's 51
    home = lxml.html.fromstring((site / "index.html").read_bytes())
    cards = [a.get("href") for a in home.xpath('//h3[@class="pf-card__title"]/a')]
    assert [e.link for e in papers.entries] == [urljoin(SITE_URL, c) for c in cards[:50]]  # the day's order
    entry = papers.entries[0]
    assert entry.id == "https://arxiv.org/abs/1909.12828" and entry.title.startswith("Learning to Reconstruct 3D")
    assert [t.term for t in entry.tags] == ["Pose estimation", "3D vision"]
    assert "Nikos Kolotouros" in [a.name for a in entry.authors]
    assert "https://arxiv.org/pdf/1909.12828" in entry.content[0].value
    daily = feedparser.parse((site / "feeds" / "daily.atom.xml").read_bytes())
    assert len(daily.entries) == 1 and daily.entries[0].link == SITE_URL + "days/2025-03-14/"
    assert daily.entries[0].content[0].value.count("<li>") == 51
    robotics = feedparser.parse((site / "feeds" / "tags" / "robotics.rss.xml").read_bytes())
    tag_page = lxml.html.fromstring((site / "tags" / "robotics" / "index.html").read_bytes())
    from paperfeed.archive.store import paper_files, read_entry

    tagger = Taxonomy.load(ROOT / "taxonomy.yml")
    expected = sum("robotics" in tagger.tags_for(read_entry(p).paper) for p in paper_files(ROOT / "papers"))
    assert len(robotics.entries) == len(tag_page.xpath('//ul[@class="pf-rows"]/li')) == expected > 5


def test_atom_feeds_match_the_rfc_4287_schema(site: Path, atom_schema: ET.RelaxNG) -> None:
    for path in (site / "feeds").rglob("*.atom.xml"):
        doc = ET.parse(str(path))
        assert atom_schema.validate(doc), (path, atom_schema.error_log.last_error)
        feed = doc.getroot()
        # what the grammar cannot say: an author for every entry, unique ids, RFC 3339 dates
        if not feed.findall(f"{ATOM_NS}author"):
            assert all(e.findall(f"{ATOM_NS}author") for e in feed.iter(f"{ATOM_NS}entry")), path
        ids = [e.findtext(f"{ATOM_NS}id") for e in feed.iter(f"{ATOM_NS}entry")]
        assert len(ids) == len(set(ids))
        for stamp in feed.iter(f"{ATOM_NS}updated", f"{ATOM_NS}published"):
            assert dt.datetime.fromisoformat(stamp.text).tzinfo is not None
    broken = ET.fromstring(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>')
    assert not atom_schema.validate(broken)  # the schema does reject a feed without id and updated


def test_rss_feeds_follow_the_rss_2_rules(site: Path) -> None:
    for path in (site / "feeds").rglob("*.rss.xml"):
        channel = ET.parse(str(path)).getroot().find("channel")
        assert ET.parse(str(path)).getroot().get("version") == "2.0"
        for required in ("title", "link", "description"):
            assert (channel.findtext(required) or "").strip(), (path, required)
        assert channel.findtext("link").startswith(SITE_URL)
        email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate"))
        guids = []
        for item in channel.iter("item"):
            assert item.findtext("title") or item.findtext("description")
            guid = item.find("guid")
            assert guid is not None and guid.get("isPermaLink") == "false"
            guids.append(guid.text)
            when = email.utils.parsedate_to_datetime(item.findtext("pubDate"))  # RFC 822
            assert when.date() == dt.date(2025, 3, 14) and when.hour in (11, 12)  # noon UTC, a second less per place
            assert item.find("author") is None  # RSS's author must be an email: names go to dc:creator
        assert len(guids) == len(set(guids))


def test_json_feed_follows_the_1_1_spec(site: Path) -> None:
    feed = json.loads((site / "feeds" / "papers.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] == SITE_URL + "feeds/papers.json"
    assert local(site, feed["home_page_url"]).exists()
    assert all(isinstance(a["name"], str) for a in feed.get("authors", []))
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == 50 == len(set(ids)) and all(isinstance(i, str) for i in ids)
    for item in feed["items"]:
        assert item.get("content_html") or item.get("content_text")
        assert local(site, item["url"]).exists()
        assert dt.datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")).tzinfo is not None
        assert all(isinstance(t, str) for t in item.get("tags", []))
        assert set(item) <= {"id", "url", "external_url", "title", "content_html", "content_text", "summary",
                             "image", "banner_image", "date_published", "date_modified", "authors", "tags",
                             "language", "attachments"}


def test_opml_lists_every_tag_feed(site: Path) -> None:
    opml = ET.parse(str(site / "feeds" / "tags.opml")).getroot()
    assert opml.get("version") == "2.0" and opml.findtext("head/title")
    outlines = opml.findall("body/outline")
    tags = [p.name for p in (site / "tags").iterdir() if (p / "index.html").exists()]
    assert len(outlines) == 2 + len(tags) and len(tags) >= 10
    for outline in outlines:
        assert outline.get("type") == "rss" and outline.get("text")
        assert feedparser.parse(local(site, outline.get("xmlUrl")).read_bytes()).bozo == 0
        assert local(site, outline.get("htmlUrl")).exists()


def test_autodiscovery_from_every_kind_of_page(site: Path) -> None:
    # the lists that grow with the archive (days, tag months) name the latest papers' RSS and Atom
    # feeds; a paper's page, not a list, none; the other pages all four; a tag page its own two as well
    paper = lxml.html.fromstring((site / "papers/2308/2308.07686/index.html").read_bytes())
    assert paper.xpath("//head/title") and not paper.xpath('//head/link[@rel="alternate"]')
    for page, count in (("index.html", 4), ("days/2025-03-14/index.html", 2), ("tags/robotics/2025-03/index.html", 2),
                        ("tags/robotics/index.html", 6), ("feeds/index.html", 4)):
        html = lxml.html.fromstring((site / page).read_bytes())
        links = html.xpath('//head/link[@rel="alternate"]')
        assert len(links) == count, page
        named = {((site / page).parent / link.get("href")).resolve().relative_to(site.resolve()).as_posix()
                 for link in links}
        assert {"feeds/papers.rss.xml", "feeds/papers.atom.xml"} <= named, page
        for link in links:
            target = (site / page).parent / link.get("href")
            assert target.resolve().is_file(), (page, link.get("href"))
            assert link.get("type") in ("application/rss+xml", "application/atom+xml", "application/feed+json")
            if link.get("type") != "application/feed+json":
                assert feedparser.parse(target.read_bytes()).bozo == 0
    home = lxml.html.fromstring((site / "index.html").read_bytes())
    box = home.xpath('//aside[@class="pf-subscribe"]')[0]
    assert {a.text for a in box.xpath(".//a")} >= {"RSS", "Atom", "JSON Feed", "All feeds"}


def test_feeds_page_lists_every_feed(site: Path) -> None:
    page = lxml.html.fromstring((site / "feeds" / "index.html").read_bytes())
    hrefs = {a.get("href") for a in page.xpath('//article//a') if a.get("href", "").endswith((".xml", ".json",
                                                                                             ".opml"))}
    assert len(hrefs) == len(feeds_of(site)) + 1
    assert all(((site / "feeds") / h).is_file() for h in hrefs)
    assert page.xpath('//svg[@class="pf-feed-icon"]')


# -- from a small hand-written archive: golden files and hostile text ---------------

@pytest.fixture(scope="module")
def small() -> dict[str, str]:
    pages = Context(archive(), Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="Paper <feed>"))
    return Feeds(pages, site_url="https://example.org/sub/", items=2).files()


@pytest.mark.parametrize("name", ["feeds/papers.rss.xml", "feeds/papers.atom.xml", "feeds/papers.json",
                                  "feeds/daily.rss.xml", "feeds/tags/agents.atom.xml", "feeds/tags.opml",
                                  "feeds/trending-week.atom.xml"])
def test_feed_matches_golden(small: dict[str, str], name: str) -> None:
    golden = FIXTURES / "golden" / name
    if os.environ.get("PAPERFEED_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(small[name], encoding="utf-8")
    assert small[name] == golden.read_text(encoding="utf-8")


def test_hostile_text_gives_well_formed_feeds_with_the_text_intact(atom_schema: ET.RelaxNG) -> None:
    papers = archive()
    nasty = HOSTILE + " ]]> <![CDATA[ x ]]> \x01\x0b\x1f\ufffe end"
    papers[1].title = nasty
    papers[1].abstract = "Abstract with ]]> and </content> and <script>alert(1)</script> & \x00 done"
    pages = Context(papers, Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="A & B <c>"))
    files = Feeds(pages, site_url="https://example.org/", items=5).files()
    expected_title = HOSTILE + " ]]> <![CDATA[ x ]]>  end"
    ids = [i["id"] for i in json.loads(files["feeds/papers.json"])["items"]]
    assert len(ids) == 3 == len(set(ids))  # 2401.00001, featured on both days, comes once
    for name in ("feeds/papers.rss.xml", "feeds/papers.atom.xml", "feeds/tags/agents.rss.xml"):
        parsed = feedparser.parse(files[name].encode("utf-8"))
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        entry = next(e for e in parsed.entries if e.id == "https://arxiv.org/abs/2401.00002")
        assert entry.title == expected_title
        assert "Abstract with ]]&gt; and &lt;/content&gt; and &lt;script&gt;" in entry.content[0].value
        assert parsed.feed.title == "A & B <c>: latest papers" or "A & B <c>" in parsed.feed.title
    assert atom_schema.validate(ET.fromstring(files["feeds/papers.atom.xml"].encode("utf-8")))
    item = next(i for i in json.loads(files["feeds/papers.json"])["items"] if i["id"].endswith("2401.00002"))
    assert item["title"] == expected_title


def test_trending_feeds_follow_the_ranking(small: dict[str, str], atom_schema: ET.RelaxNG) -> None:
    for name in ("feeds/trending-week", "feeds/trending-month"):
        for ext in (".rss.xml", ".atom.xml"):
            parsed = feedparser.parse(small[name + ext].encode("utf-8"))
            assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
            # 12 votes, 3 votes, then the paper without a count; each a second apart, as a reader sorts
            assert [e.link.split("/")[-2] for e in parsed.entries] == ["2401.00001", "2401.00002",
                                                                      "a-paper-known-only-by-its-title"]
            times = [e.updated_parsed if ext == ".atom.xml" else e.published_parsed for e in parsed.entries]
            assert times == sorted(times, reverse=True) and len(set(times)) == 3
        assert atom_schema.validate(ET.fromstring(small[name + ".atom.xml"].encode("utf-8")))


def test_the_digest_reads_in_a_mail_client(small: dict[str, str]) -> None:
    """RSS-to-email services mail an item's HTML as it is: no style, no script, no image; the
    day's papers most upvoted first, each with its link, votes, authors, a line and its links."""
    item = feedparser.parse(small["feeds/daily.rss.xml"].encode("utf-8")).entries[0]
    html = lxml.html.fromstring(item.content[0].value)
    assert not html.xpath("//style | //script | //img | //*[@style] | //*[@class]")
    rows = html.xpath("//ol/li")
    assert [r.xpath(".//a/@href")[0].split("/")[-2] for r in rows] == ["2401.00001", "2401.00002"]
    first = rows[0].text_content()
    assert "▲ 12" in first and "Ada Lovelace" in first and "A tool use agent." in first
    assert rows[0].xpath(".//a[text()='arXiv']/@href") == ["https://arxiv.org/abs/2401.00001"]


def test_same_archive_same_bytes(small: dict[str, str]) -> None:
    pages = Context(archive(), Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="Paper <feed>"))
    assert Feeds(pages, site_url="https://example.org/sub/", items=2).files() == small


def test_no_two_atom_entries_share_a_time(site: Path) -> None:
    """The W3C feed validator warns when entries of a feed share atom:updated (all of a day's did)."""
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for path in (site / "feeds").rglob("*.atom.xml"):
        stamps = [e.findtext("a:updated", namespaces=ns) for e in ET.parse(str(path)).getroot().findall("a:entry", ns)]
        assert len(stamps) == len(set(stamps)), path
