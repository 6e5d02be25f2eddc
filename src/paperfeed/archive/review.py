"""What a pull request may change, compared with its base revision (``check --base``).

People own the keys machines never write (``tags``); the daily fetch owns the
rest of a paper's file, so a hand edit to ``upvotes`` or an abstract would be
silently undone, or worse, trusted. Papers are added, moved and removed by the
fetch only. A note belongs to who signed it: a pull request may add notes
signed by its own author, and edit or delete only those (a maintainer listed
in ``extra.paperfeed.maintainers`` may edit or delete any, to moderate). No
file anywhere may become a symbolic link, and the settings that say where the
archive lives may not move it out of the checker's sight.

The changes come from ``git diff --raw``, so every kind is seen: added,
copied, deleted, modified, renamed, a file turned into a link (type change)
and unmerged; plus the files git does not track yet (a local run).
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from paperfeed import config
from paperfeed.archive.notes import parse_author
from paperfeed.archive.store import ArchiveError, key_line, loads
from paperfeed.config import Settings
from paperfeed.model import MACHINE_KEYS

_LINK_MODE = "120000"
_SUBMODULE_MODE = "160000"


class ReviewError(Exception):
    """The base revision cannot be compared (not a git checkout, unknown revision)."""


@dataclass(frozen=True)
class Change:
    status: str  # git's letter: A C D M R T U
    path: str  # repository-relative, as it is now (the new name of a rename)
    old_path: str | None  # before a rename or copy
    new_mode: str  # "120000" for a symbolic link, "000000" when deleted


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, errors="surrogateescape")
    if done.returncode:
        raise ReviewError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def top_of(path: Path) -> Path:
    """The root of the git checkout that holds ``path``."""
    return Path(_git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel").strip())


def changes(top: Path, base: str) -> list[Change]:
    """Every change of the working tree against ``base``, untracked files included, and of the
    index too: a submodule entry (which has no file to see) is found there."""
    out = _parse_raw(_git(top, "diff", "--raw", "-z", "-M", "-C", "--no-abbrev", base))
    seen = {c.path for c in out}
    out += [c for c in _parse_raw(_git(top, "diff", "--cached", "--raw", "-z", "-M", "-C", "--no-abbrev", base))
            if c.path not in seen or c.new_mode in (_LINK_MODE, _SUBMODULE_MODE)]
    for name in _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0"):
        if name:
            mode = os.lstat(top / name).st_mode
            kind = _LINK_MODE if stat.S_ISLNK(mode) else _SUBMODULE_MODE if stat.S_ISDIR(mode) else "100644"
            out.append(Change("A", name, None, kind))
    return out


def _parse_raw(raw: str) -> list[Change]:
    fields = raw.split("\0")
    out: list[Change] = []
    i = 0
    while i < len(fields) - 1:
        meta = fields[i].lstrip(":").split()
        status = meta[4][0]
        if status in "RC":
            out.append(Change(status, fields[i + 2], fields[i + 1], meta[1]))
            i += 3
        else:
            out.append(Change(status, fields[i + 1], None, meta[1]))
            i += 2
    return out


def review(papers: Path, base: str, *, notes: Path | None = None, author: str | None = None,
           maintainers: tuple[str, ...] = ()) -> list[ArchiveError]:
    """Every change since ``base`` to the archive and the notes that a pull request by
    ``author`` may not make (without ``author``, notes are not checked for who signed them)."""
    top = top_of(papers if papers.is_dir() else Path.cwd())
    _git(top, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    papers_dir = _inside(top, papers)
    notes_dir = _inside(top, notes) if notes is not None else None
    problems: list[ArchiveError] = []
    for change in changes(top, base):
        path = top / change.path
        if change.new_mode == _LINK_MODE:
            problems.append(ArchiveError(path, "a symbolic link: the repository holds plain files only (a link can "
                                         "publish a file from outside it)"))
            continue
        if change.new_mode == _SUBMODULE_MODE:
            problems.append(ArchiveError(path, "a submodule: the repository holds plain files only"))
            continue
        if change.status == "U":
            problems.append(ArchiveError(path, "unmerged: resolve the conflict first"))
        elif _under(change.path, papers_dir) or (change.old_path and _under(change.old_path, papers_dir)):
            problems += _paper_change(top, base, change)
        elif notes_dir is not None and (_under(change.path, notes_dir) or
                                        (change.old_path and _under(change.old_path, notes_dir))):
            problems += _note_change(top, base, change, author, maintainers)
    return problems


def _inside(top: Path, folder: Path) -> str:
    try:
        return folder.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise ReviewError(f"{folder} is not inside the repository {top}") from None


def _under(name: str, folder: str | None) -> bool:
    return folder is not None and (folder == "." or name.startswith(folder.rstrip("/") + "/"))


def _paper_change(top: Path, base: str, change: Change) -> list[ArchiveError]:
    path = top / change.path
    if not change.path.endswith(".md") and change.status != "D":
        return []  # check reports the stray file itself
    if change.status in "AC":
        return [ArchiveError(path, "papers are added by the daily fetch; a note goes in its own file under notes/ "
                             "(see CONTRIBUTING.md)", 1)]
    if change.status == "D":
        return [ArchiveError(path, "papers are not removed by hand")]
    if change.status == "R":
        return [ArchiveError(path, f"papers are not moved or renamed by hand (was {change.old_path})")]
    try:
        now = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [ArchiveError(path, f"cannot be read as UTF-8 text ({type(exc).__name__})")]
    return _edits(path, _git(top, "show", f"{base}:{change.path}"), now)


def _edits(path: Path, old_text: str, new_text: str) -> list[ArchiveError]:
    try:
        old, new = loads(old_text, path), loads(new_text, path)
    except ArchiveError as exc:
        return [exc]
    problems = []
    for key in MACHINE_KEYS:
        if getattr(old, key) != getattr(new, key):
            problems.append(ArchiveError(path, f"{key!r} is written by the daily fetch and may not be edited by "
                                         "hand (people own keys such as tags)", key_line(new_text, key)))
    return problems


def _note_change(top: Path, base: str, change: Change, author: str | None,
                 maintainers: tuple[str, ...]) -> list[ArchiveError]:
    """A note is added by its signer, and edited or deleted by its signer or a maintainer;
    nobody changes who signed it."""
    if author is None:
        return []  # a local run: who the pull request is by is not known
    path = top / change.path
    who = author.lower()
    moderator = who in {m.lower() for m in maintainers}
    problems = []
    before = parse_author(_git(top, "show", f"{base}:{change.old_path or change.path}")) \
        if change.status in "DMRT" else None
    now = parse_author(path.read_text(encoding="utf-8", errors="replace")) \
        if change.status != "D" and path.is_file() else None
    if change.status in "DMRT" and (before or "").lower() != who and not moderator:
        verb = {"D": "deletes", "R": "moves"}.get(change.status, "edits")
        problems.append(ArchiveError(path, f"this pull request by @{author} {verb} a note signed by @{before}: "
                                     "a note is changed only by who wrote it (or a maintainer)"))
    if change.status in "MT" and now is not None and (before or "").lower() != now.lower():
        problems.append(ArchiveError(path, f"a note keeps its signature: @{before} wrote it, not @{now}", 2))
    if change.status in "ACR" and now is not None and now.lower() != who:
        problems.append(ArchiveError(path, f"this note is signed by @{now}, but the pull request is by "
                                     f"@{author}: sign notes with your own GitHub handle", 2))
    return problems


def settings_at(top: Path, base: str, config_file: Path) -> Settings | None:
    """The settings file as it was at ``base`` (None when it did not exist): the rules a pull
    request is held to (its maintainers, where the archive lives) are the base's, never its own."""
    try:
        text = _git(top, "show", f"{base}:{_inside(top, config_file)}")
    except ReviewError:
        return None
    try:
        return config.parse(text, config_file)
    except config.ConfigError as exc:
        raise ReviewError(f"the settings at {base} cannot be read: {exc}") from None


def settings_moved(before: Settings | None, config_file: Path, now: Settings) -> list[ArchiveError]:
    """The settings that locate the archive, if the working tree changed them since the base:
    a pull request that points ``papers`` elsewhere would hide its papers from the check."""
    if before is None:
        return []
    lines = config_file.read_text(encoding="utf-8").splitlines()
    problems = []
    for key in ("papers", "notes"):
        old, new = getattr(before, key), getattr(now, key)
        if old != new:
            line = next((n for n, text in enumerate(lines, 1) if text.strip().startswith(f"{key}:")), None)
            problems.append(ArchiveError(config_file, f"extra.paperfeed.{key}: a pull request may not move the "
                                         f"archive ({old!r} at the base, {new!r} here)", line))
    return problems
