"""The inverted index's records, every word's at once, with numpy.

A record is ``varint(len) utf8 varint(df) varint(gap)*df byte(impact)*df``
(index.py gives the format). At 100,000 papers the index holds about ten million
postings: appended one by one to Python lists they took most of the index's time
and a gigabyte of tuples. Here they are flat arrays of numbers (a word is its
number until the end), sorted once by word; the bytes are the same as encoding
each record on its own (a test compares them). ``Words`` holds those arrays, and a
build cache keeps them for the next build (words.py).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse

#: The arrays' types, fixed (little-endian) so a cache means the same on every machine.
IDS, WEIGHTS, COUNTS = np.dtype("<i4"), np.dtype("u1"), np.dtype("<i4")
_MAGIC = b"paperfeed words 1\n"


@dataclass
class Words:
    """Papers in index order, each a run of word numbers (into ``vocabulary``) and impacts."""

    vocabulary: list[str]
    #: (paper id, the key its words were computed under), in index order
    papers: list[tuple[str, str]]
    counts: np.ndarray
    ids: np.ndarray
    weights: np.ndarray

    def dumps(self) -> bytes:
        """The five parts, each after its length: a format whose reading runs no code and
        has few ways to fail (a zip or a pickle has many)."""
        parts = ["\n".join(self.vocabulary).encode("utf-8"),
                 "\n".join(f"{p} {k}" for p, k in self.papers).encode("utf-8"),
                 self.counts.astype(COUNTS).tobytes(), self.ids.astype(IDS).tobytes(),
                 self.weights.astype(WEIGHTS).tobytes()]
        return _MAGIC + struct.pack("<5Q", *map(len, parts)) + b"".join(parts)

    @classmethod
    def loads(cls, data: bytes) -> Words:
        """What ``dumps`` wrote; ValueError unless every part has its shape (a build cache is
        data, not trusted: a word number points into the vocabulary, an impact is 1 to 255)."""
        head = len(_MAGIC) + 40
        if data[:len(_MAGIC)] != _MAGIC or len(data) < head:
            raise ValueError("not the words a build keeps")
        sizes = struct.unpack("<5Q", data[len(_MAGIC):head])
        if sum(sizes) != len(data) - head or sizes[2] % 4 or sizes[3] % 4:
            raise ValueError("parts whose lengths do not fit")
        ends = np.cumsum((head, *sizes)).tolist()
        raw = [data[a:b] for a, b in zip(ends, ends[1:])]
        vocabulary = _lines(raw[0])
        papers = [tuple(line.split(" ")) for line in _lines(raw[1])]
        counts, ids, weights = (np.frombuffer(r, dtype=t) for r, t in zip(raw[2:], (COUNTS, IDS, WEIGHTS)))
        if "" in vocabulary or len(set(vocabulary)) != len(vocabulary) or any(len(p) != 2 for p in papers):
            raise ValueError("not a vocabulary of distinct words, or not a paper id and key a line")
        if len(counts) != len(papers) or (len(counts) and counts.min() < 0) or int(counts.sum(dtype=np.int64)) != len(ids) \
                or len(weights) != len(ids) or (len(ids) and (ids.min() < 0 or ids.max() >= len(vocabulary)
                                                             or not weights.all())):
            raise ValueError("word numbers, impacts and counts that do not fit together")
        return cls(vocabulary, papers, counts, ids, weights)  # type: ignore[arg-type]


def _lines(data: bytes) -> list[str]:
    text = data.decode("utf-8")  # UnicodeDecodeError is a ValueError
    return text.split("\n") if text else []


def utf16(word: str) -> bytes:
    """The order the browser compares words in (UTF-16 code units): shards are cut in it."""
    return word.encode("utf-16-be")


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The varint bytes of every value (whole numbers, none negative), one after the other,
    and how many bytes each took."""
    size = np.ones(len(values), dtype=np.uint8)
    rest = values >> 7
    while rest.any():
        size += rest > 0
        rest >>= 7
    del rest
    starts = np.cumsum(size, dtype=np.int64) - size
    out = np.empty(int(starts[-1]) + int(size[-1]) if len(values) else 0, dtype=np.uint8)
    out[starts] = (values & 0x7F) | ((size > 1).astype(values.dtype) << 7)  # every value's first byte, most its only
    for k in range(1, int(size.max(initial=0))):
        has = np.flatnonzero(size > k)
        more = (size[has] > k + 1).astype(values.dtype) << 7
        out[starts[has] + k] = ((values[has] >> (7 * k)) & 0x7F) | more
    return out, size


def _spread(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Positions ``starts[i] .. starts[i] + lengths[i]`` for every i, one after the other."""
    total = int(lengths.sum())
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets


def records(words: Sequence[str], ids: np.ndarray, impacts: np.ndarray, counts: np.ndarray
            ) -> tuple[list[str], np.ndarray, list[int]]:
    """Every word's record, from each paper's words (``counts[n]`` of them for paper n, in
    paper order) given as numbers (``ids``: positions in ``words``) with their impacts: the
    words in UTF-16 order, their records one after the other in one buffer, and where each
    record ends in it."""
    if not len(ids):
        return [], np.zeros(0, dtype=np.uint8), []
    by_utf16 = sorted(range(len(words)), key=lambda i: utf16(words[i]))
    ordered = [words[i] for i in by_utf16]
    rank = np.empty(len(words), dtype=np.int32)
    rank[by_utf16] = np.arange(len(words), dtype=np.int32)
    ids = rank[ids]
    # papers × words, turned column-wise: a counting sort (10 million postings in a tenth of
    # a second, against 1.5 s for a stable argsort) that keeps each word's papers in order
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    by_word = scipy.sparse.csr_matrix((np.asarray(impacts, dtype=np.uint8), ids, starts),
                                      shape=(len(counts), len(ordered))).tocsc()
    papers, values = by_word.indices, by_word.data
    df = np.diff(by_word.indptr).astype(np.int64)
    del ids, by_word, rank
    firsts = np.cumsum(df) - df
    gaps = papers.copy()
    gaps[1:] -= papers[:-1]
    gaps[firsts] = papers[firsts] + 1  # a word's first gap counts from -1
    if not gaps.all():  # words kept by a build cache are data: one that says a paper holds a word twice
        raise ValueError("a paper holds the same word twice")
    gap_bytes, gap_size = varints(gaps)
    del gaps, papers
    gap_length = np.add.reduceat(gap_size, firsts, dtype=np.int64)
    headers = [_varint(len(raw)) + raw + _varint(n) for raw, n in
               zip((w.encode("utf-8") for w in ordered), df.tolist())]
    header_length = np.fromiter(map(len, headers), dtype=np.int64, count=len(headers))
    size = header_length + gap_length + df
    ends = np.cumsum(size)
    starts = ends - size
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    out[_spread(starts, header_length)] = np.frombuffer(b"".join(headers), dtype=np.uint8)
    out[_spread(starts + header_length, gap_length)] = gap_bytes
    out[_spread(starts + header_length + gap_length, df)] = values
    return ordered, out, ends.tolist()


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)
