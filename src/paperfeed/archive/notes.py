"""Community notes: one Markdown file per note, beside the archive, sent by pull request.

    notes/2308/2308.07686/2026-11-24-octocat.md
    ---
    author: octocat        # the GitHub handle of who wrote it
    date: 2026-11-24
    ---
    The ablation in Table 3 carries the result.

A note lives in its own file, not in the paper's body, because that merges: two
pull requests that each append a note to the same paper file conflict (tried:
git stops at the second merge), while two new files never do, and the daily
fetch never opens a note file at all. Notes are checked here (author, date,
size, links only http(s), no HTML that could run script, each line located) and
sanitized again when they are rendered (nh3), so a note is safe even if a check
was skipped.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3

from paperfeed.archive.store import ArchiveError, front_matter_of, listing
from paperfeed.model import relative_path, text_problem

MAX_BYTES = 10_000
HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")  # GitHub's rule for usernames
#: HTML a note may use inline; everything else is written in Markdown.
TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "i", "kbd", "li", "ol", "p",
        "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
# opening tags (a closing one adds nothing); <https://…> is Markdown's autolink, not a tag
_HTML_TAG = re.compile(r"<\s*(?!https?://[^\s<>]*>)([a-zA-Z][\w:-]*)([^>]*)>", re.I)
_EVENT = re.compile(r"\bon[a-z]+\s*=|\bstyle\s*=|\bsrcdoc\s*=", re.I)
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?\s*$|<([a-zA-Z][\w+.-]*:[^>\s]*)>|"
                   r"\b(?:href|src)\s*=\s*[\"']?([^\"'\s>]+)", re.M)
_SCHEME = re.compile(r"^\s*([a-zA-Z][\w+.-]*):")
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)\.md$")


@dataclass(frozen=True)
class Note:
    paper_id: str
    author: str
    date: dt.date
    body: str
    path: Path

    @property
    def anchor(self) -> str:
        return f"note-{self.date.isoformat()}-{self.author.lower()}"


def note_dir(paper_id: str) -> str:
    """A paper's notes folder, relative to the notes root: sharded like ``papers/``."""
    return relative_path(paper_id)[: -len(".md")]


def parse_author(text: str) -> str | None:
    """Who signed a note, from its text; None when it cannot be read."""
    try:
        author = front_matter_of(text)[0].get("author")
    except ArchiveError:
        return None
    return author if isinstance(author, str) else None


def _body_problems(path: Path, body: str, first_line: int) -> list[ArchiveError]:
    problems = []
    for number, line in enumerate(body.splitlines(), start=first_line):
        if problem := text_problem(line):
            problems.append(ArchiveError(path, f"the line {problem}", number))
        for tag, attrs in _HTML_TAG.findall(line):
            if tag.lower() not in TAGS:
                problems.append(ArchiveError(path, f"HTML <{tag}> is not allowed in a note: write Markdown", number))
            elif _EVENT.search(attrs):
                problems.append(ArchiveError(path, f"HTML attributes that run script or style are not allowed "
                                             f"(<{tag}{attrs}>)", number))
        for match in _LINK.finditer(line):
            url = html.unescape(next(g for g in match.groups() if g is not None))  # JaVa&#x53;cript: too
            scheme = _SCHEME.match(url)
            if scheme and scheme.group(1).lower() not in ("http", "https"):
                problems.append(ArchiveError(path, f"links must be http(s); this one is {scheme.group(1)}:", number))
    return problems


def read_note(path: Path, root: Path) -> tuple[Note | None, list[ArchiveError]]:
    """Parse and check one note file; the problems name its lines."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        return None, [ArchiveError(path, f"a note is at most {MAX_BYTES:,} bytes; this one is {len(data):,}")]
    try:
        text = data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return None, [ArchiveError(path, "not UTF-8 text")]
    try:  # the reader of paper files: repeated keys, impossible dates and aliases are errors
        meta, content = front_matter_of(text, path)
    except ArchiveError as exc:
        return None, [exc]
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next((i for i, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 1)
    problems = []
    meta = dict(meta)
    author, date = meta.pop("author", None), meta.pop("date", None)
    for key in meta:
        problems.append(ArchiveError(path, f"unknown key {str(key)[:40]!r} (a note has author and date)",
                                     line_of(str(key))))
    if not isinstance(author, str) or not HANDLE.match(author):
        problems.append(ArchiveError(path, f"author must be your GitHub handle, got {str(author)[:40]!r}",
                                     line_of("author")))
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        problems.append(ArchiveError(path, f"date must be a day like 2026-11-24, got {str(date)[:40]!r}",
                                     line_of("date")))
    name = _NAME.match(path.name)
    if not name:
        problems.append(ArchiveError(path, "name the file YYYY-MM-DD-your-handle.md"))
    elif not problems and (name.group(1) != date.isoformat() or name.group(2) != author):
        problems.append(ArchiveError(path, f"the file name should be {date.isoformat()}-{author}.md"))
    content = content.strip("\n")
    if not content.strip():
        problems.append(ArchiveError(path, "the note is empty"))
    first = text.count("\n", 0, text.rfind(content)) + 1 if content else len(lines)
    problems += _body_problems(path, content, first)
    folder = path.parent.relative_to(root).as_posix()
    paper_id = folder.split("/", 1)[-1].replace("_", "/") if "/" in folder else folder
    if problems:
        return None, problems
    return Note(paper_id, author, date, content.strip(), path), []


def read_notes(root: Path, paper_ids: set[str]) -> tuple[dict[str, list[Note]], list[ArchiveError]]:
    """Every note under ``root``, by paper id, oldest first; and every problem found."""
    notes: dict[str, list[Note]] = {}
    problems: list[ArchiveError] = []
    if not root.is_dir():
        return notes, problems
    found_files = listing(root, what="note")
    problems += found_files.strays
    for path in found_files.files:
        note, found = read_note(path, root)
        problems += found
        if note is None:
            continue
        if note.paper_id not in paper_ids or note_dir(note.paper_id) != path.parent.relative_to(root).as_posix():
            problems.append(ArchiveError(path, f"no paper {note.paper_id!r} in the archive: a note goes in "
                                         "notes/<yymm>/<arXiv id>/, like the paper's file in papers/"))
            continue
        notes.setdefault(note.paper_id, []).append(note)
    for items in notes.values():
        items.sort(key=lambda n: (n.date, n.author.lower()))
    return notes, problems


def render(text: str) -> str:
    """A note's Markdown as HTML, sanitized: the allowed tags, http(s) links, no script."""
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return nh3.clean(html, tags=TAGS, url_schemes={"http", "https"}, link_rel="nofollow noopener ugc",
                     attributes={"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}})


def plan_moves(root: Path, moves: dict[str, str]) -> list[tuple[Path, Path]]:
    """The note files to move when papers change id (old id → new id), as (from, to) pairs;
    ArchiveError when one would land on a note that is already there, before anything moves."""
    planned = []
    for old, new in moves.items():
        source, target = root / note_dir(old), root / note_dir(new)
        if not source.is_dir():
            continue
        for path in sorted(p for p in source.iterdir() if p.is_file() and not p.is_symlink()):
            if (target / path.name).exists():
                raise ArchiveError(path, f"the paper now has the id {new!r}, whose notes already hold "
                                   f"{path.name}: merge the two notes by hand")
            planned.append((path, target / path.name))
    return planned


def move(planned: list[tuple[Path, Path]]) -> None:
    """Move note files (os.replace: each lands whole), and remove the folders left empty."""
    for source, target in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        for folder in (source.parent, source.parent.parent):
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty
