"""A reader of the search index's files, written from the format in src/paperfeed/search/index.py.

The tests read the index with it to check what the browser will find; the
browser's own reader is overrides/assets/paperfeed/search.js.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path


def varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def inflated(data: bytes) -> bytes:
    """A ``.bin`` file's bytes as the browser reads them (it inflates them first)."""
    return zlib.decompress(data)


def shard(data: bytes) -> dict[str, list[tuple[int, int]]]:
    """word → [(paper number, impact byte)] for one stored shard."""
    data = inflated(data)
    out: dict[str, list[tuple[int, int]]] = {}
    at = 0
    while at < len(data):
        size, at = varint(data, at)
        word = data[at:at + size].decode("utf-8")
        at += size
        df, at = varint(data, at)
        numbers_, number = [], -1
        for _ in range(df):
            gap, at = varint(data, at)
            number += gap
            numbers_.append(number)
        out[word] = list(zip(numbers_, data[at:at + df], strict=True))
        at += df
    return out


def numbers(data: bytes) -> list[int]:
    """The paper numbers of a stored filter file."""
    data = inflated(data)
    out, at, number = [], 0, -1
    while at < len(data):
        gap, at = varint(data, at)
        number += gap
        out.append(number)
    return out


class Index:
    """The whole index of a built site (or of ``search.files`` output)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.manifest = json.loads(inflated(files["search/index.bin"]))
        self.words: dict[str, list[tuple[int, int]]] = {}
        self.shard_of: dict[str, str] = {}
        for _, name in self.manifest["shards"]:
            for word, postings in shard(files[f"search/t/{name}.bin"]).items():
                self.words[word] = postings
                self.shard_of[word] = name
        bundle = self.manifest["bundle"]
        self.docs = [doc for n in range(0, self.manifest["docs"], bundle)
                     for doc in json.loads(inflated(files[f"search/d/{n // bundle}.bin"]))]

    @classmethod
    def of_site(cls, site: Path) -> Index:
        return cls({p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "search").rglob("*")
                    if p.is_file()})

    def filter(self, name: str) -> list[int]:
        return numbers(self.files[f"search/f/{name}.bin"])

    def titles(self, word: str) -> list[str]:
        return [self.docs[n]["t"] for n, _ in self.words.get(word, [])]
