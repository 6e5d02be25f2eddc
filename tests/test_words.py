"""Every paper's search words as numbers, kept between builds (search/words.py, search/postings.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperfeed.model import Paper
from paperfeed.pages.context import Context, Options
from paperfeed.search import Words, build, documents, gather, order, packed, tag_names
from paperfeed.tagging import Taxonomy

from .conftest import FIXTURES


def paper(pid: str, title: str, abstract: str, day: int = 2) -> Paper:
    when = dt.date(2024, 1, day)
    return Paper(id=pid, title=title, abstract=abstract, featured=[when], published=when, sources=["hf-daily"],
                 authors=["Ada Lovelace", f"Author {pid}"])


def context(papers: list[Paper]) -> Context:
    return Context(papers, Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="t"))


class Counted:
    """``packed`` for a list of papers, remembering which papers it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, docs: list) -> list[list[str]]:
        self.asked += [d.paper.id for d in docs]
        return [packed(d) for d in docs]


def index(papers: list[Paper], keys: dict[str, str] | None = None, kept: Words | None = None,
          compute: Counted | None = None) -> tuple[dict, Words]:
    ctx = context(papers)
    ordered = order(documents(ctx))
    words = gather(ordered, [(keys or {}).get(d.paper.id, "") for d in ordered], kept=kept,
                   compute=compute or Counted())
    return build(ordered, tag_names(ctx), words=words), words


ARCHIVE = [paper(f"2401.{i:05d}", f"Graph networks {i} for molecules", f"Message passing on graphs, case {i}.")
           for i in range(12)]


def test_a_day_computes_only_the_changed_papers_and_gives_the_clean_index() -> None:
    keys = {p.id: "v1" for p in ARCHIVE}
    _, kept = index(ARCHIVE, keys)
    kept = Words.loads(kept.dumps())  # as the next build reads it
    changed = paper("2401.00003", "Protein folding with diffusion", "Entirely new words: zebrafish.")
    new = paper("2401.00100", "Graph transformers", "Attention on graphs.", day=3)
    today = [p for p in ARCHIVE if p.id not in ("2401.00003", "2401.00007")] + [changed, new]  # 00007 left
    keys.update({"2401.00003": "v2", "2401.00100": "v1"})
    compute = Counted()
    files, words = index(today, keys, kept, compute)
    assert sorted(compute.asked) == ["2401.00003", "2401.00100"]
    clean, _ = index(today)
    assert files == clean  # byte for byte
    held = set(words.vocabulary)
    assert "zebrafish" in held and "@ada lovelace" in held
    assert "@author 2401.00007" not in held  # the words of a paper that left leave the vocabulary


def test_a_paper_whose_key_is_empty_is_always_computed() -> None:
    _, kept = index(ARCHIVE)
    compute = Counted()
    index(ARCHIVE, kept=kept, compute=compute)
    assert len(compute.asked) == len(ARCHIVE)


def kept_arrays(**change: object) -> bytes:
    _, kept = index(ARCHIVE, {p.id: "v1" for p in ARCHIVE})
    for name, value in change.items():
        setattr(kept, name, value)
    return kept.dumps()


@pytest.mark.parametrize("change", [
    {"ids": np.array([10 ** 6] * 5, dtype="<i4")},  # a word number past the vocabulary
    {"vocabulary": ["graph", "graph"]},  # a word twice
    {"weights": None},  # filled in below: an impact of 0
    {"counts": np.array([1, 2], dtype="<i4")},  # counts that do not add up to the words
])
def test_kept_words_that_do_not_fit_together_are_refused(change: dict) -> None:
    if "weights" in change:
        _, kept = index(ARCHIVE)
        change = {"weights": np.zeros(len(kept.ids), dtype="u1")}
    with pytest.raises(ValueError):
        Words.loads(kept_arrays(**change))


def test_a_kept_paper_holding_a_word_twice_fails_the_build_of_the_index_not_the_reader() -> None:
    """Only cutting the index can see it cheaply; site.py then computes every paper's words."""
    keys = {p.id: "v1" for p in ARCHIVE}
    _, kept = index(ARCHIVE, keys)
    kept.ids[1] = kept.ids[0]
    with pytest.raises(ValueError, match="twice"):
        index(ARCHIVE, keys, Words.loads(kept.dumps()))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_words_or_a_value_error(data: bytes) -> None:
    try:
        Words.loads(data)
    except ValueError:
        pass


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_corrupting_any_byte_of_kept_words_is_words_or_a_value_error(data: st.DataObject) -> None:
    blob = bytearray(kept_arrays())
    at = data.draw(st.integers(0, len(blob) - 1))
    blob[at] = data.draw(st.integers(0, 255))
    try:
        Words.loads(bytes(blob))
    except ValueError:
        pass
