from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperfeed.archive.store import ArchiveError, dumps, loads, read_entry, write_paper
from paperfeed.model import Links, Paper

FIXTURES = Path(__file__).parent / "fixtures"


def sample() -> Paper:
    return Paper(
        id="2405.15738", title="ConvLLaVA: Hierarchical Backbones", authors=["Chunjiang Ge", "Sijie Cheng"],
        abstract="Cost $O(n^2)$ in tokens: a `code` span, a # hash and ---.",
        published=dt.date(2024, 5, 24), featured=[dt.date(2024, 5, 27)], upvotes=32, comments=3,
        links=Links(arxiv="https://arxiv.org/abs/2405.15738", github="https://github.com/a/b", github_stars=5),
        sources=["hf-daily"], extra={"tags": ["llm", "vision"]},
    )


def test_file_format_matches_golden() -> None:
    assert dumps(sample()) == (FIXTURES / "golden_paper.md").read_text(encoding="utf-8")


def test_round_trip_keeps_every_field_and_people_keys() -> None:
    paper = sample()
    again = loads(dumps(paper))
    assert again == paper
    assert dumps(again) == dumps(paper)


def test_write_is_skipped_when_bytes_are_unchanged_and_leaves_no_temp_files(tmp_path: Path) -> None:
    assert write_paper(tmp_path, sample()) is True
    path = tmp_path / "2405" / "2405.15738.md"
    text = path.read_text(encoding="utf-8")
    mtime = path.stat().st_mtime_ns
    assert write_paper(tmp_path, sample(), old_text=text) is False
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir()] == ["2405.15738.md"]


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("---\nid: '2405.15738'\ntitle: [unclosed\n---\n", 3, "invalid YAML"),
    ("---\nid: '2405.15738'\ntitle: ok\nupvotes: many\n---\n", 4, "upvotes"),
    ("---\nid: 2405.15738\ntitle: ok\n---\n", 2, "quote it"),
    ("---\nid: '2405.15738'\ntitle: ok\nlinks:\n  arxiv: https://arxiv.org/abs/1\n  github: ftp://x\n---\n", 6,
     "links.github"),
    ("no front matter here\n", 1, "no YAML front matter"),
])
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ArchiveError) as info:
        read_entry(path)
    assert info.value.line == line
    assert needle in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")
