"""The exact arithmetic of related papers: sparse matrices of features, dot products of
topic vectors (signed bytes), and the best of a row. Every number is a whole number, so
a clean build and a daily update agree to the last bit on any machine."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp

#: Bits between the fields of a packed product (see nearest.Matrix).
PACK = 42
FIELD = (1 << 21) - 1
#: Feature numbers below this are a matrix's columns as they are (a word table's terms);
#: others (64-bit keys) are numbered afresh.
COLUMNS = 1 << 24
#: Rows whose length is computed at once.
DOT_CHUNK = 8192


def dots(left: np.ndarray, at: np.ndarray, right: np.ndarray, to: np.ndarray) -> np.ndarray:
    """The dot products of rows ``left[at]`` and ``right[to]`` (signed bytes), exact, for
    pairs that share few ``at`` (a block's rows): one matrix-vector product per row of
    ``left``, in float32, three times faster than a product per pair. float32 is exact
    here: no sum of at most 256 products of at most 128·128 reaches 2²⁴."""
    out = np.empty(len(at), dtype=np.int64)
    if not len(at):
        return out
    order = np.argsort(at, kind="stable")
    owners, starts = np.unique(at[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    found = np.empty(len(order), dtype=np.float32)
    rows = left[owners].astype(np.float32)
    for row, start, end in zip(rows, starts.tolist(), ends.tolist()):
        found[start:end] = right[to[order[start:end]]].astype(np.float32) @ row
    out[order] = found.astype(np.int64)
    return out


def norms(topics: np.ndarray) -> np.ndarray:
    """Each row's squared length (signed bytes), exact, a few thousand rows at a time."""
    out = np.empty(len(topics), dtype=np.int64)
    for start in range(0, len(topics), DOT_CHUNK):
        # 32-bit sums are exact: 256 products of at most 128·128
        out[start:start + DOT_CHUNK] = np.einsum("ij,ij->i", topics[start:start + DOT_CHUNK],
                                                 topics[start:start + DOT_CHUNK], dtype=np.int32)
    return out


def sparse(keys: Sequence[Sequence[int]], weights: Sequence[Sequence[int]] | None, *,
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
    if total and 0 <= flat.min() and flat.max() < COLUMNS:  # the word table's numbers: columns as they are
        columns, width = flat, int(flat.max()) + 1
    else:  # 64-bit keys (authors): columns 0..n-1, in order
        names, columns = np.unique(flat, return_inverse=True)
        width = len(names)
    # 32-bit numbers: a score stays under 2 million, and half the bytes is half the time
    matrix = sp.csr_matrix((data, columns.astype(np.int32).ravel(), indptr.astype(np.int32)),
                           shape=(len(keys), max(1, width)))
    matrix.sort_indices()
    return matrix


def top(columns: np.ndarray, scores: np.ndarray, k: int, ids: list[str]) -> list[tuple[int, str]]:
    """The ``k`` best of one row's related papers (columns and scores) as (score, id), best first."""
    if len(scores) > k:  # everything tied with the k-th best stays, so ties break by id below
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        columns, scores = columns[keep], scores[keep]
    # best first, ties by id: rows are in id order, so a column's number sorts as its id
    order = np.lexsort((columns, -scores))[:k]
    return [(s, ids[c]) for s, c in zip(scores[order].tolist(), columns[order].tolist())]
