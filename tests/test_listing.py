"""arXiv as a second source: announcement days, new papers, cross-lists and replacements,
include and exclude phrases, arXiv's overload answers, saved listings, and a robotics site
built from a loopback arXiv alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html
import pytest

from paperfeed.archive.store import path_for, read_entry
from paperfeed.config import ArxivSource, ConfigError, parse
from paperfeed.sources import listing, read_file
from paperfeed.sources.filters import FilterError, PhraseFilter

from .apiserver import EMPTY_ATOM, Answer, ApiServer, arxiv_key
from .arxivfeed import ERROR, Entry, atom
from .searchindex import inflated
from .conftest import FIXTURES, project, tree

UTC = dt.timezone.utc


def test_an_announcement_day_covers_the_submissions_of_arxivs_schedule() -> None:
    # Wednesday lists Monday 14:00 to Tuesday 14:00, US Eastern (UTC-5 in November)
    assert listing.window(dt.date(2025, 11, 26)) == (dt.datetime(2025, 11, 24, 19, tzinfo=UTC),
                                                     dt.datetime(2025, 11, 25, 19, tzinfo=UTC))
    # Monday lists Thursday to Friday; Tuesday, Friday to Monday; summer time moves the hour
    assert listing.window(dt.date(2025, 11, 24))[0] == dt.datetime(2025, 11, 20, 19, tzinfo=UTC)
    assert listing.window(dt.date(2025, 11, 25)) == (dt.datetime(2025, 11, 21, 19, tzinfo=UTC),
                                                     dt.datetime(2025, 11, 24, 19, tzinfo=UTC))
    assert listing.window(dt.date(2025, 7, 2))[0] == dt.datetime(2025, 6, 30, 18, tzinfo=UTC)
    assert listing.window(dt.date(2025, 11, 29)) is None  # no announcements on a weekend
    assert listing.query(("cs.RO", "cs.CV"), *listing.window(dt.date(2025, 11, 26))) == (
        "(cat:cs.RO OR cat:cs.CV) AND lastUpdatedDate:[202511241900 TO 202511251859]")


def test_filters_match_as_the_taxonomy_does() -> None:
    from paperfeed.model import Paper

    keep = PhraseFilter(("manipulation", "grasp*", "vision-language"), ("survey",))
    verdicts = {t: keep.verdict(Paper(id="2511.00001", title=t, abstract=a)) for t, a in [
        ("Learning to Grasp", ""), ("Grasping: A Survey", ""), ("Locomotion", "dexterous manipulation skills"),
        ("Vision language action models", ""), ("Graspable? No: graph search", "")]}
    assert verdicts["Learning to Grasp"].keep and verdicts["Learning to Grasp"].why == '"grasp*" in the title'
    assert not verdicts["Grasping: A Survey"].keep and "excluded" in verdicts["Grasping: A Survey"].why
    assert verdicts["Locomotion"].why == '"manipulation" in the abstract'
    assert verdicts["Vision language action models"].keep  # hyphen or space alike
    assert verdicts["Graspable? No: graph search"].keep  # a prefix: graspable starts with grasp
    with pytest.raises(FilterError, match="include phrase 'a\\*b'"):
        PhraseFilter(("a*b",))


def test_sources_are_set_in_mkdocs_yml_with_clear_errors(tmp_path: Path) -> None:
    def settings(block: str):
        return parse(f"site_name: t\nextra:\n  paperfeed:\n    sources:\n{block}", tmp_path / "mkdocs.yml")

    found = settings("      huggingface: {enabled: false}\n      arxiv:\n        categories: [cs.RO, astro-ph.GA]\n"
                     "        exclude: [survey]\n        cross_lists: false\n").sources
    assert found.names == ("arxiv",) and found.arxiv == ArxivSource(("cs.RO", "astro-ph.GA"), (), ("survey",), False)
    assert parse("site_name: t\n", tmp_path / "mkdocs.yml").sources.names == ("huggingface",)  # as before
    for block, message in [("      arxiv: {categories: [robots]}\n", r"categories\[0\]: 'robots' is not an arXiv"),
                           ("      arxiv: {categories: []}\n", "name at least one arXiv category"),
                           ("      arxiv: {categoris: [cs.RO]}\n", r"arxiv.categoris: unknown key"),
                           ("      biorxiv: {}\n", "biorxiv: unknown source"),
                           ("      huggingface: {enabled: maybe}\n", "enabled: expected true or false")]:
        with pytest.raises(ConfigError, match=message):
            settings(block)


def test_a_saved_listing_imports_and_again_changes_no_byte(run, tmp_path: Path) -> None:
    batch = read_file(FIXTURES / "arxiv" / "cs.RO_2025-11-27.rss.xml")
    assert batch.days == {dt.date(2025, 11, 27)}
    assert [(p.id, p.featured, p.categories) for p in batch.papers] == [
        ("2511.21001", [dt.date(2025, 11, 27)], ["cs.RO", "cs.LG"]),
        ("2511.21002", [dt.date(2025, 11, 27)], ["cs.CV", "cs.RO"])]
    first = batch.papers[0]
    assert first.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert first.abstract.startswith("We learn grasping policies") and first.sources == ["arxiv"]
    assert [p.id for p in batch.updates] == ["2510.10001"]  # a replacement updates, never adds
    run("import", "--papers", "papers", str(FIXTURES / "arxiv" / "cs.RO_2025-11-27.rss.xml"))
    papers = tmp_path / "papers"
    assert not path_for(papers, "2510.10001").exists()
    before = tree(papers)
    again = run("import", "--papers", "papers", str(FIXTURES / "arxiv" / "cs.RO_2025-11-27.rss.xml"))
    assert "0 new, 0 updated" in again.stdout and tree(papers) == before


# -- a robotics site from arXiv alone ----------------------------------------------------------

ROBOTICS = """
    arxiv_interval: 0.05
    timeout: 2
    retries: 2
    backoff: 0.01
    sources:
      huggingface: {enabled: false}
      arxiv:
        categories: [cs.RO]
        exclude: [survey]
