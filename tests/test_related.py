"""Related papers: what a paper's vector holds, what a pair scores, and that updating the
lists day by day gives exactly what computing them afresh gives (Hypothesis makes the days)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperfeed.archive.store import paper_files, read_entry
from paperfeed.model import Paper
from paperfeed.related import WordTable, WordTableError, find, word_vector
from paperfeed.related.nearest import MIN_SCORE, TAG, Item, nearest_all
from paperfeed.related.vectors import AUTHOR_WEIGHT, feature_key
from paperfeed.related.vectors import SCALE, TOP
from paperfeed.tagging import Taxonomy

from .conftest import ROOT

TAXONOMY = Taxonomy.load(ROOT / "taxonomy.yml")
ORDER = [t.slug for t in TAXONOMY.tags]
TABLE = WordTable.default()
BUNDLED = sorted((read_entry(p).paper for p in paper_files(ROOT / "papers")), key=lambda p: p.id)
TAGS = {p.id: TAXONOMY.tags_for(p) for p in BUNDLED}


class Memory:
    """A build cache's related table, in memory."""

    def __init__(self) -> None:
        self.signature, self.lists, self.saved = "", {}, 0

    def related_lists(self, signature: str) -> dict:
        return dict(self.lists) if signature == self.signature else {}

    def save_related(self, signature: str, lists: dict, changed: set[str]) -> None:
        self.signature, self.lists, self.saved = signature, dict(lists), len(changed)


def lists_of(papers: list[Paper], tags: dict, state: Memory | None = None, k: int = 6) -> dict[str, list[str]]:
    return find(papers, tags, tag_order=ORDER, k=k, table=TABLE, state=state).lists


def test_a_vector_holds_the_papers_telling_words_weighed_to_whole_numbers() -> None:
    paper = Paper(id="2401.00001", title="Quadruped locomotion over stepping stones",
                  abstract="We train a quadruped robot to walk over stepping stones with a learned model.")
    vector = word_vector(paper, TABLE)
    words = [w for w, _ in vector]
    assert "quadruped" in words and "stone" in words  # plurals folded as search folds them
    assert "model" not in words and "we" not in words  # too common to tell topics apart, a stopword
    assert len(vector) <= TOP and all(type(n) is int and n > 0 for _, n in vector)
    assert abs(sum(n * n for _, n in vector) - SCALE ** 2) < SCALE * len(vector)  # unit length, scaled
    assert words.index("quadruped") < words.index("walk")  # the title counts more


def item(paper_id: str, words: tuple, authors: tuple, tags: int) -> Item:
    named = [*words, *(("@" + a, AUTHOR_WEIGHT) for a in authors)]
    return Item(paper_id, [feature_key(n) for n, _ in named], [w for _, w in named], tags)


def test_scores_are_symmetric_and_count_authors_and_tags() -> None:
    a = item("a", (("robot", 800), ("stone", 600)), ("ada lovelace",), 0b01)
    b = item("b", (("robot", 800), ("stone", 600)), ("ada lovelace",), 0b11)
    c = item("c", (("robot", 600), ("galaxy", 800)), (), 0b10)
    d = item("d", (("galaxy", 1000),), ("ada lovelace",), 0)
    lists = nearest_all([a, b, c, d], k=3)
    same_words = 800 * 800 + 600 * 600
    author = AUTHOR_WEIGHT ** 2
    assert lists["a"][0] == (same_words + author + TAG, "b") and lists["b"][0] == (same_words + author + TAG, "a")
    assert (800 * 600 + TAG, "c") in lists["b"] and (800 * 600, "c") in lists["a"]  # a and c share no tag
    assert (author, "a") in lists["d"]  # an author alone makes a pair
    assert all(score >= MIN_SCORE for listed in lists.values() for score, _ in listed)
    assert all(other != me for me, listed in lists.items() for _, other in listed)


