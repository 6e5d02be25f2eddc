"""All file I/O of the archive: reading paper files, writing them atomically.

A paper file is YAML front matter (machine-owned metadata, fixed key order)
followed by a Markdown body (community notes). The same record always
serialises to the same bytes, so a re-run that learns nothing changes nothing.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from paperfeed.model import Paper, PaperError, from_front_matter, relative_path, to_front_matter, validate

try:  # libyaml is ~10x faster; reading 100,000 files is the archive's hot path
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_HANDLER = frontmatter.YAMLHandler()
# YAML's line width: long abstracts fold onto several lines so a diff shows
# which part of an abstract changed.
_WIDTH = 100


class ArchiveError(Exception):
    """A problem with one file of the archive, located by path and line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


@dataclass
class Entry:
    """A paper as found on disk: the record, where it lives, and its bytes."""

    paper: Paper
    path: Path
    #: the file's text; empty when a cache knew the file, and read again only to locate an error
    text: str

    def source(self) -> str:
        return self.text or self.path.read_text(encoding="utf-8")


def dumps(paper: Paper) -> str:
    """The exact text of ``paper``'s file."""
    metadata = yaml.dump(
        to_front_matter(paper), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=_WIDTH,
    )
    text = f"---\n{metadata}---\n"
    body = paper.body.strip("\n")
    if body.strip():
        text += f"\n{body}\n"
    return text


def loads(text: str, path: Path | str = "<string>") -> Paper:
    """Parse a paper file's text; errors name the file, line and field."""
    try:
        fm, body = _HANDLER.split(text.lstrip("\ufeff"))
    except ValueError:
        raise ArchiveError(path, "no YAML front matter (the file must start with a '---' line)", 1) from None
    try:
        data = yaml.load(fm, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began: the line to fix.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None  # 0-based, and the split keeps the newline after '---'
        context = f" ({exc.context})" if exc.context else ""
        raise ArchiveError(path, f"invalid YAML: {exc.problem or exc}{context}", line) from None
    except yaml.YAMLError as exc:
        raise ArchiveError(path, f"invalid YAML: {exc}", 1) from None
    if not isinstance(data, dict):
        raise ArchiveError(path, "front matter must be a mapping of keys to values", 2)
    try:
        paper = from_front_matter(data, body.strip("\n"))
    except (PaperError, TypeError) as exc:
        name = getattr(exc, "field", "links")
        raise ArchiveError(path, str(exc), key_line(text, name)) from None
    errors = validate(paper)
    if errors:
        raise ArchiveError(path, str(errors[0]), key_line(text, errors[0].field))
    return paper


def key_line(text: str, field_name: str) -> int | None:
    """The 1-based line where ``field_name`` (``links.github`` for nested keys) is set."""
    lines = text.splitlines()
    parts = field_name.split(".")
    start = 0
    for depth, part in enumerate(parts):
        pattern = re.compile(rf"^{' ' * (2 * depth)}{re.escape(part)}\s*:")
        for i in range(start, len(lines)):
            if pattern.match(lines[i]):
                start = i
                break
        else:
            return start + 1 if depth else None
    return start + 1


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so an interrupted run leaves the old
    file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def path_for(root: Path, paper_id: str) -> Path:
    return root / relative_path(paper_id)


def read_entry(path: Path) -> Entry:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveError(path, f"not UTF-8 text (byte {exc.start})") from None
    return Entry(loads(text, path), path, text)


def paper_files(root: Path) -> list[Path]:
    """Every paper file under ``root``, in a stable order."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("**/*.md") if not p.name.startswith("."))


def read_entries(paths: Iterable[Path], read: Callable[[Path], Entry] | None = None) -> Iterator[Entry | ArchiveError]:
    """Read each file (with ``read``, by default :func:`read_entry`), yielding an Entry
    or the ArchiveError that explains why not."""
    read = read or read_entry
    for path in paths:
        try:
            yield read(path)
        except ArchiveError as exc:
            yield exc


def write_paper(root: Path, paper: Paper, *, old_text: str | None = None) -> bool:
    """Write ``paper`` where its id says; False (and no write) when the bytes are unchanged."""
    text = dumps(paper)
    if text == old_text:
        return False
    write_text_atomic(path_for(root, paper.id), text)
    return True


def remove_file(path: Path) -> None:
    """Remove a paper file, and its shard folder once that is empty."""
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass  # not empty


def sync_tree(root: Path, files: dict[str, str | bytes], *, owned: tuple[str, ...],
              keep: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """Make the generated part of ``root`` (the ``owned`` files and folders) hold
    exactly ``files`` (and ``keep``, left as they are): write those whose bytes
    changed, delete the stale ones. Untouched files keep their mtime, so an
    incremental build can skip them. Returns the paths written and deleted.

    These are build outputs, written in place: an interrupted run leaves a file
    that differs from what the next run makes, which rewrites it."""
    written: list[str] = []
    deleted: list[str] = []
    for rel, text in files.items():
        path = root / rel
        data = text.encode("utf-8") if isinstance(text, str) else text
        try:
            if path.read_bytes() == data:
                continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(rel)
    for name in owned:
        top = root / name
        if top.is_file():
            if name not in files and name not in keep:
                top.unlink()
                deleted.append(name)
            continue
        # os.walk, not Path.rglob: this lists every generated file (100,000s of them)
        for folder, _, names in os.walk(top, topdown=False):
            prefix = Path(folder).relative_to(root).as_posix() + "/"
            for file_name in names:
                rel = prefix + file_name
                if rel not in files and rel not in keep:
                    os.unlink(os.path.join(folder, file_name))
                    deleted.append(rel)
            if not os.listdir(folder):
                os.rmdir(folder)
    return written, deleted