"""
KNOWN = """---
id: '2510.10001'
title: Quadruped Locomotion on Ice
authors:
- Barbara Liskov
abstract: Quadrupeds walk on ice.
published: 2025-10-01
featured:
- 2025-10-02
categories:
- cs.RO
sources:
- arxiv
---
"""
TUESDAY, WEDNESDAY, THURSDAY = dt.date(2025, 11, 25), dt.date(2025, 11, 26), dt.date(2025, 11, 27)


def day_key(day: dt.date) -> str:
    return arxiv_key("/api/query", listing.query(("cs.RO",), *listing.window(day)))


@pytest.fixture
def robotics(tmp_path: Path):
    empty = tmp_path / "no-papers"
    empty.mkdir()
    where = project(tmp_path, empty)
    config = where / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\n  paperfeed:\n", "\n  paperfeed:" + ROBOTICS, 1),
                      encoding="utf-8")
    (where / "papers" / "2510").mkdir(parents=True)
    (where / "papers" / "2510" / "2510.10001.md").write_text(KNOWN, encoding="utf-8")
    with ApiServer() as server:
        server.default = Answer(body=EMPTY_ATOM, content_type="application/atom+xml")  # a day with nothing
        yield where, server


def test_a_fork_builds_a_robotics_site_from_arxiv_alone(run, robotics) -> None:
    where, api = robotics
    new = Entry("2511.20001v1", "Dexterous Grasping with Tactile Diffusion Policies", "We grasp things.",
                ("Ada Lovelace", "Alan Turing"), ("cs.RO", "cs.LG"), "2025-11-24T20:00:00Z")
    cross = Entry("2511.20002v1", "Open-Vocabulary Segmentation for Robot Picking", "Segment, then pick.",
                  ("Edsger Dijkstra",), ("cs.CV", "cs.RO"), "2025-11-25T01:00:00Z")
    survey = Entry("2511.20003v1", "Robot Learning: A Survey", "We survey robot learning.", ("Grace Hopper",),
                   ("cs.RO",), "2025-11-25T02:00:00Z")
    replaced = Entry("2510.10001v2", "Quadruped Locomotion on Ice and Snow", "Quadrupeds walk on ice and snow.",
                     ("Barbara Liskov", "Frances Allen"), ("cs.RO",), "2025-10-01T12:00:00Z", "2025-11-25T03:00:00Z")
    later = Entry("2511.21001v1", "Legged Robots Climb Stairs", "Stairs, climbed.", ("Alan Kay",), ("cs.RO",),
                  "2025-11-25T20:00:00Z")
    api.script(day_key(TUESDAY), Answer(status=429, body=b"slow down", headers={"Retry-After": "0"}),
               Answer(body=atom(), content_type="application/atom+xml"))  # 429, then success: an empty day
    api.script(day_key(WEDNESDAY), Answer(body=b"Rate exceeded.", content_type="text/plain"),
               Answer(body=atom(new, cross, survey, replaced), content_type="application/atom+xml"))
    api.script(day_key(THURSDAY), Answer(body=atom(later), content_type="application/atom+xml"))
    config = str(where / "mkdocs.yml")
    result = run("--config", config, "fetch", "--since", "2025-11-25", "--until", "2025-11-28",
                 "--arxiv-url", f"{api.url}/api/query")
    assert "3 new, 1 updated" in result.stdout, result.output
    assert not [r for r in api.log if r.path.endswith("daily_papers")]  # Hugging Face is off
    asked = [r for r in api.log if r.path == "/api/query"]
    assert all(b.at - a.at >= 0.04 for a, b in zip(asked, asked[1:]))  # arXiv's pacing
    assert asked[0].headers["User-Agent"].startswith("paperfeed/")
    papers = where / "papers"
    grasp = read_entry(path_for(papers, "2511.20001")).paper
    assert grasp.featured == [WEDNESDAY] and grasp.categories == ["cs.RO", "cs.LG"] and grasp.upvotes is None
    assert read_entry(path_for(papers, "2511.20002")).paper.featured == [WEDNESDAY]  # a cross-list
    assert not path_for(papers, "2511.20003").exists()  # excluded: a survey
    ice = read_entry(path_for(papers, "2510.10001")).paper
    assert ice.title == "Quadruped Locomotion on Ice and Snow" and ice.authors[-1] == "Frances Allen"
    assert ice.featured == [dt.date(2025, 10, 2)]  # a new version is news of an old paper, not a new one
    run("--config", config, "build", "--strict")
    site = where / "site"
    day = lxml.html.fromstring((site / "days" / "2025-11-26" / "index.html").read_bytes())
    titles = [a.text_content() for a in day.xpath('//article[@class="pf-card"]//h2/a')]
    assert titles == ["Dexterous Grasping with Tactile Diffusion Policies",
                      "Open-Vocabulary Segmentation for Robot Picking"]  # no votes: arXiv's order
    assert "▲" not in day.text_content()
    page = lxml.html.fromstring((site / "papers" / "2511" / "2511.20001" / "index.html").read_bytes())
    assert "cs.RO · cs.LG" in page.xpath('string(//p[@class="pf-paper__facts"])')
    assert (site / "days" / "2025-11-27" / "index.html").is_file()
    import json

    manifest = json.loads(inflated((site / "search" / "index.bin").read_bytes()))
    assert manifest["categories"][0] == ["cs.RO", 4] and ["cs.CV", 1] in manifest["categories"]
    assert (site / "search" / "f" / "cat-cs.CV.bin").is_file()  # the search box filters by category


def test_an_overloaded_day_is_given_up_and_the_others_saved(run, robotics) -> None:
    where, api = robotics
    api.script(day_key(WEDNESDAY), *[Answer(body=ERROR, content_type="application/atom+xml")] * 3)
    api.script(day_key(THURSDAY), Answer(body=atom(Entry("2511.21001v1", "Legged Robots Climb Stairs", "Up.",
                                                         ("Alan Kay",), ("cs.RO",), "2025-11-25T20:00:00Z")),
                                         content_type="application/atom+xml"))
    result = run("--config", str(where / "mkdocs.yml"), "fetch", "--since", "2025-11-26", "--until",
                 "2025-11-27", "--arxiv-url", f"{api.url}/api/query", expect=1)
    assert "gave up on arXiv 2025-11-26: arXiv 2025-11-26 (from 0): arXiv error: rate exceeded" in result.stderr
    assert "1 of 2 days failed" in result.stderr and "Traceback" not in result.output
    assert path_for(where / "papers", "2511.21001").exists()  # Thursday was saved


def test_dry_run_says_what_is_kept_and_dropped_and_writes_nothing(run, robotics) -> None:
    where, api = robotics
    api.script(day_key(WEDNESDAY), Answer(body=atom(
        Entry("2511.20001v1", "Dexterous Grasping", "We grasp.", ("A",), ("cs.RO",), "2025-11-24T20:00:00Z"),
        Entry("2511.20003v1", "Robot Learning: A Survey", "A survey.", ("B",), ("cs.RO",), "2025-11-25T02:00:00Z")),
        content_type="application/atom+xml"))
    before = tree(where / "papers")
    result = run("--config", str(where / "mkdocs.yml"), "fetch", "--source", "arxiv", "--date", "2025-11-26",
                 "--arxiv-url", f"{api.url}/api/query", "--dry-run")
    assert "2025-11-26 keep 2511.20001 (new) 'Dexterous Grasping': no filter" in result.stdout
    assert "2025-11-26 drop 2511.20003 (new) 'Robot Learning: A Survey': excluded: \"survey\" in the title" \
        in result.stdout
    assert "nothing was written" in result.stdout and tree(where / "papers") == before
