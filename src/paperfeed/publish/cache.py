"""The build cache: what earlier builds learned from each paper file, keyed by its bytes.

Like Pelican's content cache, so a daily build parses, tags and indexes only the
papers that changed. A record is found by the file's size and mtime and, when
those moved (``git checkout`` gives every file a new mtime), by a digest of
its bytes; values derived from a paper (its tags, its search words) are kept
with the key they were computed from. The whole cache is salted with
paperfeed's own source and the versions of the libraries it calls, so a
change of code never reuses what older code computed.

It is a pickle in ``.cache/paperfeed/``, local build state like Sphinx's pickled
environment: the publish workflow restores it from the repository's own cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from paperfeed.archive.store import ArchiveError, Entry, loads

T = TypeVar("T")
FORMAT = 2


def _salt() -> str:
    """paperfeed's own source and the versions of what it calls: any change starts afresh."""
    digest = hashlib.blake2b(digest_size=12)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("mkdocs", "mkdocs-material", "pyyaml", "python-frontmatter"):
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return f"{FORMAT}-{digest.hexdigest()}"


@dataclass
class Record:
    """One paper file as last read."""

    size: int
    mtime_ns: int
    digest: str
    paper: Any
    derived: dict[str, tuple[Hashable, Any]] = field(default_factory=dict)


class BuildCache:
    """Read paper files through the cache; derive values once per change; remember page keys."""

    def __init__(self, path: Path | None, *, fresh: bool = False) -> None:
        """Load the cache at ``path`` (unless ``fresh``); ``save`` writes it there."""
        self.path = path
        self.salt = _salt()
        self.records: dict[str, Record] = {}
        #: docs page → the key of what it shows and its file's mtime, as the last build left them
        self.pages: dict[str, tuple[str, int]] = {}
        self.hits = self.parsed = 0
        if path is not None and not fresh and path.is_file():
            try:
                data = pickle.loads(path.read_bytes())  # noqa: S301 - our own build state (see docstring)
            except Exception:  # a truncated or foreign file is only a cold cache
                data = None
            if isinstance(data, dict) and data.get("salt") == self.salt:
                self.records, self.pages = data["records"], data["pages"]
        self._seen: set[str] = set()

    def read_entry(self, path: Path) -> Entry:
        """``store.read_entry``, but a file whose bytes were read before is not parsed again."""
        key = str(path)
        self._seen.add(key)
        stat = path.stat()
        record = self.records.get(key)
        if record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns:
            self.hits += 1
            return Entry(record.paper, path, "")
        data = path.read_bytes()
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if record and record.digest == digest:
            record.size, record.mtime_ns = stat.st_size, stat.st_mtime_ns
            self.hits += 1
            return Entry(record.paper, path, "")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArchiveError(path, f"not UTF-8 text (byte {exc.start})") from None
        paper = loads(text, path)
        self.records[key] = Record(stat.st_size, stat.st_mtime_ns, digest, paper)
        self.parsed += 1
        return Entry(paper, path, text)

    def digest(self, path: Path) -> str:
        return self.records[str(path)].digest

    def derived(self, path: Path, name: str, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, unless it was computed for this very file from the same ``key``."""
        record = self.records[str(path)]
        found = record.derived.get(name)
        if found is not None and found[0] == key:
            return found[1]
        value = compute()
        record.derived[name] = (key, value)
        return value

    def save(self) -> None:
        """Write the cache (atomically); records of files no longer read are dropped."""
        if self.path is None:
            return
        records = {k: v for k, v in self.records.items() if k in self._seen}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps({"salt": self.salt, "records": records, "pages": self.pages},
                                     protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.path)
