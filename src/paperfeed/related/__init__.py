"""Related papers: for each paper, the few most similar of the whole archive.

Similar means sharing telling words (title, abstract, keywords) and authors
(vectors.py), then tags (nearest.py). A build keeps every paper's features and
every list in its cache, so a daily build computes the lists of the day's papers
and touches an older paper's list only when a new paper enters it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from paperfeed.model import Paper
from paperfeed.related.clusters import centroids
from paperfeed.related.nearest import Item, Neighbours, nearest_all, update
from paperfeed.related.table import DIMS, WordTable, WordTableError
from paperfeed.related.vectors import features, topic_bytes, topic_code, word_vector

__all__ = ["AUTHORS_COMPARED", "DIMS", "Outcome", "State", "WordTable", "WordTableError", "count_table", "features",
           "find", "topic_bytes", "word_vector"]

#: Authors compared of one paper (the first ones): a 600-author collaboration would share a
#: name with half the archive.
AUTHORS_COMPARED = 10
#: Tags compared, a bit each: the taxonomy's first 64 (people's own extra tags are not).
MAX_TAGS = 64


class State(Protocol):
    """Where a build keeps the lists between builds (publish/cache.py)."""

    def related_lists(self, signature: str) -> dict[str, tuple[str, Neighbours]]: ...

    def save_related(self, signature: str, lists: Mapping[str, tuple[str, Neighbours]], changed: set[str]) -> None: ...


def count_table(papers: Iterable[Paper], *, least: int = 3) -> WordTable:
    """The word table of a corpus (``WordTable.count``) with the regions its papers fill
    in the topic space (clusters.py)."""
    papers = list(papers)
    table = WordTable.count(papers, least=least)
    places = [topic_bytes(topic_code(p, table)) for p in papers]
    dims = max(map(len, places), default=0)
    found = np.array([np.frombuffer(b, dtype=np.int8) if len(b) == dims else np.zeros(dims, np.int8)
                      for b in places], dtype=np.int8).reshape(len(places), dims)
    return dataclasses.replace(table, regions=centroids(found))


@dataclass
class Outcome:
    #: each paper's related papers, best first
    lists: dict[str, list[str]] = field(default_factory=dict)
    #: papers whose list was computed in full, and papers whose list changed
    computed: int = 0
    changed: int = 0


def find(papers: Sequence[Paper], tags: Mapping[str, Sequence[str]], *, tag_order: Sequence[str], k: int,
         table: WordTable, features_of: Callable[[Paper], dict] | None = None, state: State | None = None) -> Outcome:
    """The ``k`` related papers of each paper. ``features_of`` gives a paper's features (a
    build passes its cache's); ``state`` keeps the lists for the next build."""
    if k == 0 or not papers:
        return Outcome({p.id: [] for p in papers})
    bits = {slug: 1 << i for i, slug in enumerate(tag_order[:MAX_TAGS])}
    made = features_of or (lambda p: features(p, table, authors=AUTHORS_COMPARED))
    items, digests = [], {}
    for paper in papers:
        found = made(paper)
        mask = 0
        for slug in tags.get(paper.id, ()):
            mask |= bits.get(slug, 0)
        items.append(Item(paper.id, found["k"], found["n"], found["a"], topic_bytes(found["t"]), mask,
                          tuple(found.get("r") or ()) or None))
        digests[paper.id] = f"{found['d']}:{mask}"
    signature = hashlib.blake2b(f"{k} {table.digest} {AUTHORS_COMPARED} {list(tag_order[:MAX_TAGS])}".encode(),
                                digest_size=12).hexdigest()
    before = state.related_lists(signature) if state else {}
    if before:
        kept = {p: listed for p, (d, listed) in before.items() if digests.get(p) == d}
        changed = {p for p in before if digests.get(p) != before[p][0]}  # edited, or gone
        lists, touched, computed = update(items, kept, changed, k, table.regions)
    else:
        lists = nearest_all(items, k, table.regions)
        touched, computed = set(lists), len(lists)
    if state:
        state.save_related(signature, {p: (digests[p], lists[p]) for p in lists}, touched)
    return Outcome({p: [q for _, q in listed] for p, listed in lists.items()}, computed, len(touched))
