"""The inverted index's records, every word's at once, with numpy.

A record is ``varint(len) utf8 varint(df) varint(gap)*df byte(impact)*df``
(index.py gives the format). At 100,000 papers the index holds about ten million
postings: appended one by one to Python lists they took most of the index's time
and a gigabyte of tuples. Here they are flat arrays of numbers (a word is its
number until the end), sorted once by word; the bytes are the same as encoding
each record on its own (a test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


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
    papers = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    # a paper's words are distinct and papers come in order: a stable sort keeps each word's papers in order
    by_word = np.argsort(ids, kind="stable")
    papers = papers[by_word]
    values = np.asarray(impacts, dtype=np.uint8)[by_word]
    df = np.bincount(ids, minlength=len(ordered)).astype(np.int64)
    del ids, by_word, rank
    firsts = np.cumsum(df) - df
    gaps = papers.copy()
    gaps[1:] -= papers[:-1]
    gaps[firsts] = papers[firsts] + 1  # a word's first gap counts from -1
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
