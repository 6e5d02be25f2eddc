"""The build cache (src/paperfeed/publish/cache.py): a file is parsed again only when its bytes change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from paperfeed.archive.store import ArchiveError
from paperfeed.publish.cache import BuildCache

from .conftest import ROOT

PAPER = ROOT / "papers" / "2308" / "2308.07686.md"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "2308.07686.md"
    shutil.copy(PAPER, target)
    return target


def test_a_file_is_parsed_once_while_its_bytes_stay(tmp_path: Path, copy: Path) -> None:
    where = tmp_path / "cache.sqlite"
    first = BuildCache(where)
    paper = first.read_entry(copy).paper
    assert first.parsed == 1
    first.save()

    again = BuildCache(where)
    assert again.read_entry(copy).paper == paper and again.parsed == 0  # same size and mtime
    os.utime(copy, ns=(1, 1))  # a fresh checkout: new mtime, same bytes
    assert again.read_entry(copy).paper == paper and again.parsed == 0
    copy.write_text(copy.read_text(encoding="utf-8").replace("title: ", "title: New ", 1), encoding="utf-8")
    changed = again.read_entry(copy).paper
    assert again.parsed == 1 and changed.title.startswith("New ") and changed != paper


def test_a_fresh_checkout_saves_only_the_new_mtimes(tmp_path: Path, copy: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """After a checkout gives every file a new mtime, a build reads each file's bytes once
    (in workers when they are many), and the next finds them by their stat again."""
    from paperfeed.publish import workers

    where = tmp_path / "cache.sqlite"
    first = BuildCache(where)
    paper = first.read_entry(copy).paper
    first.derived(copy, "tags", "t", lambda: ["agents"])
    first.save()
    os.utime(copy, ns=(10**18, 10**18))
    monkeypatch.setattr(workers, "LEAST", 1)  # through read_all, as a big archive is
    second = BuildCache(where)
    second.read_all([copy])
    assert second.read_entry(copy).paper == paper and second.parsed == 0
    assert second._restat == {second.key_of(copy)} and not second._dirty
    second.save()
    third = BuildCache(where)
    record = third.records[third.key_of(copy)]
    assert record.mtime_ns == 10**18 and record.derived["tags"][1] == ["agents"]
    assert third.read_entry(copy).paper == paper and third.hits == 1  # the stat fast path


def test_derived_values_follow_their_key(tmp_path: Path, copy: Path) -> None:
    cache = BuildCache(tmp_path / "c.sqlite")
    cache.read_entry(copy)
    calls = []
    for key in ("taxonomy-1", "taxonomy-1", "taxonomy-2"):
        cache.derived(copy, "tags", key, lambda key=key: calls.append(key) or ["agents"])
    assert calls == ["taxonomy-1", "taxonomy-2"]


def test_a_broken_file_raises_and_a_broken_cache_is_only_cold(tmp_path: Path, copy: Path) -> None:
    where = tmp_path / "c.sqlite"
    where.write_bytes(b"not a database")
    cache = BuildCache(where)
    assert cache.records == {} and "cannot be read" in cache.notice
    copy.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ArchiveError, match="not UTF-8"):
        cache.read_entry(copy)


def test_other_code_never_reuses_the_cache(tmp_path: Path, copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "c.sqlite"
    cache = BuildCache(where)
    cache.read_entry(copy)
    cache.save()
    monkeypatch.setattr("paperfeed.publish.cache._salt", lambda: "another version of paperfeed")
    assert BuildCache(where).records == {}


def test_a_clean_build_leaves_no_row_of_the_last_one(tmp_path: Path, copy: Path) -> None:
    """``paperfeed build --clean`` starts from nothing, and so does the cache it saves: no page of
    the last build is remembered (the next build would take it for one to remove)."""
    where = tmp_path / "cache.sqlite"
    first = BuildCache(where)
    first.read_entry(copy)
    first.pages = {"papers/a.md": ("k", 1), "papers/gone.md": ("k", 2)}
    first.save()
    clean = BuildCache(where, fresh=True)
    clean.read_entry(copy)
    clean.pages = {"papers/a.md": ("k2", 3)}
    clean.save()
    assert BuildCache(where).pages == {"papers/a.md": ("k2", 3)}


def test_a_count_too_wide_for_the_fast_json_is_kept_all_the_same(tmp_path: Path, copy: Path) -> None:
    """orjson writes no integer wider than 64 bits (and reads one as a float): such a count
    is written by the standard library, and read back as what it is or not at all."""
    copy.write_text(copy.read_text(encoding="utf-8").replace("published:", "upvotes: 100000000000000000000000000000\n"
                                                               "published:", 1), encoding="utf-8")
    where = tmp_path / "cache.sqlite"
    first = BuildCache(where)
    assert first.read_entry(copy).paper.upvotes == 10**29
    first.save()
    again = BuildCache(where)
    paper = again.read_entry(copy).paper
    assert paper.upvotes == 10**29 and type(paper.upvotes) is int
