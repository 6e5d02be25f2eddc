"""The nearest papers of each paper: exact scores, a clean pass over all, or an update.

A pair's score is a whole number, the same whichever paper asks:

* the dot product of the two papers' features (vectors.py): their words, scaled so the
  same words give 1,000,000, and each shared author (of each paper's first ten), 60,025;
* and, when that reaches ``MIN_SCORE``, ``TAG`` for each tag they share.

A paper's list is its ``k`` highest-scoring others with at least ``MIN_SCORE``, ties
broken by id. Because a score depends on the two papers alone, adding papers never
changes an existing pair's score, so an update is exact: the new and changed papers
get full lists; an older paper's list changes only when a new paper beats its last
entry, or when a paper it lists changed or left (then it is computed again). A test
checks that an update equals a clean pass.

Scores come from sparse matrix products (scipy), a block of rows at a time, so
100,000 papers take seconds and a few hundred MB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp

TAG = 20_000
#: Below this, a pair shares too few words (or authors) to call related.
MIN_SCORE = 60_000
#: Rows per block: a block's scores hold a few million numbers.
BLOCK = 512

Neighbours = list[tuple[int, str]]  # (score, id), best first


@dataclass(frozen=True)
class Item:
    """One paper as the similarity sees it: feature numbers and weights (vectors.features),
    and a bit per tag."""

    id: str
    keys: Sequence[int]
    weights: Sequence[int]
    tags: int


class Matrix:
    """Every paper's features as one sparse matrix, rows in id order."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.ids = [item.id for item in items]
        self.row = {paper_id: i for i, paper_id in enumerate(self.ids)}
        counts = np.fromiter((len(item.keys) for item in items), dtype=np.int64, count=len(items))
        indptr = np.zeros(len(items) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        total = int(indptr[-1])
        keys = np.fromiter(chain.from_iterable(item.keys for item in items), dtype=np.int64, count=total)
        weights = np.fromiter(chain.from_iterable(item.weights for item in items), dtype=np.int32, count=total)
        names, columns = np.unique(keys, return_inverse=True)  # feature numbers → columns 0..n-1
        # 32-bit numbers: a score stays under 2 million, and half the bytes is half the time
        self.features = sp.csr_matrix((weights, columns.astype(np.int32), indptr.astype(np.int32)),
                                      shape=(len(items), max(1, len(names))))
        self.features.sort_indices()
        self.features_t = self.features.T.tocsr()
        self.tags = np.fromiter((item.tags for item in items), dtype=np.uint64, count=len(items))

    def scores(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The scores of ``rows`` against every other paper of at least ``MIN_SCORE``: row
        positions, columns and scores, as three arrays."""
        product = (self.features[rows] @ self.features_t).tocsr()
        # most pairs share a middling word or two: only those near enough get their tags counted
        near = np.flatnonzero(product.data >= MIN_SCORE)
        owner = (np.searchsorted(product.indptr, near, side="right") - 1).astype(np.int32)
        columns = product.indices[near]
        other = columns != rows[owner]
        owner, columns, near = owner[other], columns[other], near[other]
        shared = np.bitwise_count(self.tags[rows[owner]] & self.tags[columns]).astype(np.int32)
        return owner, columns, product.data[near] + TAG * shared

    def nearest(self, rows: Iterable[int], k: int) -> dict[str, Neighbours]:
        """Full lists for ``rows``."""
        rows = np.fromiter(sorted(set(rows)), dtype=np.int64)
        out: dict[str, Neighbours] = {}
        ids = self.ids
        for start in range(0, len(rows), BLOCK):
            block = rows[start:start + BLOCK]
            owner, columns, scores = self.scores(block)  # grouped by row already
            first = np.searchsorted(owner, np.arange(len(block) + 1))
            for r, i in enumerate(block.tolist()):
                a, b = int(first[r]), int(first[r + 1])
                out[ids[i]] = _best(columns[a:b], scores[a:b], k, ids)
        return out


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
    gone = (set(before) - present.keys()) | changed
    stale = {p for p, listed in before.items() if p in present and p not in changed
             and any(q in gone or q not in present for _, q in listed)}
    fresh = {p for p in matrix.ids if p not in before} | (changed & present.keys()) | stale
    lists = {p: before[p] for p in matrix.ids if p not in fresh}
    lists.update(matrix.nearest((present[p] for p in fresh), k))
    touched = set(fresh)
    new = sorted(fresh - stale)
    # an older list takes a new paper in only when it beats that list's last entry
    rows = np.array([present[p] for p in new], dtype=np.int64)
    for start in range(0, len(rows), BLOCK):
        block = rows[start:start + BLOCK]
        owner, columns, scores = matrix.scores(block)
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
