"""Merging into the archive: idempotence, the two-day pair, notes and people's keys kept, slugs joined."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from paperfeed.archive.store import path_for, read_entry
from paperfeed.archive.update import apply
from paperfeed.model import Links, Paper
from paperfeed.sources import read_file

from .conftest import FIXTURES, HF_DATA, tree


def hf_item(paper_id: str, upvotes: int, title: str = "A Paper Featured Twice") -> dict:
    return {"paper": {"id": paper_id, "title": title, "summary": "S.", "upvotes": upvotes,
                      "authors": [{"name": "A. Author"}]}, "numComments": upvotes // 10}


def write_day(folder: Path, day: str, items: list[dict]) -> Path:
    path = folder / f"{day}.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def test_second_import_changes_no_byte(tmp_path: Path) -> None:
    archive = tmp_path / "papers"
    files = sorted(FIXTURES.glob("hf_*.json"))
    papers = [p for f in files for p in read_file(f).papers]
    first = apply(archive, papers)
    assert len(first.new) == 6 and not first.updated
    before = tree(archive)
    second = apply(archive, papers)
    assert (second.new, second.updated, len(second.unchanged)) == ([], [], 6)
    assert tree(archive) == before


def test_paper_featured_on_two_days_unions_days_and_keeps_newest_counts(tmp_path: Path) -> None:
    archive, inbox = tmp_path / "papers", tmp_path / "in"
    inbox.mkdir()
    early = write_day(inbox, "2026-04-10", [hf_item("2604.07429", 2)])
    late = write_day(inbox, "2026-04-16", [hf_item("2604.07429", 42)])
    for order in ([early, late], [late, early]):  # backfilling an older day never rolls counts back
        shutil.rmtree(archive, ignore_errors=True)
        for f in order:
            apply(archive, read_file(f).papers)
        paper = read_entry(path_for(archive, "2604.07429")).paper
        assert paper.featured == [dt.date(2026, 4, 10), dt.date(2026, 4, 16)]
        assert (paper.upvotes, paper.comments) == (42, 4)


def test_fetch_never_touches_notes_or_people_owned_keys(tmp_path: Path) -> None:
    archive, inbox = tmp_path / "papers", tmp_path / "in"
    inbox.mkdir()
    apply(archive, read_file(write_day(inbox, "2026-04-10", [hf_item("2604.07429", 2)])).papers)
    path = path_for(archive, "2604.07429")
    text = path.read_text(encoding="utf-8")
    text = text.replace("sources:", "tags:\n- hand-picked\nsources:", 1)
    path.write_text(text, encoding="utf-8")
    apply(archive, read_file(write_day(inbox, "2026-04-16", [hf_item("2604.07429", 42)])).papers)
    paper = read_entry(path).paper
    assert paper.upvotes == 42
    assert paper.extra == {"tags": ["hand-picked"]}


def test_scrape_paper_joins_its_real_record_by_title(tmp_path: Path) -> None:
    archive, inbox = tmp_path / "papers", tmp_path / "in"
    inbox.mkdir()
    apply(archive, read_file(FIXTURES / "scrape.txt", day=dt.date(2025, 3, 14)).papers)
    slug_file = archive / "no-id" / "myodex-a-generalizable-prior-for-dexterous-manipulation.md"
    assert slug_file.exists()
    real = hf_item("2309.03130", 7, title="MyoDex: a generalizable prior for dexterous  manipulation")
    outcome = apply(archive, read_file(write_day(inbox, "2025-03-20", [real])).papers)
    assert not slug_file.exists() and outcome.removed == [slug_file]
    paper = read_entry(path_for(archive, "2309.03130")).paper
    assert paper.featured == [dt.date(2025, 3, 14), dt.date(2025, 3, 20)]
    assert paper.sources == ["hf-daily", "scrape"]
    # and the other way round: a scrape of an already-known paper merges into it
    apply(archive, read_file(FIXTURES / "scrape.txt", day=dt.date(2025, 3, 21)).papers)
    assert not slug_file.exists()
    assert read_entry(path_for(archive, "2309.03130")).paper.featured[-1] == dt.date(2025, 3, 21)


def test_broken_file_stops_the_run_before_any_write(tmp_path: Path) -> None:
    archive = tmp_path / "papers"
    apply(archive, [Paper(id="2604.07429", title="T", featured=[dt.date(2026, 4, 10)], links=Links())])
    path = path_for(archive, "2604.07429")
    path.write_text("---\nid: '2604.07429'\ntitle: [broken\n---\nMy precious note.\n", encoding="utf-8")
    before = tree(archive)
    import pytest

    from paperfeed.archive.store import ArchiveError
    with pytest.raises(ArchiveError, match=r"2604.07429.md:3: title: invalid YAML"):
        apply(archive, [Paper(id="2604.07429", title="T", featured=[dt.date(2026, 4, 16)]),
                        Paper(id="2604.00001", title="Other", featured=[dt.date(2026, 4, 16)])])
    assert tree(archive) == before


def test_whole_real_corpus_one_file_per_id(shared_data: Path, run, tmp_path: Path) -> None:
    archive = tmp_path / "big"
    result = run("import", str(HF_DATA), "--papers", str(archive))
    assert result.stdout.strip().splitlines()[-1] == (
        "521 days, 8507 items → 8506 papers: 8506 new, 0 updated, 0 unchanged, 0 skipped")
    files = list(archive.rglob("*.md"))
    assert len(files) == 8506  # 8,206 ids from JSON objects + 300 recovered from repr strings
    assert max(len(list(d.iterdir())) for d in archive.iterdir() if d.is_dir()) < 1000
    assert "2024-12-11.json: 26 items were Python repr strings" in result.stderr
    before = tree(archive)
    again = run("import", str(HF_DATA), "--papers", str(archive))
    assert again.stdout.strip().endswith("0 new, 0 updated, 8506 unchanged, 0 skipped")
    assert tree(archive) == before
    pair = read_entry(path_for(archive, "2604.07429")).paper
    assert pair.featured == [dt.date(2026, 4, 10), dt.date(2026, 4, 16)] and pair.upvotes == 42
    assert run("check", "--papers", str(archive)).stdout.strip() == "8506 papers and 0 notes checked: 0 problems"
