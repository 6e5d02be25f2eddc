"""Regions of the topic space: which papers are compared by place alone, found exactly
(against a brute-force reading of the rule) and the same whichever papers ask."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from paperfeed.related import WordTable, WordTableError
from paperfeed.related import clusters
from paperfeed.related.clusters import centroids, close_pairs, regions
from paperfeed.related.nearest import MIN_TOTAL, TOPIC, TOPIC_NORM, Item, Matrix, nearest_all, update
from paperfeed.related.vectors import feature_key, regions_of


def unit(*values: int, dims: int = 8) -> np.ndarray:
    return np.array(list(values) + [0] * (dims - len(values)), dtype=np.int8)


def test_a_paper_belongs_to_its_nearest_regions_ties_to_the_lower_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clusters, "MEMBERSHIP", 2)
    centres = np.array([unit(0, 0, 127), unit(0, 127), unit(127), unit(0, 127)], dtype=np.int8)
    topics = np.array([unit(100, 60, 20), unit(0, 0, 0, 0, 127), unit(0, 0, 0, 0, 0)], dtype=np.int8)
    found = clusters.regions(topics, centres)
    assert found.shape == (3, 2)
    assert found[0].tolist() == [1, 2]  # 2 is nearest; 1 and 3 tie for second: the lower number
    assert found[1].tolist() == [0, 1]  # every dot is 0: the lowest numbers, in order
    assert found[2].tolist() == [-1, -1]  # no place: no region


@settings(max_examples=40, deadline=None)
@given(topics=hnp.arrays(np.int8, st.tuples(st.integers(1, 30), st.just(6))),
       centres=hnp.arrays(np.int8, st.tuples(st.integers(1, 7), st.just(6))))
def test_a_papers_regions_are_the_same_alone_or_among_all(topics, centres) -> None:
    """A build cache keeps each paper's regions (vectors.features): found alone, they are
    the ones a Matrix finds for the whole archive at once."""
    table = WordTable(papers=1, df={}, regions=centres)
    alone = [regions_of(row.tobytes(), table) for row in topics]
    together = regions(topics, centres)
    assert alone == together.tolist()
    assert regions_of(b"", table) == [-1] * together.shape[1]  # no place at all: no region
    items = [Item(f"{i:02d}", [], [], [], row.tobytes(), 0, tuple(regions_of(row.tobytes(), table)) or None)
             for i, row in enumerate(topics)]
    assert np.array_equal(Matrix(items, centres).member_of, together)


def brute(topics: np.ndarray, member_of: np.ndarray, least: int) -> set[tuple[int, int, int]]:
    """The rule read literally: every ordered pair sharing a region, as close as ``least``."""
    dots = topics.astype(np.int64) @ topics.astype(np.int64).T
    return {(i, j, int(dots[i, j])) for i in range(len(topics)) for j in range(len(topics))
            if i != j and dots[i, j] >= least and set(member_of[i]) & set(member_of[j]) - {-1}}


@settings(max_examples=60, deadline=None)
@given(topics=hnp.arrays(np.int8, st.tuples(st.integers(1, 40), st.just(6))),
       centres=hnp.arrays(np.int8, st.tuples(st.integers(1, 7), st.just(6))),
       least=st.integers(-20_000, 40_000), asking=st.sets(st.integers(0, 39)))
def test_close_pairs_are_exactly_the_rule_for_any_rows(topics, centres, least, asking) -> None:
    member_of = regions(topics, centres)
    expected = brute(topics, member_of, least)
    rows = sorted(r for r in asking if r < len(topics))
    left, right, dots = close_pairs(topics, member_of, rows, least=least)
    found = list(zip(left.tolist(), right.tolist(), dots.tolist()))
    assert found == sorted(found) and len(set(found)) == len(found)  # by row then column, each pair once
    assert set(found) == {p for p in expected if p[0] in set(rows)}


def test_centroids_find_the_groups_of_a_corpus_and_are_deterministic() -> None:
    rng = np.random.default_rng(7)
    axes = np.eye(16) * 120
    places = np.vstack([np.clip(np.round(axes[g] + rng.normal(0, 15, size=(40, 16))), -127, 127)
                        for g in range(8)]).astype(np.int8)  # eight groups of forty papers
    found = centroids(places)
    assert found.dtype == np.int8 and len(found) == len(places) // 30
    assert np.array_equal(found, centroids(places))
    nearest = np.argmax(places.astype(np.int32) @ found.astype(np.int32).T, axis=1)
    groups = [set(nearest[g * 40:(g + 1) * 40].tolist()) for g in range(8)]
    assert all(len(g) <= 2 for g in groups)  # a group's papers share their nearest region
    assert len(centroids(places[:59])) == 0  # too few papers to have regions


def item(paper_id: str, words: tuple, topic: np.ndarray) -> Item:
    return Item(paper_id, [feature_key(w) for w, _ in words], [n for _, n in words], [], topic.tobytes(), 0)


def test_papers_of_one_region_are_related_without_sharing_terms() -> None:
    centres = np.array([unit(127), unit(0, 127)], dtype=np.int8)
    a = item("a", (("lidar", 1000),), unit(127))
    b = item("b", (("point cloud", 1000),), unit(120, 40))
    c = item("c", (("music", 1000),), unit(0, 127))
    lists = nearest_all([a, b, c], 3, centres)
    close = 127 * 120
    assert lists["a"] == [(close * TOPIC // TOPIC_NORM, "b")] and lists["c"] == []
    assert close * TOPIC // TOPIC_NORM >= MIN_TOTAL
    assert nearest_all([a, b, c], 3)["a"] == []  # without regions, only shared terms relate papers
    # a day adds b: the update finds the pair as the clean pass does
    before = nearest_all([a, c], 3, centres)
    assert update([a, b, c], before, set(), 3, centres)[0] == lists


def test_a_word_table_keeps_its_regions_and_names_a_misnumbered_one(tmp_path) -> None:
    table = WordTable.default()
    assert table.regions.shape == (256, 256)
    again = WordTable.parse(table.dumps(), "again")
    assert np.array_equal(again.regions, table.regions) and again.dumps() == table.dumps()
    bad = tmp_path / "words.tsv"
    code = "f" * 8
    bad.write_text(f"*papers*\t10\n*region*\t0\t{code}\n*region*\t2\t{code}\n", encoding="utf-8")
    with pytest.raises(WordTableError, match=r"words.tsv:3: .*'\*region\*<TAB>number<TAB>centroid' numbered from 0"):
        WordTable.load(bad)
