"""Rebuild only what changed: MkDocs' dirty build, made safe for paperfeed's site.

``paperfeed build`` writes a generated page only when its bytes change, so a
page's source is newer than its HTML exactly when the HTML must be rebuilt:
MkDocs' dirty build then skips the rest. What it cannot know is guarded here:

- Anything that shapes every page (``mkdocs.yml``, the template overrides, the
  hand-written pages, whose titles the nav shows, the versions of paperfeed,
  MkDocs and Material) goes into a signature; a build whose signature differs
  from the last successful one is a clean build.
- The stamp is removed when a build starts and written when it succeeds, so a
  build that failed half way is followed by a clean one.
- Pages the archive no longer has (a paper moved from its title slug to its
  arXiv id) are removed from the site, since a dirty build removes nothing.
- MkDocs would still make a page object of each of 100,000 unchanged papers (10
  s of a daily update), asking each file its mtime twice: ``OnlyChanged`` hides
  from it the generated pages paperfeed left alone (what they show and their file
  are as the last build left them), unless their HTML is missing. The others,
  written now or by someone else (``paperfeed serve``), MkDocs checks as ever.
  Hidden pages stay in the file list, so links to them resolve as before.
- The build date MkDocs puts in ``sitemap.xml`` (and its gzip header) is the
  archive's last day (as ``SOURCE_DATE_EPOCH``, unless the environment sets
  one), so the same archive gives the same bytes whenever and however it is built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

#: What MkDocs says of every dirty build; paperfeed's dirty builds are exact.
_NOTICES = ("A 'dirty' build is being performed", "The directory contains stale files")


def signature(*, config_file: Path, docs_dir: Path, custom_dir: Path | None, site_dir: Path,
              generated: Iterable[str], salt: str) -> str:
    """A digest of everything besides the generated pages that shapes the built site. Paths
    inside the project are relative to it, so a copy of the project elsewhere (a renamed
    fork, a runner with another workspace) keeps its signature."""
    owned = tuple(generated)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{salt}\0{_relative(site_dir, config_file.parent)}\0".encode())
    digest.update(config_file.read_bytes())

    def tree(root: Path, skip: tuple[str, ...] = ()) -> None:
        for folder, subfolders, names in os.walk(root):
            rel_folder = Path(folder).relative_to(root).as_posix()
            prefix = "" if rel_folder == "." else rel_folder + "/"
            # the generated folders hold most files: do not even list them
            subfolders[:] = sorted(d for d in subfolders if prefix + d not in skip)
            for name in sorted(names):
                if prefix + name not in skip:
                    digest.update((prefix + name).encode() + b"\0" + (Path(folder) / name).read_bytes() + b"\0")

    tree(docs_dir, owned)
    if custom_dir is not None and custom_dir.is_dir():
        tree(custom_dir)
    return digest.hexdigest()


def _relative(path: Path, root: Path) -> str:
    """``path`` as seen from ``root`` when it is inside it (whatever ``root`` is called), else in full."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(resolved)


class Stamp:
    """The record of the last successful build, beside the build cache."""

    def __init__(self, path: Path, value: str) -> None:
        self.path = path
        self.value = value

    def matches(self, site_dir: Path) -> bool:
        try:
            return json.loads(self.path.read_text(encoding="utf-8")).get("signature") == self.value \
                and site_dir.is_dir()
        except (OSError, ValueError):
            return False

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"signature": self.value}) + "\n", encoding="utf-8")


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_NOTICES)


@contextmanager
def mkdocs_build_env(latest: dt.date | None) -> Iterator[None]:
    """The build date from the data, and MkDocs' dirty-build warning (fatal in strict mode) silenced."""
    quiet = _Quiet()
    logger = logging.getLogger("mkdocs.commands.build")
    if os.environ.get("SOURCE_DATE_EPOCH") is not None:  # reproducible-builds: a date the builder chose wins
        latest = None
    if latest is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(latest.year, latest.month, latest.day,
                                                              tzinfo=dt.timezone.utc).timestamp()))
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
        if latest is not None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def output_of(docs_path: str, *, directory_urls: bool) -> str:
    """Where MkDocs writes a docs file: ``papers/2405/2405.1.md`` → ``papers/2405/2405.1/index.html``."""
    if not docs_path.endswith(".md"):
        return docs_path
    stem = docs_path[:-3]
    if stem == "index" or stem.endswith("/index") or not directory_urls:
        return stem + ".html"
    return stem + "/index.html"


def remove_outputs(site_dir: Path, docs_paths: Iterable[str], *, directory_urls: bool) -> int:
    """Remove the built files of docs files that are gone, and folders left empty."""
    removed, folders = 0, set()
    for docs_path in docs_paths:
        target = site_dir / output_of(docs_path, directory_urls=directory_urls)
        if target.is_file():
            target.unlink()
            removed += 1
            folders.add(target.parent)
    # each folder looked at once, deepest first: a day's update removes a thousand search
    # shards from one folder of thousands, which must not be listed a thousand times
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


class _Some(Files):
    """Every file of the site, of which MkDocs reads and renders only the ``wanted`` pages."""

    def __init__(self, files: Iterable[File], wanted: Callable[[File], bool]) -> None:
        super().__init__(files)
        self._wanted = wanted
        # MkDocs asks for the pages seven times a build, each time of 120,000 files
        self._pages: dict[Callable[[InclusionLevel], bool], list[File]] = {}

    def documentation_pages(self, *, inclusion: Callable[[InclusionLevel], bool] = InclusionLevel.is_included
                            ) -> Sequence[File]:
        found = self._pages.get(inclusion)
        if found is None:
            found = self._pages[inclusion] = [file for file in super().documentation_pages(inclusion=inclusion)
                                              if self._wanted(file)]
        return list(found)

    def append(self, file: File) -> None:
        self._pages.clear()
        super().append(file)

    def remove(self, file: File) -> None:
        self._pages.clear()
        super().remove(file)


class OnlyChanged(BasePlugin):
    """In a dirty build, hide from MkDocs' page loops the generated pages left ``unchanged``."""

    def __init__(self, *, unchanged: frozenset[str]) -> None:
        self.unchanged = unchanged

    @event_priority(-100)  # after every other plugin has added or removed files
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if config.nav is None:  # a nav made from the files lists every page: MkDocs must see them all
            return files

        def wanted(file: File) -> bool:
            return file.src_uri not in self.unchanged or not os.path.exists(file.abs_dest_path)
        return _Some(files, wanted)


def install(config: MkDocsConfig, *, unchanged: frozenset[str]) -> None:
    """Register :class:`OnlyChanged` for a dirty build that left the docs paths ``unchanged``."""
    config.plugins["paperfeed/only-changed"] = OnlyChanged(unchanged=unchanged)
