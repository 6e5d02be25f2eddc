"""``paperfeed enrich``: from a hand-made TSV, and from the arXiv API on a local server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from paperfeed.archive.store import path_for, read_entry

from .apiserver import Answer, ApiServer
from .conftest import ARXIV_DATA, FIXTURES, tree


def test_lookup_table_moves_files_and_fills_only_gaps(run, tmp_path: Path) -> None:
    run("import", str(FIXTURES / "scrape.txt"), "--date", "2025-03-14", "--papers", "papers")
    result = run("enrich", "--lookup", str(FIXTURES / "scrape.arxiv.tsv"), "--papers", "papers")
    assert result.stdout.strip() == "2 papers without an id: 2 found, 0 not found"
    assert not (tmp_path / "papers" / "no-id").exists()
    myodex = read_entry(path_for(tmp_path / "papers", "2309.03130")).paper
    assert myodex.title == "MyoDex: A Generalizable Prior for Dexterous Manipulation"
    assert myodex.authors == ["Vittorio Caggiano", "Sudeep Dasari", "Vikash Kumar"]
    assert myodex.published == dt.date(2023, 9, 6) and myodex.sources == ["scrape", "lookup"]
    assert read_entry(path_for(tmp_path / "papers", "2405.19660")).paper.published is None
    before = tree(tmp_path / "papers")
    assert run("enrich", "--lookup", str(FIXTURES / "scrape.arxiv.tsv"), "--papers", "papers").stdout.startswith(
        "0 papers without an id")
    assert tree(tmp_path / "papers") == before


def test_arxiv_api_title_search(run, tmp_path: Path, shared_data: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Mar 14\n\nAsymptotic Analysis for a Nonlinear Reaction-Diffusion System Modeling an "
                    "Infectious Disease\n\nIn this paper we study a nonlinear reaction-diffusion system which models an "
                    "infectious disease caused by bacteria, "
                    "as scraped from the page.\n\nA Paper arXiv Does Not Know\n\nAn abstract that is longer "
                    "than its title, as abstracts are.\n", encoding="utf-8")
    run("import", str(page), "--date", "2025-03-14", "--papers", "papers")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nextra:\n  paperfeed:\n    arxiv_interval: 0.2\n")
    with ApiServer() as api:
        found = (ARXIV_DATA / "query_missing_id_newformat_2025-11.xml").read_bytes()
        empty = (ARXIV_DATA / "query_empty_newformat_2025-11.xml").read_bytes()
        # papers are looked up in id order: "a-paper-arxiv-..." first, then "asymptotic-..."
        api.script("/api/query", Answer(body=empty, content_type="application/atom+xml"),
                   Answer(body=found, content_type="application/atom+xml"))
        result = run("enrich", "--api-url", f"{api.url}/api/query", "--papers", "papers")
        assert result.stdout.strip() == "2 papers without an id: 1 found, 1 not found"
        assert api.log[1].query["search_query"].startswith('ti:"Asymptotic Analysis')
        assert api.log[1].at - api.log[0].at >= 0.2  # arXiv's pacing is kept
    paper = read_entry(path_for(tmp_path / "papers", "2201.13452")).paper
    assert paper.authors == ["Hong-Ming Yin", "Jun Zou"] and paper.published == dt.date(2022, 1, 31)
    assert paper.abstract.endswith("as scraped from the page.")  # filled only where empty


def test_a_failing_api_keeps_what_was_found_and_exits_non_zero(run, tmp_path: Path, shared_data: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Mar 14\n\nAsymptotic Analysis for a Nonlinear Reaction-Diffusion System Modeling an "
                    "Infectious Disease\n\nIn this paper we study a nonlinear reaction-diffusion system which models an "
                    "infectious disease caused by bacteria, as scraped from the page.\n\n"
                    "Zebra Papers Come Last\n\nAnother abstract that is longer than its title, as they are.\n",
                    encoding="utf-8")
    run("import", str(page), "--date", "2025-03-14", "--papers", "papers")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nextra:\n  paperfeed:\n    arxiv_interval: 0\n"
                                         "    retries: 1\n    backoff: 0\n")
    with ApiServer() as api:
        found = (ARXIV_DATA / "query_missing_id_newformat_2025-11.xml").read_bytes()
        api.script("/api/query", Answer(body=found, content_type="application/atom+xml"))
        api.default = Answer(status=503, body=b"down", content_type="text/plain")
        result = run("enrich", "--api-url", f"{api.url}/api/query", "--papers", "papers", expect=1)
    assert "stopped early, the papers found so far are saved" in result.stderr and "503" in result.stderr
    assert result.stdout.strip() == "1 papers without an id: 1 found, 0 not found"  # the second lookup failed
    assert read_entry(path_for(tmp_path / "papers", "2201.13452")).paper.authors == ["Hong-Ming Yin", "Jun Zou"]
    assert len(list((tmp_path / "papers" / "no-id").glob("*.md"))) == 1  # the other one waits for the next run
