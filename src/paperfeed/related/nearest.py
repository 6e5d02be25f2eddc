"""The nearest papers of each paper: exact scores, a clean pass over all, or an update.

Two papers can be related when they share at least two telling terms (vectors.py) whose
products sum to ``MIN_SCORE`` or more: one shared word ("chat") is a coincidence, and
authors alone make a lab's list, not a topic's. Such a pair's score is a whole number,
the same whichever paper asks: the dot product of their term vectors (the same terms
give 1,000,000), their closeness in the topic space (up to ``TOPIC``), ``AUTHOR`` for
each author they share (of each paper's first ten; at most ``MAX_AUTHORS`` count) and
``TAG`` for each tag they share (at most ``MAX_TAGS_COUNTED``). They are related when
it reaches ``MIN_TOTAL``.

A paper's list is its ``k`` highest-scoring related papers, ties broken by id: fewer,
or none, when few papers of the archive are close enough. Because a score depends on the two papers alone, adding papers never
changes an existing pair's score, so an update is exact: the new and changed papers
get full lists; an older paper's list changes only when a new paper beats its last
entry, or when a paper it lists changed or left (then it is computed again). A test
checks that an update equals a clean pass.

Scores come from sparse matrix products (scipy), a block of rows at a time, so
100,000 papers take seconds and a few hundred MB.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp

#: A shared tag (the taxonomy's tags are right nine times in ten) says two papers are in the
#: same field: it counts about as much as a telling shared term, and at most two count.
TAG = 100_000
MAX_TAGS_COUNTED = 2
AUTHOR = 40_000
MAX_AUTHORS = 2
#: What two papers at the same place of the topic space add (their topic vectors have
#: squared length TOPIC_NORM): more than sharing all their terms, as the 256-direction space
#: tells judged pairs apart better than the terms do.
TOPIC = 1_200_000
TOPIC_NORM = 127 * 127
#: Below this, a pair shares too little of its terms to call related.
MIN_SCORE = 60_000
#: Below this in all, two papers are not related enough to list: of 106 pairs judged by
#: reading that scored less, 10% were on topic (none under 400,000), against 57% above it.
#: A higher floor lists more precisely but leaves most pages with fewer than five papers.
MIN_TOTAL = 700_000
#: Terms a related pair shares at least.
MIN_SHARED = 2
#: Bits between the fields of a packed product (see Matrix).
PACK = 42
FIELD = (1 << 21) - 1
#: Rows per block: a block's scores hold a few million numbers.
BLOCK = 512
#: Pairs whose closeness is computed at once.
DOT_CHUNK = 8192
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


class Matrix:
    """Every paper's features as one sparse matrix, rows in id order."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.ids = [item.id for item in items]
        self.row = {paper_id: i for i, paper_id in enumerate(self.ids)}
        # One product gives both what two papers share and how many terms: each weight w is
        # stored as w·2²¹ + 1, so a sum of products is Σw·w'·2⁴² + Σ(w + w')·2²¹ + (shared terms),
        # three fields that never overlap (Σw·w' ≤ 10⁶ < 2²⁰, Σ(w + w') ≤ 4·10⁴, terms ≤ 40).
        self.terms = _sparse([item.keys for item in items], [item.weights for item in items], packed=True)
        self.terms_t = self.terms.T.tocsr()
        self.authors = _sparse([item.authors for item in items], None)
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
        every = np.arange(len(items))
        longest = int(np.max(_dots(self.topics, every, every), initial=0))
        self.topic_most = longest * TOPIC // TOPIC_NORM
        self.tags = np.fromiter((item.tags for item in items), dtype=np.uint64, count=len(items))

    def scores(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The related papers of ``rows`` (``MIN_SCORE`` and ``MIN_SHARED`` met, itself
        left out): row positions, columns and scores, as three arrays."""
        terms = (self.terms[rows] @ self.terms_t).tocsr()
        # the product holds every pair sharing any term, millions a block: two passes over it, no more
        near = np.flatnonzero(terms.data >= MIN_SCORE << PACK)
        near = near[(terms.data[near] & FIELD) >= MIN_SHARED]
        owner = (np.searchsorted(terms.indptr, near, side="right") - 1).astype(np.int64)
        columns = terms.indices[near].astype(np.int64)
        other = columns != rows[owner]
        owner, columns, near = owner[other], columns[other], near[other]
        scores = terms.data[near] >> PACK
        shared_tags = np.bitwise_count(self.tags[rows[owner]] & self.tags[columns]).astype(np.int64)
        scores += TAG * np.minimum(shared_tags, MAX_TAGS_COUNTED)
        # only pairs that shared authors and the closest place could lift to MIN_TOTAL go on:
        # most cannot, and looking up both for every pair is the costliest step of all
        hopeful = np.flatnonzero(scores + (self.topic_most + AUTHOR * MAX_AUTHORS) >= MIN_TOTAL)
        owner, columns, scores = owner[hopeful], columns[hopeful], scores[hopeful]
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
            closeness = _dots(self.topics, rows[owner], columns)
            scores += closeness * TOPIC // TOPIC_NORM
        keep = scores >= MIN_TOTAL
        return owner[keep].astype(np.int32), columns[keep].astype(np.int32), scores[keep]

    def nearest(self, rows: Iterable[int], k: int) -> dict[str, Neighbours]:
        """Full lists for ``rows``."""
        rows = np.fromiter(sorted(set(rows)), dtype=np.int64)
        out: dict[str, Neighbours] = {}
        ids = self.ids
        blocks = [rows[start:start + BLOCK] for start in range(0, len(rows), BLOCK)]
        for block, (owner, columns, scores) in zip(blocks, self.each_block(blocks)):  # grouped by row already
            first = np.searchsorted(owner, np.arange(len(block) + 1))
            for r, i in enumerate(block.tolist()):
                a, b = int(first[r]), int(first[r + 1])
                out[ids[i]] = _best(columns[a:b], scores[a:b], k, ids)
        return out

    def each_block(self, blocks: Sequence[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``scores`` of each block, in order, computed on every core: scipy's products and
        numpy's passes let go of the GIL, and each block's result depends on it alone."""
        if len(blocks) < 2 or WORKERS < 2:
            yield from map(self.scores, blocks)
            return
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            yield from pool.map(self.scores, blocks)


def _dots(topics: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The dot products of rows ``left`` and ``right`` of ``topics`` (signed bytes), exact:
    a few thousand pairs at a time, so a block's hundreds of thousands of pairs never
    hold their rows at once (256 bytes each, twice)."""
    out = np.empty(len(left), dtype=np.int64)
    for start in range(0, len(left), DOT_CHUNK):
        end = start + DOT_CHUNK
        # 32-bit sums are exact: 256 products of at most 128·128
        out[start:end] = np.einsum("ij,ij->i", topics[left[start:end]], topics[right[start:end]], dtype=np.int32)
    return out


def _sparse(keys: Sequence[Sequence[int]], weights: Sequence[Sequence[int]] | None, *,
            packed: bool = False) -> sp.csr_matrix:
    """Rows of (feature number, weight) as a matrix whose columns are the features seen
    (``weights`` None: each weighs 1; ``packed``: weights w become w·2²¹ + 1)."""
    counts = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    indptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    total = int(indptr[-1])
    flat = np.fromiter(chain.from_iterable(keys), dtype=np.int64, count=total)
    data = (np.ones(total, dtype=np.int32) if weights is None
            else np.fromiter(chain.from_iterable(weights), dtype=np.int32, count=total))
    if packed:
        data = (data.astype(np.int64) << (PACK // 2)) + 1
    names, columns = np.unique(flat, return_inverse=True)  # feature numbers → columns 0..n-1
    # 32-bit numbers: a score stays under 2 million, and half the bytes is half the time
    matrix = sp.csr_matrix((data, columns.astype(np.int32).ravel(), indptr.astype(np.int32)),
                           shape=(len(keys), max(1, len(names))))
    matrix.sort_indices()
    return matrix


def _best(columns: np.ndarray, scores: np.ndarray, k: int, ids: list[str]) -> Neighbours:
    if len(scores) > k:  # everything tied with the k-th best stays, so ties break by id below
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        columns, scores = columns[keep], scores[keep]
    # best first, ties by id: rows are in id order, so a column's number sorts as its id
    order = np.lexsort((columns, -scores))[:k]
    return [(s, ids[c]) for s, c in zip(scores[order].tolist(), columns[order].tolist())]


def nearest_all(items: Sequence[Item], k: int) -> dict[str, Neighbours]:
    """Every paper's list, computed from scratch."""
    matrix = Matrix(sorted(items, key=lambda item: item.id))
    return matrix.nearest(range(len(matrix.ids)), k)


def update(items: Sequence[Item], before: Mapping[str, Neighbours], changed: set[str], k: int
           ) -> tuple[dict[str, Neighbours], set[str], int]:
    """Every paper's list, from the lists ``before`` of the papers whose features did not
    change, given the ids that ``changed`` (edited, or gone: absent from ``items``). Returns
    the lists, the ids whose list changed and how many lists were computed in full."""
    matrix = Matrix(sorted(items, key=lambda item: item.id))
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
