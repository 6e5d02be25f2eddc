"""The build cache: what earlier builds learned from each paper file, keyed by its bytes.

Like Pelican's content cache, so a daily build parses, tags and indexes only the
papers that changed. A record is found by the file's size and mtime and, when
those moved (``git checkout`` gives every file a new mtime), by a digest of
its bytes; values derived from a paper (its tags, its search words) are kept
with the key they were computed from. The whole cache is salted with
paperfeed's own source and the versions of the libraries it calls, so a
change of code never reuses what older code computed.

It is an SQLite database of JSON values in ``.cache/paperfeed/``, which the
publish workflow restores from the repository's own cache: loading it runs no
code (a pickle would, and a poisoned cache entry must not), a save writes only
the records that changed in one transaction, and a cache that cannot be read
means a clean build, with one line saying so. Records are keyed by the file's
path relative to the project, so a checkout in another folder reuses them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from paperfeed.archive.store import ArchiveError, Entry, loads
from paperfeed.model import Links, Paper, validate
from paperfeed.publish import workers

T = TypeVar("T")
FORMAT = 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT,
                                    paper TEXT, derived TEXT);
CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, key TEXT, mtime_ns INTEGER);
CREATE TABLE IF NOT EXISTS related (id TEXT PRIMARY KEY, digest TEXT, neighbours TEXT);
"""


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


def paper_to_json(paper: Paper) -> str:
    data = dataclasses.asdict(paper)
    data["published"] = paper.published.isoformat() if paper.published else None
    data["featured"] = [d.isoformat() for d in paper.featured]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def paper_from_json(text: str) -> Paper:
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("links"), dict):
        raise ValueError("not a paper")
    data["published"] = dt.date.fromisoformat(data["published"]) if data["published"] else None
    data["featured"] = [dt.date.fromisoformat(d) for d in data["featured"]]
    data["links"] = Links(**data["links"])
    return Paper(**data)


@dataclass
class Record:
    """One paper file as last read."""

    size: int
    mtime_ns: int
    digest: str
    paper: Paper
    #: name → (the key it was computed from, as JSON; the value)
    derived: dict[str, tuple[str, Any]] = field(default_factory=dict)


