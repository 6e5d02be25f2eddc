"""Every indexed paper's words as numbers: what the index is cut from, kept between builds.

A paper's words and impacts (``index.packed``) depend on the paper alone, so a
build keeps them all, numbered, in a few flat arrays (``Words.dumps``, stored by
the build cache), with the key each paper's words were computed under. The next
build takes every paper whose key is unchanged as a slice of those arrays, and
computes the words of the others only: at 100,000 papers, a day's update no
longer decodes and numbers fifteen million words again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from paperfeed.search.index import Doc, unpacked
from paperfeed.search.postings import COUNTS as _COUNTS, IDS as _IDS, WEIGHTS as _WEIGHTS, Words


def gather(docs: Sequence[Doc], keys: Sequence[str], *, kept: Words | None,
           compute: Callable[[list[Doc]], list[list[str]]]) -> Words:
    """The words of ``docs`` (in index order) under ``keys``: a paper ``kept`` under the
    same key is a slice of its arrays, the others' ``packed`` words come from ``compute``
    (given the list of them, so it can use every core)."""
    old: dict[str, tuple[str, int, int]] = {}
    if kept is not None:
        starts = np.cumsum(kept.counts, dtype=np.int64) - kept.counts
        old = {p: (k, int(s), int(n)) for (p, k), s, n in zip(kept.papers, starts.tolist(), kept.counts.tolist())}

    def kept_slice(doc: Doc, key: str) -> tuple[str, int, int] | None:
        was = old.get(doc.paper.id)
        return was if was is not None and key and was[0] == key else None  # "": never kept

    missing = [doc for doc, key in zip(docs, keys, strict=True) if kept_slice(doc, key) is None]
    computed = iter(compute(missing))
    vocabulary = list(kept.vocabulary) if kept is not None else []
    number = {word: i for i, word in enumerate(vocabulary)} if missing else {}
    pieces: list[tuple[np.ndarray, np.ndarray]] = []
    counts = np.empty(len(docs), dtype=_COUNTS)
    run: list[int] | None = None  # a run of kept papers, in the order they were kept: one slice
    for i, (doc, key) in enumerate(zip(docs, keys, strict=True)):
        was = kept_slice(doc, key)
        if was is not None:
            _, start, count = was
            if run is not None and run[1] == start:
                run[1] += count
            else:
                if run is not None:
                    pieces.append((kept.ids[run[0]:run[1]], kept.weights[run[0]:run[1]]))
                run = [start, start + count]
            counts[i] = count
            continue
        if run is not None:
            pieces.append((kept.ids[run[0]:run[1]], kept.weights[run[0]:run[1]]))
            run = None
        found, impacts = unpacked(next(computed))
        for word in found:
            if word not in number:
                number[word] = len(vocabulary)
                vocabulary.append(word)
        pieces.append((np.fromiter(map(number.__getitem__, found), dtype=_IDS, count=len(found)),
                       np.frombuffer(impacts, dtype=_WEIGHTS)))
        counts[i] = len(found)
    if run is not None:
        pieces.append((kept.ids[run[0]:run[1]], kept.weights[run[0]:run[1]]))
    ids = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, dtype=_IDS)
    weights = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0, dtype=_WEIGHTS)
    # words no paper holds any more (a paper changed or left) are dropped: the vocabulary stays the archive's
    used = np.bincount(ids, minlength=len(vocabulary)) > 0
    if not used.all():
        renumber = (np.cumsum(used) - 1).astype(_IDS)
        ids = renumber[ids]
        vocabulary = [w for w, u in zip(vocabulary, used.tolist()) if u]
    return Words(vocabulary, [(doc.paper.id, key) for doc, key in zip(docs, keys, strict=True)], counts, ids, weights)
