"""Related papers: what a paper's vector holds, what a pair scores, and that updating the
lists day by day gives exactly what computing them afresh gives (Hypothesis makes the days)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperfeed.archive.store import paper_files, read_entry
from paperfeed.model import Paper
from paperfeed.related import WordTable, WordTableError, features, find, word_vector
from paperfeed.related import nearest, products
from paperfeed.related.nearest import AUTHOR, MIN_SCORE, MIN_TOTAL, TAG, TOPIC, Item, nearest_all
from paperfeed.related.table import DIMS
from paperfeed.related.vectors import SCALE, TOP, TOPIC_SCALE, feature_key, topic_bytes
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
    paper = Paper(id="2401.00001", title="Quadruped locomotion over stepping stones for robot learning",
                  abstract="We train a quadruped robot to walk over stepping stones with a learned model.")
    vector = word_vector(paper, TABLE)
    words = [w for w, _ in vector]
    assert "quadruped" in words and "stone" in words  # plurals folded as search folds them
    assert "robot learning" in words and "stepping stone" not in words  # a title's word pairs the table knows
    assert "model" not in words and "we" not in words  # too common to tell topics apart, a stopword
    assert len(vector) <= TOP and all(type(n) is int and n > 0 for _, n in vector)
    assert abs(sum(n * n for _, n in vector) - SCALE ** 2) < SCALE * len(vector)  # unit length, scaled
    assert words.index("quadruped") < words.index("walk")  # the title counts more
    topic = place(paper)
    assert len(topic) == DIMS and abs(sum(x * x for x in topic) - TOPIC_SCALE ** 2) < 32 * TOPIC_SCALE
    legged = Paper(id="2401.00002", title="Legged robots cross rough terrain", abstract="A quadruped walks.")
    music = Paper(id="2401.00003", title="Symbolic music generation", abstract="We compose melodies.")
    close, apart = (sum(x * y for x, y in zip(topic, place(p))) for p in (legged, music))
    assert close > 4 * max(apart, 1)  # the topic space knows legged robots from music


def place(paper: Paper) -> list[int]:
    """A paper's place in the topic space, as numbers."""
    return [int(x) for x in np.frombuffer(topic_bytes(features(paper, TABLE, authors=10)["t"]), dtype=np.int8)]


def item(paper_id: str, words: tuple, authors: tuple, tags: int, topic: tuple = ()) -> Item:
    return Item(paper_id, [feature_key(w) for w, _ in words], [n for _, n in words],
                [feature_key("@" + a) for a in authors], np.asarray(topic, dtype=np.int8).tobytes(), tags)


def test_scores_are_symmetric_and_count_authors_and_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nearest, "MIN_TOTAL", MIN_SCORE)  # the parts, before the floor
    a = item("a", (("robot", 800), ("stone", 600)), ("ada lovelace",), 0b01)
    b = item("b", (("robot", 800), ("stone", 600)), ("ada lovelace",), 0b11)
    c = item("c", (("robot", 600), ("stone", 300), ("galaxy", 700)), (), 0b10)
    d = item("d", (("galaxy", 1000), ("robot", 10)), ("ada lovelace",), 0)
    e = item("e", (("robot", 1000),), (), 0b11)
    lists = nearest_all([a, b, c, d, e], k=4)
    same_words = 800 * 800 + 600 * 600
    assert lists["a"][0] == (same_words + AUTHOR + TAG, "b") and lists["b"][0] == (same_words + AUTHOR + TAG, "a")
    near = 800 * 600 + 600 * 300
    assert (near + TAG, "c") in lists["b"] and (near, "c") in lists["a"]  # a and c share no tag
    assert "d" not in [q for _, q in lists["a"]]  # an author and a trace of one word are not a topic
    assert "e" not in [q for _, q in lists["a"] + lists["b"]]  # one shared word is a coincidence
    assert all(score >= MIN_SCORE for listed in lists.values() for score, _ in listed)
    assert all(other != me for me, listed in lists.items() for _, other in listed)


