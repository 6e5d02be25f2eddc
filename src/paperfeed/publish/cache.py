"""The build cache: what earlier builds learned from each paper file, keyed by its bytes.

Like Pelican's content cache, so a daily build parses, tags and indexes only the
papers that changed. A record is found by the file's size and mtime and, when
those moved (``git checkout`` gives every file a new mtime), by the id of its
bytes as git knows them: git vouches for the tracked files it sees unchanged
(blobs.py), so a fresh checkout reads only the files that changed. Values
derived from a paper (its tags, its related-paper features) are kept with the
key they were computed from; a stage may also keep one value whole (``keep``:
the search index's words, as arrays). The whole cache is salted with
paperfeed's own source and the versions of the libraries it calls, so a
change of code never reuses what older code computed.

It is an SQLite database of JSON values (and the kept values' bytes) in ``.cache/paperfeed/``, which the
publish workflow restores from the repository's own cache: loading it runs no
code (a pickle would, and a poisoned cache entry must not), a save writes only
the records that changed in one transaction, and a cache that cannot be read
means a clean build, with one line saying so. Records are keyed by the file's
path relative to the project, so a checkout in another folder reuses them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from paperfeed.archive.store import ArchiveError, Entry, loads
from paperfeed.model import Paper
from paperfeed.publish import blobs, rows, workers
from paperfeed.publish.background import BackgroundError
from paperfeed.publish.rows import Record

T = TypeVar("T")
FORMAT = 4
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT,
                                    paper TEXT, derived TEXT);
CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, key TEXT, mtime_ns INTEGER);
CREATE TABLE IF NOT EXISTS related (id TEXT PRIMARY KEY, digest TEXT, neighbours TEXT);
CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, value BLOB NOT NULL);
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


class BuildCache:
    """Read paper files through the cache; derive values once per change; remember page keys."""

    def __init__(self, path: Path | None, *, fresh: bool = False, root: Path | None = None) -> None:
        """Load the cache at ``path`` (unless ``fresh``); ``save`` writes it there. Paper
        files under ``root`` (the project) are known by their path relative to it."""
        self.path = path
        self.root = root
        # (not at a filesystem's root, where "//a" would lose only one slash)
        self._prefix = str(root).rstrip(os.sep) + os.sep if root is not None and str(root) != root.anchor else ""
        #: what git said of the paper files, when the build asked it already (blobs.tracked)
        self.asked_git: Callable[[], tuple[str, dict[str, str]] | None] | None = None
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
        self._vouched: set[str] = set()  # records whose bytes git vouches for (blobs.py)
        self._loaded: set[str] = set()
        self._from_disk = False  # whether what is held mirrors the file (else save rewrites it whole)
        self._pages_loaded: dict[str, tuple[str, int]] = {}
        #: related papers (related/): the signature they were computed under, each paper's lists
        self._related_signature = ""
        self._related: dict[str, tuple[str, list[tuple[int, str]]]] = {}
        self._related_changed: set[str] | None = set()  # None: write them all
        #: what a stage keeps whole for the next build (the search index's words), and what it gave anew
        self._kept: dict[str, bytes] = {}
        self._kept_changed: set[str] = set()
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
                record = rows.record(size, mtime_ns, digest, paper, derived)
                if record is not None:  # a record that is not a valid paper is a miss, never trusted
                    self.records[key] = record
            self.pages = {p: (k, m) for p, k, m in db.execute("SELECT path, key, mtime_ns FROM pages")}
            self._pages_loaded = dict(self.pages)
            self._related_signature = meta.get("related", "")
            for paper_id, digest, neighbours in db.execute("SELECT id, digest, neighbours FROM related"):
                found = rows.neighbours(paper_id, digest, neighbours)
                if found is not None:  # a row that is not what a build writes is computed again
                    self._related[paper_id] = found
            self._kept = {name: bytes(value) for name, value in db.execute("SELECT name, value FROM kept")
                          if isinstance(name, str) and isinstance(value, bytes)}
        self._loaded = set(self.records)
        self._from_disk = True

    def key_of(self, path: Path) -> str:
        found = self._keys.get(path)
        if found is None:  # asked several times for each paper of every build
            found = text = str(path)
            if self.root is not None:
                if self._prefix and text.startswith(self._prefix):  # relative_to as text: 1 s at 100,000 papers
                    found = text[len(self._prefix):].replace(os.sep, "/")
                else:
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
        record = self.records.get(key)
        if record and key in self._vouched:
            self.hits += 1
            return Entry(record.paper, path, "")
        stat = path.stat()
        if record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns:
            self.hits += 1
            return Entry(record.paper, path, "")
        data = path.read_bytes()
        digest = blobs.blob_id(data)
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
        try:
            vouched = blobs.unchanged(self.root, paths, asked=self.asked_git) \
                if self.root is not None and self.records else {}
        except BackgroundError:  # git's answer was lost on the way: every file is read, as without git
            vouched = {}
        for path in paths:
            record = self.records.get(self.key_of(path))
            if record is not None and vouched.get(path) == record.digest:
                self._vouched.add(self.key_of(path))
                continue
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
                   shared: Any, valid: Callable[[Any], bool] = lambda value: True) -> list[Any]:
        """``name`` of each ``(path, key, item)``, in order: kept, or computed when its file
        lacks it for ``key`` (or what was kept is not ``valid``), as ``compute(item, shared)``,
        on every core when they are many (publish/workers.py)."""
        values: list[Any] = []
        missing = []
        for path, key, item in wanted:
            record_key = self.key_of(path)
            key_text = self._key_text(key)
            found = self.records[record_key].derived.get(name)
            if found is not None and found[0] == key_text and ((record_key, name) in self._checked or valid(found[1])):
                self._checked.add((record_key, name))  # derived() need not look at it again
                values.append(found[1])
            else:
                missing.append((len(values), record_key, key_text, item))
                values.append(None)
        computed = workers.map_all(compute, [item for *_, item in missing], shared)
        for (at, record_key, key_text, _), value in zip(missing, computed, strict=True):
            self.records[record_key].derived[name] = (key_text, value)
            self._dirty.add(record_key)
            self._checked.add((record_key, name))
            values[at] = value
        return values

    def take(self, name: str) -> bytes | None:
        """What the last build kept as ``name`` (``keep``), handed over once: the caller
        checks it (a cache is data, not trusted) and keeps it in its own form."""
        return self._kept.pop(name, None)

    def keep(self, name: str, value: bytes) -> None:
        """Keep ``value`` as ``name`` for the next build (``save`` writes it)."""
        self._kept[name] = value
        self._kept_changed.add(name)

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
            fresh = stored.get("salt") != self.salt or not self._from_disk  # --clean: no row of the last build stays
            if fresh:
                db.execute("DELETE FROM records")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('salt', ?)", (self.salt,))
            gone = (set() if fresh else self._loaded) - self._seen
            db.executemany("DELETE FROM records WHERE path = ?", ((k,) for k in sorted(gone)))
            changed = self._seen if fresh else (self._dirty & self._seen) | (self._seen - self._loaded)
            db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)", (
                (k, r.size, r.mtime_ns, r.digest, rows.paper_to_json(r.paper),
                 rows.dumps({n: list(v) for n, v in r.derived.items()}))
                for k in sorted(changed) if (r := self.records.get(k)) is not None))
            restat = set() if fresh else (self._restat & self._seen & self._loaded) - changed
            db.executemany("UPDATE records SET size = ?, mtime_ns = ? WHERE path = ?", (
                (r.size, r.mtime_ns, k) for k in sorted(restat) if (r := self.records.get(k)) is not None))
            before = {} if fresh else self._pages_loaded  # a day's update changes a few thousand of 120,000 rows
            if fresh:
                db.execute("DELETE FROM pages")
            db.executemany("DELETE FROM pages WHERE path = ?", ((p,) for p in sorted(before.keys() - self.pages.keys())))
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", (
                (p, k, m) for p, (k, m) in sorted(self.pages.items()) if before.get(p) != (k, m)))
            self._write_related(db, everything=fresh)
            if fresh:
                db.execute("DELETE FROM kept")
            db.executemany("INSERT OR REPLACE INTO kept VALUES (?, ?)",
                           ((n, self._kept[n]) for n in sorted(self._kept_changed) if n in self._kept))
            self._kept_changed = set()
        self._loaded, self._dirty, self._restat = set(self._seen), set(), set()
        self._from_disk = True
        self._pages_loaded = dict(self.pages)

    def _write_related(self, db: sqlite3.Connection, *, everything: bool) -> None:
        changed = self._related_changed
        if everything or changed is None:
            db.execute("DELETE FROM related")
            changed = set(self._related)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('related', ?)", (self._related_signature,))
        db.executemany("DELETE FROM related WHERE id = ?", ((p,) for p in sorted(changed - set(self._related))))
        db.executemany("INSERT OR REPLACE INTO related VALUES (?, ?, ?)", (
            (p, self._related[p][0], rows.dumps(self._related[p][1]))
            for p in sorted(changed & set(self._related))))
        self._related_changed = set()


def _read_file(path: Path, known: dict[Path, str]) -> tuple[int, int, str, Paper | None] | None:
    """A file's size, mtime, digest and paper (None when its digest is the one ``known``)."""
    try:
        stat = path.stat()
        data = path.read_bytes()
    except OSError:
        return None
    digest = blobs.blob_id(data)
    if known.get(path) == digest:
        return stat.st_size, stat.st_mtime_ns, digest, None
    try:
        return stat.st_size, stat.st_mtime_ns, digest, loads(data.decode("utf-8"), path)
    except (UnicodeDecodeError, ArchiveError):
        return None


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