class BuildCache:
    """Read paper files through the cache; derive values once per change; remember page keys."""

    def __init__(self, path: Path | None, *, fresh: bool = False, root: Path | None = None) -> None:
        """Load the cache at ``path`` (unless ``fresh``); ``save`` writes it there. Paper
        files under ``root`` (the project) are known by their path relative to it."""
        self.path = path
        self.root = root
        self.salt = _salt()
        self.records: dict[str, Record] = {}
        #: docs page → the key of what it shows and its file's mtime, as the last build left them
        self.pages: dict[str, tuple[str, int]] = {}
        self.hits = self.parsed = 0
        #: why the cache on disk was not used, when it could not be read (shown by the CLI)
        self.notice: str | None = None
        self._seen: set[str] = set()
        self._dirty: set[str] = set()
        self._keys: dict[Path, str] = {}
        self._key_texts: dict[object, str] = {}
        #: (record, name) of derived values already checked with ``valid`` in this build
        self._checked: set[tuple[str, str]] = set()
        self._restat: set[str] = set()  # records whose file only has a new mtime (a fresh checkout)
        self._loaded: set[str] = set()
        #: related papers (related/): the signature they were computed under, each paper's lists
        self._related_signature = ""
        self._related: dict[str, tuple[str, list[tuple[int, str]]]] = {}
        self._related_changed: set[str] | None = set()  # None: write them all
        if path is not None and not fresh and path.exists():
            try:
                self._load(path)
            except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
                self.records, self.pages = {}, {}
                self.notice = f"the build cache {path} cannot be read ({exc}): every paper file is read again"
                path.unlink(missing_ok=True)

    def _load(self, path: Path) -> None:
        with _connect(path) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("salt") != self.salt:
                return
            for key, size, mtime_ns, digest, paper, derived in db.execute("SELECT * FROM records"):
                record = _record(size, mtime_ns, digest, paper, derived)
                if record is not None:  # a record that is not a valid paper is a miss, never trusted
                    self.records[key] = record
            self.pages = {p: (k, m) for p, k, m in db.execute("SELECT path, key, mtime_ns FROM pages")}
            self._related_signature = meta.get("related", "")
            for paper_id, digest, neighbours in db.execute("SELECT id, digest, neighbours FROM related"):
                found = _neighbours(paper_id, digest, neighbours)
                if found is not None:  # a row that is not what a build writes is computed again
                    self._related[paper_id] = found
        self._loaded = set(self.records)

    def key_of(self, path: Path) -> str:
        found = self._keys.get(path)
        if found is None:  # asked several times for each paper of every build
            found = str(path)
            if self.root is not None:
                try:
                    found = path.relative_to(self.root).as_posix()
                except ValueError:
                    pass
            self._keys[path] = found
        return found

    def read_entry(self, path: Path) -> Entry:
        """``store.read_entry``, but a file whose bytes were read before is not parsed again."""
        key = self.key_of(path)
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
            self._restat.add(key)
            self.hits += 1
            return Entry(record.paper, path, "")
        self._dirty.add(key)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArchiveError(path, f"not UTF-8 text (byte {exc.start})") from None
        paper = loads(text, path)
        self.records[key] = Record(stat.st_size, stat.st_mtime_ns, digest, paper)
        self.parsed += 1
        return Entry(paper, path, text)

    def read_all(self, paths: Sequence[Path]) -> None:
        """Read the files whose size or mtime moved since the last build, on every core when
        they are many (a clean build, or a fresh checkout, which gives every file a new mtime),
        so that ``read_entry`` finds them. A file that cannot be read or parsed is left to
        ``read_entry``, which says why."""
        todo, known = [], {}
        for path in paths:
            record = self.records.get(self.key_of(path))
            try:
                stat = path.stat()
            except OSError:
                continue
            if record is None or record.size != stat.st_size or record.mtime_ns != stat.st_mtime_ns:
                todo.append(path)
                if record is not None:
                    known[path] = record.digest
        if len(todo) < workers.LEAST:
            return  # read_entry reads them one by one as fast
        for path, found in zip(todo, workers.map_all(_read_file, todo, known), strict=True):
            if found is None:
                continue
            size, mtime_ns, digest, paper = found
            key = self.key_of(path)
            if paper is None:  # the same bytes as last time: only its stat is saved anew
                self.records[key].size, self.records[key].mtime_ns = size, mtime_ns
                self._restat.add(key)
            else:
                self.records[key] = Record(size, mtime_ns, digest, paper)
                self._dirty.add(key)
                self.parsed += 1

    def digest(self, path: Path) -> str:
        return self.records[self.key_of(path)].digest

    def derived(self, path: Path, name: str, key: object, compute: Callable[[], T],
                valid: Callable[[Any], bool] = lambda value: True) -> T:
        """``compute()``, unless it was computed for this very file from the same ``key`` (and the
        value kept has the shape ``valid`` wants: a cache from elsewhere is data, not trusted)."""
        record_key = self.key_of(path)
        record = self.records[record_key]
        key_text = self._key_text(key)
        found = record.derived.get(name)
        if found is not None and found[0] == key_text and ((record_key, name) in self._checked or valid(found[1])):
            return found[1]
        value = compute()
        record.derived[name] = (key_text, value)
        self._dirty.add(record_key)
        self._checked.add((record_key, name))
        return value

    def _key_text(self, key: object) -> str:
        """A derived value's key as JSON; the same few keys come back for every paper."""
        try:
            found = self._key_texts.get(key)  # type: ignore[call-overload]
        except TypeError:  # a list: not hashable
            return json.dumps(key, sort_keys=True)
        if found is None:
            found = self._key_texts[key] = json.dumps(key, sort_keys=True)  # type: ignore[index]
        return found

    def derive_all(self, name: str, wanted: Iterable[tuple[Path, object, T]], compute: Callable[[T, Any], Any],
                   shared: Any, valid: Callable[[Any], bool] = lambda value: True) -> None:
        """Compute ``name`` for each ``(path, key, item)`` whose file lacks it for ``key``, as
        ``compute(item, shared)``, on every core when they are many (publish/workers.py);
        ``derived`` then finds each value."""
        missing = []
        for path, key, item in wanted:
            record_key = self.key_of(path)
            key_text = self._key_text(key)
            found = self.records[record_key].derived.get(name)
            if found is not None and found[0] == key_text and valid(found[1]):
                self._checked.add((record_key, name))  # derived() need not look at it again
            else:
                missing.append((record_key, key_text, item))
        values = workers.map_all(compute, [item for _, _, item in missing], shared)
        for (record_key, key_text, _), value in zip(missing, values, strict=True):
            self.records[record_key].derived[name] = (key_text, value)
            self._dirty.add(record_key)
            self._checked.add((record_key, name))

    def related_lists(self, signature: str) -> dict[str, tuple[str, list[tuple[int, str]]]]:
        """The related lists of the last build, if it computed them the same way."""
        return dict(self._related) if signature == self._related_signature else {}

    def save_related(self, signature: str, lists: dict[str, tuple[str, list[tuple[int, str]]]],
                     changed: set[str]) -> None:
        """Keep ``lists`` for the next build (``save`` writes the ``changed`` ones)."""
        if signature != self._related_signature or self._related_changed is None:
            self._related_changed = None
        else:
            self._related_changed |= changed | (set(self._related) ^ set(lists))
        self._related_signature, self._related = signature, dict(lists)

    def save(self) -> None:
        """Write what changed in one transaction; records of files no longer read are dropped."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _connect(self.path) as db:
            stored = dict(db.execute("SELECT key, value FROM meta"))
            fresh = stored.get("salt") != self.salt
            if fresh:
                db.execute("DELETE FROM records")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('salt', ?)", (self.salt,))
            gone = (set() if fresh else self._loaded) - self._seen
            db.executemany("DELETE FROM records WHERE path = ?", ((k,) for k in sorted(gone)))
            changed = self._seen if fresh else (self._dirty & self._seen) | (self._seen - self._loaded)
            db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)", (
                (k, r.size, r.mtime_ns, r.digest, paper_to_json(r.paper),
                 json.dumps({n: list(v) for n, v in r.derived.items()}, ensure_ascii=False, separators=(",", ":")))
                for k in sorted(changed) if (r := self.records.get(k)) is not None))
            restat = set() if fresh else (self._restat & self._seen & self._loaded) - changed
            db.executemany("UPDATE records SET size = ?, mtime_ns = ? WHERE path = ?", (
                (r.size, r.mtime_ns, k) for k in sorted(restat) if (r := self.records.get(k)) is not None))
            db.execute("DELETE FROM pages")
            db.executemany("INSERT INTO pages VALUES (?, ?, ?)", ((p, k, m) for p, (k, m) in self.pages.items()))
            self._write_related(db, everything=fresh)
        self._loaded, self._dirty, self._restat = set(self._seen), set(), set()

    def _write_related(self, db: sqlite3.Connection, *, everything: bool) -> None:
        changed = self._related_changed
        if everything or changed is None:
            db.execute("DELETE FROM related")
            changed = set(self._related)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('related', ?)", (self._related_signature,))
        db.executemany("DELETE FROM related WHERE id = ?", ((p,) for p in sorted(changed - set(self._related))))
        db.executemany("INSERT OR REPLACE INTO related VALUES (?, ?, ?)", (
            (p, self._related[p][0], json.dumps(self._related[p][1], separators=(",", ":")))
            for p in sorted(changed & set(self._related))))
        self._related_changed = set()


def _read_file(path: Path, known: dict[Path, str]) -> tuple[int, int, str, Paper | None] | None:
    """A file's size, mtime, digest and paper (None when its digest is the one ``known``)."""
    try:
        stat = path.stat()
        data = path.read_bytes()
    except OSError:
        return None
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if known.get(path) == digest:
        return stat.st_size, stat.st_mtime_ns, digest, None
    try:
        return stat.st_size, stat.st_mtime_ns, digest, loads(data.decode("utf-8"), path)
    except (UnicodeDecodeError, ArchiveError):
        return None


