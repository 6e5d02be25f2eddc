"""The nearest papers of each paper: exact scores, a clean pass over all, or an update.

Two papers can be related when they share at least two telling terms (vectors.py) whose
products sum to ``MIN_SCORE`` or more (one shared word, "chat", is a coincidence, and
authors alone make a lab's list, not a topic's), or when they lie in a region of the
topic space together (clusters.py) with topic vectors at least ``MIN_CLOSENESS`` close:
papers on one problem often share few words. Such a pair's score is a whole number,
the same whichever paper asks: the dot product of their term vectors (the same terms
give 1,000,000), their closeness in the topic space (up to ``TOPIC``), ``AUTHOR`` for
each author they share (of each paper's first ten; at most ``MAX_AUTHORS`` count) and
``TAG`` for each tag they share (at most ``MAX_TAGS_COUNTED``); a pair sharing a region
but not enough terms counts no terms. They are related when it reaches ``MIN_TOTAL`` and
they are at least ``MIN_PLACE`` close in the topic space.

A paper's list is its ``k`` highest-scoring related papers, ties broken by id: fewer,
or none, when few papers of the archive are close enough. Because a score depends on
the two papers alone (and on the word table), adding papers never
changes an existing pair's score, so an update is exact: the new and changed papers
get full lists; an older paper's list changes only when a new paper beats its last
entry, or when a paper it lists changed or left (then it is computed again). A test
checks that an update equals a clean pass.

Scores come from sparse matrix products (scipy), a block of rows at a time, and
close pairs from dense products within each region, so 100,000 papers take seconds
and a few hundred MB. Closeness is the costly part of a score (256 bytes a pair, and
a paper shares terms with hundreds of others), so a list computes it only for pairs that
could still enter: a row's close pairs, whose closeness is known, set a floor (their
``k``-th best score), and a pair sharing a region without being a close pair is less
close than ``MIN_CLOSENESS``. Tests check that this never leaves out a list's best.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np

import paperfeed.related.clusters as clusters
from paperfeed.related.clusters import close_pairs, regions
from paperfeed.related.products import FIELD, PACK, dots, norms, sparse, top

#: A shared tag (the taxonomy's tags are right nine times in ten) says two papers are in the
#: same field: it counts about as much as a telling shared term, and at most two count.
TAG = 100_000
MAX_TAGS_COUNTED = 2
AUTHOR = 40_000
MAX_AUTHORS = 2
#: What two papers at the same place of the topic space add (their topic vectors have
#: squared length TOPIC_NORM): more than sharing all their terms, as the 256-direction space
#: tells judged pairs apart better than the terms do.
TOPIC = 1_500_000
TOPIC_NORM = 127 * 127
#: Papers further apart than this in the topic space (a cosine of 0.4) are not related,
#: whatever words they share: of the judged pairs sharing words that readers called off
#: topic, most lay further apart ("retrieval" in a UI paper and in a RAG benchmark).
MIN_PLACE = TOPIC_NORM * 2 // 5
#: Below this, a pair shares too little of its terms to call related.
MIN_SCORE = 60_000
#: Papers of one region this close in the topic space (a cosine of 0.5) can be related
#: without sharing terms; looser, and the pairs to score grow tenfold.
MIN_CLOSENESS = TOPIC_NORM // 2
#: Below this in all, two papers are not related enough to list. A higher floor lists
#: more precisely but leaves many pages with fewer than five papers (scripts/bench_related.py).
MIN_TOTAL = 800_000
#: Terms a related pair shares at least.
MIN_SHARED = 2
#: Rows per block: a block's scores hold a few million numbers.
BLOCK = 512
#: Blocks computed at once: one a core (more would only hold more blocks in memory).
WORKERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)

Neighbours = list[tuple[int, str]]  # (score, id), best first


@dataclass(frozen=True)
class Item:
    """One paper as the similarity sees it (vectors.features): its terms' numbers and
    weights, its authors' numbers, and a bit per tag."""

    id: str
    keys: Sequence[int]
    weights: Sequence[int]
    authors: Sequence[int]
    topic: bytes
    tags: int
    #: its regions of the topic space (clusters.regions), when known: else the Matrix finds them
    regions: tuple[int, ...] | None = None