def test_ties_break_by_id_and_lists_are_deterministic() -> None:
    twins = [item(f"p{i}", (("robot", 1000),), (), 0) for i in range(5)]
    lists = nearest_all(list(reversed(twins)), k=2)
    assert lists["p3"] == [(1_000_000, "p0"), (1_000_000, "p1")]
    assert lists_of(BUNDLED, TAGS) == lists_of(list(reversed(BUNDLED)), TAGS)


def test_the_bundled_archive_gets_lists_of_existing_papers_on_topic() -> None:
    lists = lists_of(BUNDLED, TAGS)
    ids = {p.id for p in BUNDLED}
    assert all(set(listed) <= ids - {me} and len(listed) <= 6 for me, listed in lists.items())
    assert sum(map(len, lists.values())) > len(BUNDLED)  # most papers have some
    by_id = {p.id: p for p in BUNDLED}
    # the two continual-learning papers of the demo find each other
    learning = [p.id for p in BUNDLED if "continual" in p.title.lower() or "lifelong" in p.title.lower()]
    assert len(learning) >= 2 and any(q in lists[learning[0]] for q in learning[1:]), \
        [by_id[q].title for q in lists[learning[0]]]


def _variant(paper: Paper, n: int, donor: Paper) -> Paper:
    """A new paper made of real parts: one paper's title, another's abstract and authors."""
    return dataclasses.replace(paper, id=f"2601.{n:05d}", abstract=donor.abstract, authors=list(donor.authors),
                               featured=[dt.date(2026, 1, 1) + dt.timedelta(days=n % 7)])


days = st.lists(st.tuples(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=6),  # new papers (title, donor)
    st.lists(st.integers(0, 200), max_size=3),  # papers that leave (positions)
    st.lists(st.integers(0, 200), max_size=3),  # papers whose abstract changes
), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=days, k=st.integers(1, 8))
def test_updating_day_by_day_equals_computing_afresh(days, k: int) -> None:
    archive = {p.id: p for p in BUNDLED}
    tags = dict(TAGS)
    state = Memory()
    assert lists_of(list(archive.values()), tags, state, k) == lists_of(list(archive.values()), tags, k=k)
    made = 0
    for new, leave, edit in days:
        for title, donor in new:
            made += 1
            paper = _variant(BUNDLED[title], made, BUNDLED[donor])
            archive[paper.id], tags[paper.id] = paper, TAXONOMY.tags_for(paper)
        ids = sorted(archive)
        for i in leave:
            archive.pop(ids[i % len(ids)], None)
        for i in edit:
            ids = sorted(archive)
            target = archive[ids[i % len(ids)]]
            archive[target.id] = dataclasses.replace(target, abstract=target.abstract + " robot manipulation grasp")
        updated = lists_of(list(archive.values()), tags, state, k)
        assert updated == lists_of(list(archive.values()), tags, k=k)


def test_a_day_touches_only_the_lists_it_changes() -> None:
    state = Memory()
    lists_of(BUNDLED[:-3], TAGS, state)
    assert state.saved == len(BUNDLED) - 3
    outcome = find(BUNDLED, TAGS, tag_order=ORDER, k=6, table=TABLE, state=state)
    assert outcome.computed == 3 and 3 <= outcome.changed < len(BUNDLED) // 2


def test_a_word_table_names_its_broken_line(tmp_path: Path) -> None:
    bad = tmp_path / "words.tsv"
    bad.write_text("*papers*\t10\nrobot\tmany\n", encoding="utf-8")
    with pytest.raises(WordTableError, match=r"words.tsv:2: expected 'word<TAB>count'"):
        WordTable.load(bad)
    bad.write_text("robot\t3\n", encoding="utf-8")
    with pytest.raises(WordTableError, match="how many papers it counted"):
        WordTable.load(bad)
    table = WordTable.count(BUNDLED, least=2)
    assert WordTable.parse(table.dumps(), "x") == table and table.papers == len(BUNDLED)