def _record(size: object, mtime_ns: object, digest: object, paper: object, derived: object) -> Record | None:
    """A row as a Record, or None unless every part of it is what a build writes."""
    try:
        found = paper_from_json(str(paper))
        kept = json.loads(str(derived))
    except (ValueError, TypeError, KeyError, RecursionError, AttributeError):
        return None
    if validate(found) or not (type(size) is int and type(mtime_ns) is int and isinstance(digest, str)
                               and isinstance(kept, dict)):
        return None
    if not all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) for v in kept.values()):
        return None
    return Record(size, mtime_ns, digest, found, {k: (v[0], v[1]) for k, v in kept.items()})


def _neighbours(paper_id: object, digest: object, text: object) -> tuple[str, list[tuple[int, str]]] | None:
    """A related row as a build wrote it, or None."""
    try:
        found = json.loads(str(text))
    except (ValueError, RecursionError):
        return None
    if not (isinstance(paper_id, str) and isinstance(digest, str) and isinstance(found, list) and len(found) <= 64):
        return None
    if not all(isinstance(e, list) and len(e) == 2 and type(e[0]) is int and isinstance(e[1], str) for e in found):
        return None
    return digest, [(score, other) for score, other in found]


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in one transaction (committed when the block ends without error), closed after."""
    db = sqlite3.connect(path)
    try:
        with db:
            db.executescript(_SCHEMA)
            yield db
    finally:
        db.close()
