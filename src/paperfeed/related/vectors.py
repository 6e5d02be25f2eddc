"""A paper as related-papers sees it: its telling terms, its place among topics, its authors.

A term's weight is tf·idf: how often the paper uses it (terms.py) against how many
papers use it at all (the word table, table.py). Terms in more than ``COMMON`` of
papers say little about a topic and terms the table does not hold (fewer than three
papers used them) cannot match enough papers to help: both are left out. Of the
rest, a paper keeps its ``TOP`` heaviest, scaled to whole numbers so sums are exact,
the same in a clean and an incremental build. Its place in the topic space is the
weighted sum of all its terms' places, scaled to signed bytes.
"""

from __future__ import annotations

import base64
import hashlib
import math

import numpy as np

from paperfeed.model import Paper
from paperfeed.related.clusters import regions
from paperfeed.related.table import WordTable
from paperfeed.related.terms import terms
from paperfeed.search.tokens import normalize

#: Terms kept of one paper: its twenty heaviest describe it; more cost time and add noise.
TOP = 20
#: A vector's length: weights are whole numbers whose squares sum to about SCALE².
SCALE = 1000
#: A topic vector's length: signed bytes whose squares sum to about TOPIC_SCALE².
TOPIC_SCALE = 127


_TF = [0.0] + [1 + math.log(n) for n in range(1, 64)]


def word_vector(paper: Paper, table: WordTable) -> list[tuple[str, int]]:
    """The paper's ``TOP`` heaviest terms with their weights, heaviest first."""
    return _vectors(paper, table)[0]


def _vectors(paper: Paper, table: WordTable) -> tuple[list[tuple[str, int]], bytes]:
    weights = {}
    known, about = table._about.get, table.about
    space = table.topic_rows[1]
    placed, by = [], []
    tfs = len(_TF)
    for term, n in terms(paper).items():
        weight, row, idf = known(term) or about(term)
        tf = _TF[n] if n < tfs else 1 + math.log(n)
        if weight is not None:
            weights[term] = tf * weight
        if row >= 0:
            placed.append(row)
            by.append(tf * idf)
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    place = np.asarray(by) @ space[placed] if placed else np.zeros(0)
    length = float(np.sqrt(place @ place)) if len(place) else 0.0
    # signed bytes, as a build cache keeps them (a list of 256 numbers costs a paper more than its terms)
    topic = np.round(place / length * TOPIC_SCALE).astype(np.int8).tobytes() if length else b""
    return [(word, max(1, round(w / norm * SCALE))) for word, w in top], topic


def topic_bytes(code: str) -> bytes:
    """A paper's place in the topic space as ``features`` gives it (base64 of signed bytes)."""
    return base64.b64decode(code, validate=True)


def topic_code(paper: Paper, table: WordTable) -> str:
    """The paper's place in the topic space, as ``features`` gives it (``t``)."""
    return base64.b64encode(_vectors(paper, table)[1]).decode("ascii")


def author_key(name: str) -> str:
    """An author as similarity compares names: case, accents and spacing folded."""
    return " ".join(normalize(name).split())


_KEYS: dict[str, int] = {}


def feature_key(name: str) -> int:
    """A feature's number: 64 bits of its name's BLAKE2b, the same in every build and process
    (so a build cache can keep it). Two of the archive's ~10⁶ names share one with odds
    of about 1 in 10¹³."""
    found = _KEYS.get(name)
    if found is None:
        found = _KEYS[name] = int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(),
                                             "big", signed=True)
    return found


def regions_of(topic: bytes, table: WordTable) -> list[int]:
    """The regions of the topic space a paper with this place belongs to (clusters.regions)."""
    if not table.regions.size:
        return []
    place = np.frombuffer(topic, dtype=np.int8) if topic else np.zeros(table.regions.shape[1], dtype=np.int8)
    if table.regions.shape[1:] != place.shape:
        return []
    return regions(place[None, :], table.regions)[0].tolist()  # no place: no region (-1s)


def features(paper: Paper, table: WordTable, *, authors: int) -> dict[str, object]:
    """What related papers compare of ``paper``, JSON-ready (a build cache keeps it): the
    numbers of its terms in the word table with their weights (``k``, ``n``), its place in the topic space
    (``t``, signed bytes in base64: a list of 256 numbers would triple a cache record) and
    its regions there (``r``, so a daily build need not place every paper again), the
    numbers of its first ``authors`` authors (``a``), and a digest of all."""
    vector, topic = _vectors(paper, table)
    names = list(dict.fromkeys(a for a in map(author_key, paper.authors[:authors]) if a))
    digest = hashlib.blake2b(repr((vector, topic, names)).encode("utf-8"), digest_size=8).hexdigest()
    number = table.numbers
    return {"k": [number[t] for t, _ in vector], "n": [n for _, n in vector], "t": base64.b64encode(topic).decode("ascii"),
            "r": regions_of(topic, table), "a": [feature_key("@" + a) for a in names], "d": digest}
