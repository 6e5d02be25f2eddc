"""The search index's result files (``search/d/``), read back when what they show is unchanged.

A result file holds ten papers' titles, authors and snippets, deflated. A day adds
papers at the end of the index, so at 100,000 papers all but the last few of 10,000
files are what the last build wrote: making them again (fragments, JSON, deflate) is
a second and a half of every daily build. A build with its cache keeps, for each file,
the key of what it shows (its papers' word keys, which follow their files, tags and
taxonomy) and a digest of its bytes; the next build reads the file back when the key
is the same and the bytes on disk still have that digest, and makes it otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def key_of(shown: Iterable[tuple[str, str]]) -> str:
    """The key of a result file: each of its papers' address and word key, in order."""
    return _digest("\0".join(f"{url} {key}" for url, key in shown).encode("utf-8"))


class Bundles:
    """The result files the last build wrote under ``docs``, and those this build makes."""

    def __init__(self, docs: Path, kept: dict[str, tuple[str, str]] | None = None) -> None:
        self.docs = docs
        self.kept = kept or {}
        #: path → (key, digest of the bytes) of this build's files
        self.made: dict[str, tuple[str, str]] = {}
        self.reused = 0

    @classmethod
    def loads(cls, docs: Path, data: bytes | None) -> Bundles:
        """What ``dumps`` wrote (nothing, or what a build does not keep: none is read back)."""
        try:
            found = json.loads(data) if data else {}
        except (ValueError, RecursionError):
            found = {}
        if not isinstance(found, dict) or not all(
                isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in found.values()):
            found = {}
        return cls(docs, {str(path): (key, digest) for path, (key, digest) in found.items()})

    def dumps(self) -> bytes:
        return json.dumps({path: list(v) for path, v in sorted(self.made.items())},
                          separators=(",", ":")).encode("utf-8")

    def read_back(self, path: str, key: str) -> bytes | None:
        """The bytes of ``path`` as the last build wrote them, if they show what ``key`` says."""
        kept = self.kept.get(path)
        if kept is None or kept[0] != key:
            return None
        try:
            data = (self.docs / path).read_bytes()
        except OSError:
            return None
        if _digest(data) != kept[1]:  # changed since: made again
            return None
        self.reused += 1
        return data

    def made_now(self, path: str, key: str, data: bytes) -> None:
        self.made[path] = (key, _digest(data))
