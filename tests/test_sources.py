"""The three importers on hand-written fixtures of every era, and on the real files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from paperfeed.sources import SourceError, arxiv, detect, hf_daily, read_file, scrape

from .conftest import ARXIV_DATA, FIXTURES, SEED, SEED_TSV


def test_oldest_era_unwraps_title_and_abstract_and_keeps_latex() -> None:
    batch = read_file(FIXTURES / "hf_2024-05-27.json")
    (paper,) = batch.papers
    assert paper.id == "2405.15738"
    assert paper.title == "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models"
    assert paper.abstract.endswith("with cost $O(n^2)$ in the number of tokens.")
    assert "\n" not in paper.abstract
    assert paper.authors == ["Chunjiang Ge", "Sijie Cheng"]
    assert paper.published == dt.date(2024, 5, 24)
    assert paper.featured == [dt.date(2024, 5, 27)]  # from the file name: the day asked for
    assert (paper.upvotes, paper.comments) == (32, 3)
    assert paper.links.huggingface == "https://huggingface.co/papers/2405.15738"
    assert paper.links.github is None and paper.ai_summary is None


def test_2025_era_fields_and_bad_items_are_reported_with_index() -> None:
    batch = read_file(FIXTURES / "hf_2025-06-25.json")
    full, minimal = batch.papers
    assert full.ai_summary == "A short machine summary."
    assert full.keywords == ["diffusion models", "video generation"]
    assert (full.links.github, full.links.github_stars) == ("https://github.com/example/code", 41)
    assert full.links.project == "https://example.org/project"
    assert full.submitted_by == "akhaliq"  # item-level submittedBy: "name" is the handle
    assert minimal.title == "Only an id and a title" and minimal.authors == [] and minimal.abstract == ""
    assert [(p.index, p.message) for p in batch.problems] == [
        (2, "paper.id 'not-an-id' is not an arXiv id"),
        (3, "item is a JSON int, not an object"),
    ]
    assert str(batch.problems[0]).startswith(f"{FIXTURES / 'hf_2025-06-25.json'}: item 2: ")


def test_2026_era_organization_stars_and_unsafe_links_dropped() -> None:
    (paper,) = read_file(FIXTURES / "hf_2026-05-29.json").papers
    assert paper.organization == "shanghai ailab"
    assert paper.submitted_by == "shenqiorient"
    assert paper.links.github_added_by == "user" and paper.links.github_stars == 210
    assert paper.links.project is None  # javascript: is never a link


def test_repr_items_are_recovered_without_eval_and_hostile_strings_skipped() -> None:
    batch = read_file(FIXTURES / "hf_repr_2024-12-11.json")
    assert [p.id for p in batch.papers] == ["2412.07730"]
    assert batch.papers[0].title == "STIV: Scalable Text and Image Conditioned Video Generation"
    assert [p.index for p in batch.problems] == [1, 2]
    assert "items 0" in batch.warnings[0]


def test_wrapped_response_takes_its_date() -> None:
    batch = read_file(FIXTURES / "hf_wrapped.json")
    assert [p.featured for p in batch.papers] == [[dt.date(2025, 1, 10)]]


def test_truncated_json_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match=r"not valid JSON \(line 1"):
        hf_daily.parse('[{"paper": {"id": "2405.', source="x.json")


def test_scrape_skips_chrome_and_pairs_titles_with_abstracts() -> None:
    batch = read_file(FIXTURES / "scrape.txt", day=dt.date(2025, 3, 14))
    assert [p.title for p in batch.papers] == [
        "MyoDex: A Generalizable Prior for Dexterous Manipulation",
        "PATIENT-Ψ: Using Large Language Models to Simulate Patients",
    ]
    assert batch.papers[0].abstract.startswith("Human dexterity is a hallmark of motor control. Our hands can rapidly synthesize")
    assert batch.papers[0].id == "myodex-a-generalizable-prior-for-dexterous-manipulation"
    assert batch.papers[1].featured == [dt.date(2025, 3, 14)]
    assert batch.warnings == []


def test_scrape_needs_a_date_and_warns_when_the_page_disagrees() -> None:
    with pytest.raises(SourceError, match="--date"):
        read_file(FIXTURES / "scrape.txt")
    batch = read_file(FIXTURES / "scrape.txt", day=dt.date(2025, 3, 15))
    assert "the page says 03-14" in batch.warnings[0]


@pytest.mark.parametrize("name", ["arxiv_old.xml", "arxiv_new.xml"])
def test_arxiv_both_formats(name: str) -> None:
    (paper,) = read_file(FIXTURES / name).papers
    assert paper.sources == ["arxiv"]
    if name == "arxiv_old.xml":
        assert paper.id == "astro-ph/9904306"
        assert paper.title == "Improved scenario of baryogenesis"
        assert paper.abstract.endswith("the neutral state $e^+e^-$.")
    else:
        assert paper.id == "2201.13452"
        assert paper.authors == ["Hong-Ming Yin", "Jun Zou"]
        assert paper.published == dt.date(2022, 1, 31)
        assert paper.links.pdf == "https://arxiv.org/pdf/2201.13452"


def test_arxiv_error_answers_are_errors() -> None:
    with pytest.raises(SourceError, match="incorrect id format"):
        read_file(FIXTURES / "arxiv_error.xml")
    with pytest.raises(arxiv.ArxivError, match="rate exceeded"):
        arxiv.parse("Rate exceeded.", source="arxiv")


def test_detection_is_by_content() -> None:
    assert detect("  [\n{}]") == "hf-daily"
    assert detect("<?xml version='1.0'?><feed/>") == "arxiv"
    assert detect("Title\n\nAbstract") == "scrape"


# -- the real files -----------------------------------------------------------


def test_real_arxiv_responses(shared_data: Path) -> None:
    old = read_file(ARXIV_DATA / "query_oldformat_2025-08.xml").papers
    new = read_file(ARXIV_DATA / "query_newformat_2025-11.xml").papers
    assert len(old) == 10 and len(new) == 10
    assert old[0].id == "astro-ph/9904306" and all("\n" not in p.abstract for p in old + new)
    assert read_file(ARXIV_DATA / "query_empty_oldformat_2025-08.xml").papers == []  # totalResults says 1
    assert read_file(ARXIV_DATA / "query_empty_newformat_2025-11.xml").papers == []
    assert [p.id for p in read_file(ARXIV_DATA / "query_missing_id_newformat_2025-11.xml").papers] == ["2201.13452"]


def test_real_seed_scrape_gives_51_exact_titles(shared_data: Path) -> None:
    batch = read_file(SEED, day=dt.date(2025, 3, 14))
    titles = [line.split("\t")[0] for line in SEED_TSV.read_text(encoding="utf-8").splitlines()[1:]]
    assert [p.title for p in batch.papers] == titles
    assert len(batch.papers) == 51 and batch.problems == [] and batch.warnings == []
    text = SEED.read_text(encoding="utf-8")
    assert all(p.abstract in text and len(p.abstract) > 200 for p in batch.papers)
    assert scrape.parse(text, source="seed", day=None).page_day == (3, 14)


def test_item_title_keeps_the_math_that_paper_title_lost(shared_data) -> None:
    from paperfeed.sources.hf_daily import parse_item
    items = json.loads((shared_data / "data" / "hf-daily-papers" / "2024-06-21.json").read_text(encoding="utf-8"))
    titles = {p.id: p.title for p in map(parse_item, items)}
    assert titles["2406.14347"].startswith("$\\nabla^2$DFT: A Universal Quantum Chemistry Dataset")
    assert titles["2406.12045"] == "$τ$-bench: A Benchmark for Tool-Agent-User Interaction in Real-World Domains"
    plain = items[-1]["paper"]  # without math, paper.title stays the title
    assert "$" not in plain["title"] and titles[plain["id"]] == " ".join(plain["title"].split())