def test_closeness_in_the_topic_space_counts_and_a_floor_keeps_the_weak_pairs_out() -> None:
    words = (("robot", 800), ("stone", 600))
    here, near, far = (127,) + (0,) * 31, (90, 90) + (0,) * 30, (0, 127) + (0,) * 30
    a = item("a", words, (), 0, here)
    b = item("b", words, (), 0, near)
    c = item("c", words, (), 0, far)
    d = item("d", (("robot", 600), ("galaxy", 800)), (), 0, here)
    lists = nearest_all([a, b, c, d], k=3)
    # c shares every term of a but lies at a right angle to it in the topic space: not related
    assert lists["a"] == [(1_000_000 + 90 * 127 * TOPIC // 127 ** 2, "b")] and "a" not in [q for _, q in lists["c"]]
    assert "d" not in dict(map(reversed, lists["a"])) and lists["d"] == []  # one shared term, and no regions given: never compared
    assert all(score >= MIN_TOTAL for listed in lists.values() for score, _ in listed)


def test_ties_break_by_id_and_lists_are_deterministic() -> None:
    twins = [item(f"p{i}", (("robot", 800), ("stone", 600)), (), 0) for i in range(5)]
    lists = nearest_all(list(reversed(twins)), k=2)
    assert lists["p3"] == [(1_000_000, "p0"), (1_000_000, "p1")]
    assert lists_of(BUNDLED, TAGS) == lists_of(list(reversed(BUNDLED)), TAGS)


def test_the_bundled_archive_gets_lists_of_existing_papers_on_topic() -> None:
    lists = lists_of(BUNDLED, TAGS)
    ids = {p.id for p in BUNDLED}
    assert all(set(listed) <= ids - {me} and len(listed) <= 6 for me, listed in lists.items())
    assert sum(map(len, lists.values())) >= 10  # 51 papers of many topics: only some have close ones
    by_id = {p.id: p for p in BUNDLED}
    # the demo's manipulation benchmarks find each other, and its pose estimation papers
    titles = {p.title.split(":")[0]: p.id for p in BUNDLED}
    assert titles["FMB"] in lists[titles["ManiSkill2"]] and titles["ManiSkill2"] in lists[titles["FMB"]]
    assert titles["HopFIR"] in lists[titles["HuPR"]], [by_id[q].title for q in lists[titles["HuPR"]]]


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


def test_a_kept_list_naming_a_paper_nobody_knows_is_computed_again() -> None:
    words = (("robot", 800), ("stone", 600))
    here = (127,) + (0,) * 31
    papers = [item("a", words, (), 0, here), item("b", words, (), 0, here), item("c", words, (), 0)]  # c: no place
    fresh = nearest_all(papers, k=2)
    # a cache whose list of "a" names a paper that is neither in the archive nor in the cache
    kept = {**fresh, "a": [(2_000_000, "ghost")]}
    lists, touched, computed = nearest.update(papers, kept, set(), 2)
    assert lists == fresh and touched == {"a"} and computed == 1
    assert nearest.update(papers, fresh, set(), 2) == (fresh, set(), 0)  # nothing changed: nothing computed


def test_a_word_table_names_its_broken_line(tmp_path: Path) -> None:
    bad = tmp_path / "words.tsv"
    bad.write_text("*papers*\t10\nrobot\tmany\n", encoding="utf-8")
    with pytest.raises(WordTableError, match=r"words.tsv:2: expected 'term<TAB>papers\[<TAB>topic\]'"):
        WordTable.load(bad)
    bad.write_text("robot\t3\n", encoding="utf-8")
    with pytest.raises(WordTableError, match="how many papers it counted"):
        WordTable.load(bad)
    table = WordTable.count(BUNDLED, least=2)
    assert WordTable.parse(table.dumps(), "x").dumps() == table.dumps() and table.papers == len(BUNDLED)
    # a topic space from 51 papers: as many directions as they have
    assert table.topics and {len(v) for v in table.topics.values()} == {50}
    assert all(len(v) == DIMS for v in TABLE.topics.values())
    bad.write_text("*papers*\t10\nrobot\t3\tnot-base64!\n", encoding="utf-8")
    with pytest.raises(WordTableError, match=r"words.tsv:2: .*topic of 1 to 256 bytes in base64"):
        WordTable.load(bad)
    bad.write_text("*papers*\t10\nrobot\t3\tAAAA\nstone\t3\tAAAAAA==\n", encoding="utf-8")
    with pytest.raises(WordTableError, match=r"words.tsv:3: .*topic of 3 bytes in base64 \(as every topic"):
        WordTable.load(bad)


def _everything(matrix: nearest.Matrix, k: int) -> dict[str, list[tuple[int, str]]]:
    """Each paper's list read off every related pair, no pair left out early."""
    rows = np.arange(len(matrix.ids))
    matrix.prepare(rows)
    owner, columns, scores = matrix.scores(rows)
    return {paper_id: products.top(columns[owner == r], scores[owner == r], k, matrix.ids)
            for r, paper_id in enumerate(matrix.ids)}


def _scaled(values: list[int], length: int) -> list[int]:
    """Whole numbers in the direction of ``values`` whose squares sum to about ``length``²."""
    norm = sum(v * v for v in values) ** 0.5
    return [round(v / norm * length) for v in values] if norm else [0] * len(values)


@settings(max_examples=80, deadline=None)
@given(papers=st.lists(st.tuples(st.dictionaries(st.integers(0, 5), st.integers(1, 9), min_size=1, max_size=6),
                                 st.lists(st.integers(-9, 9), min_size=8, max_size=8),
                                 st.integers(0, 7), st.lists(st.integers(0, 3), max_size=2)),
                       min_size=2, max_size=40),
       centres=st.lists(st.lists(st.integers(-9, 9), min_size=8, max_size=8), max_size=6),
       k=st.integers(1, 7))
def test_a_list_leaves_out_only_pairs_that_cannot_be_in_it(papers, centres, k: int) -> None:
    """nearest() skips the closeness of pairs that cannot reach a row's k-th best: never one
    that could (few terms, dimensions and regions, so that every rule is met somewhere)."""
    items = [Item(f"{i:03d}", [feature_key(f"w{w}") for w in words],
                  [max(1, n) for n in _scaled(list(words.values()), SCALE)],
                  [feature_key(f"@{a}") for a in authors],
                  np.array(_scaled(topic, TOPIC_SCALE), dtype=np.int8).tobytes(), tags)
             for i, (words, topic, tags, authors) in enumerate(papers)]
    table = np.array([_scaled(c, TOPIC_SCALE) for c in centres], dtype=np.int8).reshape(-1, 8)
    assert nearest_all(items, k, table) == _everything(nearest.Matrix(items, table), k)


def test_what_closeness_can_add_at_most_never_leaves_out_a_lists_best() -> None:
    """Two papers of one region that are not a close pair are less close than MIN_CLOSENESS,
    no less: A's best is C (shared terms, a cosine of 0.45), not B (no terms, 0.9)."""
    centres = np.array([[127] + [0] * 7, [0, 127] + [0] * 6], dtype=np.int8)

    def paper(paper_id: str, words: dict[str, int], place: list[int]) -> Item:
        return Item(paper_id, [feature_key(w) for w in words], list(words.values()), [],
                    np.array(place + [0] * (8 - len(place)), dtype=np.int8).tobytes(), 0)

    a = paper("a", {"x": 707, "y": 707}, [127])
    b = paper("b", {"q": 1000}, [114, 55])
    c = paper("c", {"x": 495, "y": 495, "w": 714}, [57, 113])
    assert 127 * 57 < nearest.MIN_CLOSENESS <= 127 * 114  # c is not a close pair of a; b is
    assert nearest_all([a, b, c], 1, centres)["a"][0][1] == "c"
    # papers of no common region can be as close as any: d (0.62) tops a's list over b (0.94)
    centres = np.array([[127] + [0] * 7, [0, 127] + [0] * 6, [0, 0, 127] + [0] * 5, [0, 0, 0, 127] + [0] * 4],
                       dtype=np.int8)
    a = paper("a", {"x": 707, "y": 707}, [100, 78])
    b = paper("b", {"q": 1000}, [127, 40])
    d = paper("d", {"x": 424, "y": 424, "w": 800}, [60, 50, 70, 70])
    assert nearest_all([a, b, d], 1, centres)["a"][0][1] == "d"
