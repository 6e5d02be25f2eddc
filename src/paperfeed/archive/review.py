"""What a pull request may change in the archive, compared with its base revision.

People own a paper's body and the keys machines never write (such as ``tags``);
the daily fetch owns everything else, so a hand edit to ``upvotes`` or an
abstract would be silently undone, or worse, trusted. Papers are added and
removed by the fetch only; notes are added under ``notes/``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from paperfeed.archive.store import ArchiveError, key_line, loads
from paperfeed.model import MACHINE_KEYS


class ReviewError(Exception):
    """The base revision cannot be compared (not a git checkout, unknown revision)."""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if done.returncode:
        raise ReviewError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def review(papers: Path, base: str) -> list[ArchiveError]:
    """Every change to ``papers`` since ``base`` that only the daily fetch may make."""
    top = Path(_git(papers, "rev-parse", "--show-toplevel").strip())
    _git(top, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    where = papers.resolve().relative_to(top.resolve()).as_posix()
    changes = _git(top, "diff", "--name-status", "--no-renames", "-z", base, "--", where).split("\0")
    pairs = list(zip(changes[0::2], changes[1::2]))
    # files not yet added to git are new too (a local run before committing)
    pairs += [("A", n) for n in _git(top, "ls-files", "--others", "--exclude-standard", "-z", "--", where).split("\0")
              if n]
    problems = []
    for status, name in pairs:
        path = top / name
        if not name.endswith(".md"):
            continue
        if status == "A":
            problems.append(ArchiveError(path, "papers are added by the daily fetch; a note goes in its own file "
                                         "under notes/ (see CONTRIBUTING.md)", 1))
        elif status == "D":
            problems.append(ArchiveError(path, "papers are not removed by hand"))
        elif status == "M":
            problems += _edits(path, _git(top, "show", f"{base}:{name}"), path.read_text(encoding="utf-8"))
    return problems


def _edits(path: Path, old_text: str, new_text: str) -> list[ArchiveError]:
    try:
        old, new = loads(old_text, path), loads(new_text, path)
    except ArchiveError as exc:
        return [exc]
    problems = []
    for key in MACHINE_KEYS:
        if getattr(old, key) != getattr(new, key):
            problems.append(ArchiveError(path, f"{key!r} is written by the daily fetch and may not be edited by "
                                         "hand (people own the body and keys such as tags)", key_line(new_text, key)))
    return problems