class Matrix:
    """Every paper's features as one sparse matrix, rows in id order."""

    def __init__(self, items: Sequence[Item], centres: np.ndarray | None = None) -> None:
        self.ids = [item.id for item in items]
        self.row = {paper_id: i for i, paper_id in enumerate(self.ids)}
        # One product gives both what two papers share and how many terms: each weight w is
        # stored as w·2²¹ + 1, so a sum of products is Σw·w'·2⁴² + Σ(w + w')·2²¹ + (shared terms),
        # three fields that never overlap (Σw·w' ≤ 10⁶ < 2²⁰, Σ(w + w') ≤ 4·10⁴, terms ≤ 40).
        self.terms = sparse([item.keys for item in items], [item.weights for item in items], packed=True)
        self.terms_t = self.terms.T.tocsr()
        self.authors = sparse([item.authors for item in items], None)
        dims = max((len(item.topic) for item in items), default=0)
        if dims and all(len(item.topic) == dims for item in items):  # as a build's are: one copy, not 100,000
            self.topics = np.frombuffer(b"".join(item.topic for item in items), dtype=np.int8).reshape(-1, dims)
        else:
            self.topics = np.zeros((len(items), dims), dtype=np.int8)  # no topic: all zeros, no share
            for i, item in enumerate(items):
                if len(item.topic) == dims:
                    self.topics[i] = np.frombuffer(item.topic, dtype=np.int8)
        self.authors_t = self.authors.T.tocsr()
        # the most closeness can add (Cauchy-Schwarz: no pair is closer than the longest vector to itself)
        self.longest = int(np.max(norms(self.topics), initial=0))
        self.tags = np.fromiter((item.tags for item in items), dtype=np.uint64, count=len(items))
        use = centres is not None and len(centres) and centres.shape[1] == self.topics.shape[1]
        self.member_of = np.zeros((len(items), 0), dtype=np.int32)
        if use:
            count = min(clusters.MEMBERSHIP, len(centres))
            if all(item.regions is not None and len(item.regions) == count for item in items):
                self.member_of = np.array([item.regions for item in items], dtype=np.int32).reshape(-1, count)
            else:
                self.member_of = regions(self.topics, centres)
        # close pairs of the papers asked about so far (prepare): by row, as arrays, and where each row's start
        self.close_asked = np.zeros(len(items), dtype=bool)
        self.close = (np.zeros(0, np.int32),) * 3
        self.close_start = np.zeros(len(items) + 1, dtype=np.int64)

    def prepare(self, rows: np.ndarray) -> None:
        """Find the close pairs (clusters.close_pairs) of ``rows``, which ``scores`` needs."""
        rows = rows[~self.close_asked[rows]]
        if not len(rows) or not self.member_of.size:
            return
        self.close_asked[rows] = True
        found = close_pairs(self.topics, self.member_of, rows, least=MIN_CLOSENESS, workers=WORKERS)
        if len(self.close[0]):  # more rows than before (update): merge, by row then column
            left, right, dots = (np.concatenate([a, b]) for a, b in zip(self.close, found))
            order = np.lexsort((right, left))
            found = left[order], right[order], dots[order]
        self.close = found
        self.close_start = np.searchsorted(self.close[0], np.arange(len(self.ids) + 1))

    def scores(self, rows: np.ndarray, best: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The related papers of ``rows`` (sorted; ``MIN_SCORE`` and ``MIN_SHARED`` met, itself
        left out): row positions, columns and scores, as three arrays. With ``best``, only
        pairs that may be among a row's ``best`` highest: what a row's own list needs."""
        terms = (self.terms[rows] @ self.terms_t).tocsr()
        # the product holds every pair sharing any term, millions a block: two passes over it, no more
        near = np.flatnonzero(terms.data >= MIN_SCORE << PACK)
        near = near[(terms.data[near] & FIELD) >= MIN_SHARED]
        owner = (np.searchsorted(terms.indptr, near, side="right") - 1).astype(np.int64)
        columns = terms.indices[near].astype(np.int64)
        other = columns != rows[owner]
        owner, columns, near = owner[other], columns[other], near[other]
        scores = terms.data[near] >> PACK
        owner, columns, scores, closeness = self._with_close(rows, owner, columns, scores)
        shared_tags = np.bitwise_count(self.tags[rows[owner]] & self.tags[columns]).astype(np.int64)
        scores += TAG * np.minimum(shared_tags, MAX_TAGS_COUNTED)
        # only pairs that shared authors and the closest place they can have could lift to the
        # floor go on: most cannot, and looking up both for every pair is the costliest step
        floor = self._floor(owner, scores, closeness, len(rows), best)[owner] - AUTHOR * MAX_AUTHORS - scores
        most = np.where(closeness >= 0, closeness, self.longest)
        hopeful = np.flatnonzero(most * TOPIC // TOPIC_NORM >= floor)
        # of those, two papers of one region that are not a close pair are less close than MIN_CLOSENESS
        alone = hopeful[closeness[hopeful] < 0]
        if len(alone) and self.member_of.size:
            apart = ~self._together(rows[owner[alone]], columns[alone])
            hopeful = np.union1d(hopeful[closeness[hopeful] >= 0],
                                 alone[apart | ((MIN_CLOSENESS - 1) * TOPIC // TOPIC_NORM >= floor[alone])])
        owner, columns, scores, closeness = owner[hopeful], columns[hopeful], scores[hopeful], closeness[hopeful]
        # shared authors of these pairs: look each pair up among the author product's entries
        authors = (self.authors[rows] @ self.authors_t).tocsr()
        if authors.nnz and len(owner):
            authors.sort_indices()  # rows in order, columns in order within each: keys come sorted
            n = len(self.ids)
            keys = np.repeat(np.arange(len(rows), dtype=np.int64) * n, np.diff(authors.indptr)) + authors.indices
            wanted = owner * n + columns
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            found = keys[at] == wanted
            scores[found] += AUTHOR * np.minimum(authors.data[at[found]], MAX_AUTHORS)
        if self.topics.shape[1]:  # closeness in the topic space: TOPIC for the same place
            unknown = np.flatnonzero(closeness < 0)
            closeness[unknown] = dots(self.topics[rows], owner[unknown], self.topics, columns[unknown])
            scores += closeness * TOPIC // TOPIC_NORM
            keep = np.flatnonzero((scores >= MIN_TOTAL) & (closeness >= MIN_PLACE))
        else:
            keep = np.flatnonzero(scores >= MIN_TOTAL)
        keep = keep[np.argsort(owner[keep], kind="stable")]  # grouped by row, as nearest reads them
        return owner[keep].astype(np.int32), columns[keep].astype(np.int32), scores[keep]

    def _with_close(self, rows: np.ndarray, owner: np.ndarray, columns: np.ndarray, scores: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The pairs sharing terms, and the close pairs of ``rows`` that do not, with their
        closeness where known (-1: not yet)."""
        closeness = np.full(len(owner), -1, dtype=np.int64)
        if not self.member_of.size:
            return owner, columns, scores, closeness
        assert self.close_asked[rows].all(), "prepare() the rows first"
        starts, ends = self.close_start[rows], self.close_start[rows + 1]
        counts = ends - starts
        at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        close_owner = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
        close_columns, close_dots = self.close[1][at].astype(np.int64), self.close[2][at]
        # rows ascending, each row's close pairs by column: their keys come sorted
        n = len(self.ids)
        close_keys, keys = close_owner * n + close_columns, owner * n + columns
        place = np.minimum(np.searchsorted(close_keys, keys), max(len(close_keys) - 1, 0))
        known = np.flatnonzero(close_keys[place] == keys) if len(close_keys) else place[:0]
        closeness[known] = close_dots[place[known]]
        new = np.ones(len(close_keys), dtype=bool)
        new[place[known]] = False  # close pairs sharing enough terms are term pairs already
        return (np.concatenate([owner, close_owner[new]]), np.concatenate([columns, close_columns[new]]),
                np.concatenate([scores, np.zeros(int(new.sum()), dtype=scores.dtype)]),
                np.concatenate([closeness, close_dots[new].astype(np.int64)]))

    def _together(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Whether papers ``left[i]`` and ``right[i]`` share a region."""
        mine, theirs = self.member_of[left], self.member_of[right]
        out = np.zeros(len(left), dtype=bool)
        for m in range(mine.shape[1]):
            for t in range(theirs.shape[1]):
                out |= (mine[:, m] == theirs[:, t]) & (mine[:, m] >= 0)
        return out

    @staticmethod
    def _floor(owner: np.ndarray, scores: np.ndarray, closeness: np.ndarray, rows: int, best: int) -> np.ndarray:
        """Each row's floor: ``MIN_TOTAL``, or with ``best``, the ``best``-th highest score its
        pairs of known closeness reach at least (authors can only add), when that is higher.
        A pair whose score cannot reach it is not among the row's ``best``."""
        floor = np.full(rows, MIN_TOTAL, dtype=np.int64)
        if not best:
            return floor
        known = np.flatnonzero(closeness >= MIN_PLACE)
        least = scores[known] + closeness[known] * TOPIC // TOPIC_NORM
        sure = least >= MIN_TOTAL
        mine, least = owner[known][sure], least[sure]
        order = np.lexsort((-least, mine))
        mine, least = mine[order], least[order]
        count = np.bincount(mine, minlength=rows)
        full = np.flatnonzero(count >= best)
        floor[full] = least[np.searchsorted(mine, full) + best - 1]
        return floor

    def nearest(self, rows: Iterable[int], k: int) -> dict[str, Neighbours]:
        """Full lists for ``rows``."""
        rows = np.fromiter(sorted(set(rows)), dtype=np.int64)
        self.prepare(rows)
        out: dict[str, Neighbours] = {}
        ids = self.ids
        blocks = [rows[start:start + BLOCK] for start in range(0, len(rows), BLOCK)]
        for block, (owner, columns, scores) in zip(blocks, self.each_block(blocks, best=k)):  # grouped by row
            first = np.searchsorted(owner, np.arange(len(block) + 1))
            for r, i in enumerate(block.tolist()):
                a, b = int(first[r]), int(first[r + 1])
                out[ids[i]] = top(columns[a:b], scores[a:b], k, ids)
        return out

    def each_block(self, blocks: Sequence[np.ndarray], best: int = 0
                   ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``scores`` of each block, in order, computed on every core: scipy's products and
        numpy's passes let go of the GIL, and each block's result depends on it alone."""
        score = partial(self.scores, best=best)
        if len(blocks) < 2 or WORKERS < 2:
            yield from map(score, blocks)
            return
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            yield from pool.map(score, blocks)


def nearest_all(items: Sequence[Item], k: int, centres: np.ndarray | None = None) -> dict[str, Neighbours]:
    """Every paper's list, computed from scratch (``centres``: the topic space's regions)."""
    matrix = Matrix(sorted(items, key=lambda item: item.id), centres)
    return matrix.nearest(range(len(matrix.ids)), k)


def update(items: Sequence[Item], before: Mapping[str, Neighbours], changed: set[str], k: int,
           centres: np.ndarray | None = None) -> tuple[dict[str, Neighbours], set[str], int]:
    """Every paper's list, from the lists ``before`` of the papers whose features did not
    change, given the ids that ``changed`` (edited, or gone: absent from ``items``). Returns
    the lists, the ids whose list changed and how many lists were computed in full."""
    matrix = Matrix(sorted(items, key=lambda item: item.id), centres)
    present = matrix.row
    # the papers a kept list may no longer show: gone, changed, or never seen (a cache's own doing)
    listed_ids = {q for listed in before.values() for _, q in listed}
    gone = (set(before) - present.keys()) | changed | (listed_ids - present.keys())
    stale = {p for p, listed in before.items() if p in present and p not in changed
             and any(q in gone for _, q in listed)} if gone & listed_ids else set()
    fresh = {p for p in matrix.ids if p not in before} | (changed & present.keys()) | stale
    lists = {p: before[p] for p in matrix.ids if p not in fresh}
    lists.update(matrix.nearest((present[p] for p in fresh), k))
    touched = set(fresh)
    new = sorted(fresh - stale)
    # an older list takes a new paper in only when it beats that list's last entry
    rows = np.array([present[p] for p in new], dtype=np.int64)
    matrix.prepare(rows)
    blocks = [rows[start:start + BLOCK] for start in range(0, len(rows), BLOCK)]
    for block, (owner, columns, scores) in zip(blocks, matrix.each_block(blocks)):
        for r, j, score in zip(owner.tolist(), columns.tolist(), scores.tolist()):
            other = matrix.ids[j]
            if other in fresh:
                continue
            listed = lists[other]
            entry = (score, matrix.ids[int(block[r])])
            if len(listed) < k or (-score, entry[1]) < (-listed[-1][0], listed[-1][1]):
                lists[other] = sorted([*listed, entry], key=lambda e: (-e[0], e[1]))[:k]
                touched.add(other)
    return lists, touched, len(fresh)
