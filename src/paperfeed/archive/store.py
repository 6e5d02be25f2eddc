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
#: A paper file's largest size: a real one is a few KB (664 authors make 20 KB); GitHub
#: refuses files over 100 MB, and one paper must never come near that.
MAX_FILE_BYTES = 2_000_000


class _StrictLoader(_Loader):
    """libyaml's safe loader, but a key given twice is an error (YAML would keep the last
    silently), an alias is refused (200,000 ``*a`` make a 1 MB file expand to gigabytes),
    and an impossible date (2026-02-30) or a number of 5,000 digits names its line instead
    of a traceback."""

    def get_single_node(self):  # type: ignore[no-untyped-def]
        root = super().get_single_node()
        seen: set[int] = set()
        todo = [root] if root is not None else []
        while todo:  # an alias is a node met twice
            node = todo.pop()
            if id(node) in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, "anchors and aliases (&name, *name) are not allowed here: write the value out",
                    node.start_mark)
            seen.add(id(node))
            if isinstance(node, yaml.SequenceNode):
                todo += node.value
            elif isinstance(node, yaml.MappingNode):
                todo += [part for pair in node.value for part in pair]
        return root

    def construct_yaml_int(self, node):  # type: ignore[no-untyped-def]
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"the number {node.value[:20]}… is too long", node.start_mark) from None

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: dict[object, yaml.Mark] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark).line
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be a plain name", key_node.start_mark) from None
                if seen[key] is not key_node.start_mark:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"{key!r} appears twice (first on line {first + 1})", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):  # type: ignore[no-untyped-def]
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)
_FENCE = re.compile(r"^-{3,}\s*$", re.MULTILINE)


class ArchiveError(Exception):
    """A problem with one file of the archive, located by path and line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        shown = printable_path(self.path)
        where = f"{shown}:{line}" if line else shown
        super().__init__(f"{where}: {message}")


def printable_path(path: Path | str) -> str:
    """A file name is data too: a newline in it must not start a new line of output."""
    return _CONTROL_IN_NAME.sub(lambda m: repr(m.group())[1:-1], str(path))


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
    if len(text) > MAX_FILE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ArchiveError(path, f"a paper file is at most {MAX_FILE_BYTES:,} bytes", 1)
    data, body = front_matter_of(text, path)
    try:
        paper = from_front_matter(data, body.strip("\n"))
    except (PaperError, TypeError) as exc:
        name = getattr(exc, "field", "links")
        raise ArchiveError(path, str(exc), key_line(text, name)) from None
    errors = validate(paper)
    if errors:
        name = errors[0].field
        raise ArchiveError(path, str(errors[0]), _body_line(text) if name == "body" else key_line(text, name))
    return paper


def front_matter_of(text: str, path: Path | str = "<string>") -> tuple[dict, str]:
    """A file's front matter, read strictly (see _StrictLoader), and the text after it: the one
    reader of paper files and notes. Errors name the file, line and key."""
    text = text.lstrip("\ufeff")
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        if text.startswith("---"):
            raise ArchiveError(path, "the front matter has no closing '---' line", 1) from None
        raise ArchiveError(path, "no YAML front matter (the file must start with a '---' line)", 1) from None
    try:
        data = yaml.load(fm, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began: the line to fix.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None  # 0-based, and the split keeps the newline after '---'
        context = f" ({exc.context})" if exc.context else ""
        key = _key_at(text, line) if line else None
        # a value YAML read but we refuse (a repeated key, an impossible date) is not a syntax error
        what = "" if isinstance(exc, yaml.constructor.ConstructorError) and not exc.context else "invalid YAML: "
        raise ArchiveError(path, f"{f'{key}: ' if key else ''}{what}{exc.problem or exc}{context}", line) from None
    except yaml.YAMLError as exc:
        raise ArchiveError(path, f"invalid YAML: {exc}", 1) from None
    except (RecursionError, ValueError, OverflowError) as exc:  # nesting or values no file needs
        raise ArchiveError(path, f"front matter that cannot be read ({type(exc).__name__})", 1) from None
    if not isinstance(data, dict):
        raise ArchiveError(path, "front matter must be a mapping of keys to values", 2)
    return data, body


def _key_at(text: str, line: int) -> str | None:
    """The top-level front-matter key whose value spans ``line`` (1-based)."""
    lines = text.splitlines()[:line]
    for candidate in reversed(lines[1:]):
        if m := re.match(r"^([^\s#:-][^:]*):", candidate):
            return m.group(1)
    return None


def _body_line(text: str) -> int:
    """The first line of text after the front matter's closing '---'."""
    fences = [m for m in _FENCE.finditer(text)][:2]
    start = text.count("\n", 0, fences[-1].end()) + 1 if len(fences) == 2 else 1
    lines = text.splitlines()
    return next((n for n in range(start + 1, len(lines) + 1) if lines[n - 1].strip()), start)


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
    """Every paper file under ``root``, in a stable order (never through a symbolic link)."""
    return listing(root).files


@dataclass
class Listing:
    """What a folder of the archive (papers/ or notes/) holds."""

    #: the plain ``.md`` files, sorted
    files: list[Path]
    #: everything else, each with why it may not be there
    strays: list[ArchiveError]


#: Files that may sit in an archive folder without being data.
_ALLOWED = (".gitkeep", ".paperfeed.lock")
_CONTROL_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\udc80-\udcff]")


def listing(root: Path, *, what: str = "paper file") -> Listing:
    """The ``.md`` files under ``root`` and the strays: symbolic links (never followed: a
    link could publish a file from outside the repository), temp files a killed writer
    left, hidden files, names with control characters, and files of other kinds."""
    files: list[str] = []
    strays: list[ArchiveError] = []
    # os.scandir's entries know their kind without a stat (100,000 files a build); a linked
    # folder is never entered, as os.walk would not
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # as os.walk: a folder that cannot be listed holds nothing
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir():
                if entry.is_symlink() or name.startswith(".") or _CONTROL_IN_NAME.search(name):
                    path = Path(entry.path)
                    strays.append(ArchiveError(path, _stray(path, name, what) + " (a folder)"))
                else:
                    folders.append(entry.path)
            elif name in _ALLOWED:
                continue
            elif name.endswith(".md") and not name.startswith(".") and not entry.is_symlink() \
                    and not _CONTROL_IN_NAME.search(name) and entry.is_file():
                files.append(entry.path)
            else:
                path = Path(entry.path)
                strays.append(ArchiveError(path, _stray(path, name, what)))
    # sorted as Paths sort (part by part), but as text: 100,000 Path comparisons take a quarter second
    files.sort(key=lambda text: os.path.normcase(text).split(os.sep))
    return Listing([Path(text) for text in files], sorted(strays, key=lambda e: str(e.path)))


def _stray(path: Path, name: str, what: str) -> str:
    if path.is_symlink():
        return f"a symbolic link: a {what} must be a plain file (a link can point outside the repository)"
    if _CONTROL_IN_NAME.search(name):
        return "the name holds a control character or bytes that are not UTF-8: rename it"
    if name.startswith(".") and name.endswith(".tmp"):
        return "left by a command that was killed while writing: delete it (the next import removes it)"
    if name.startswith("."):
        return f"a hidden file, not a {what}"
    return f"not a {what} ({what}s end in .md)"


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
