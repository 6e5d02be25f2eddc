"""What git already knows of the paper files: the id of each one's bytes.

A fresh checkout (the publish workflow's) gives every file a new mtime, so a
build could not tell an unchanged paper from a changed one without reading all
of them: at 100,000 papers, four of a daily build's seconds. Git can: a file it
tracks whose stat matches its index holds the blob the index names. The build
cache keys each paper's record by that same blob id (``blob_id``), computed by
hand only for the files git does not vouch for (new, edited, untracked, or no
git at all).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

#: Plain files (not links, not submodules), with git's "cached" tag: not assumed unchanged
#: or skipped (``git update-index --assume-unchanged``/``--skip-worktree``), which git
#: would not compare with the file.
_VOUCHED_MODES = ("100644", "100755")
_TIMEOUT = 120
#: Attributes under which git checks a file out as other bytes than its blob's.
_CONVERSIONS = ("filter", "ident", "working-tree-encoding")


def blob_id(data: bytes) -> str:
    """The id git gives ``data`` as a blob (SHA-1, git's default object format)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _git(folder: Path, *args: str, feed: str | None = None) -> str:
    # no optional lock (a build must not write the index), and no fsmonitor hook to run
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_LITERAL_PATHSPECS": "1"}
    return subprocess.run(["git", "-c", "core.fsmonitor=false", "-C", str(folder), *args], capture_output=True,
                          check=True, env=env, timeout=_TIMEOUT,
                          input=None if feed is None else feed.encode("utf-8", "surrogateescape"),
                          ).stdout.decode("utf-8", "surrogateescape")


def tracked(folder: Path) -> tuple[str, dict[str, str]] | None:
    """What git vouches for under ``folder``: the folder's path in the work tree (``""`` at
    its top) and the blob id of each file (by its path from the top) that is tracked,
    unchanged since git last looked, and checked out as committed (no filter, ``ident`` or
    ``working-tree-encoding``, which make the file's bytes other than the blob's; line
    endings may differ, which YAML reads alike). None when ``folder`` is not in a git work
    tree with SHA-1 ids, or git is missing. Only git runs here (a build asks it while it
    loads its cache, background.py); :func:`unchanged` matches the answer to the files."""
    folder = Path(os.path.abspath(folder))
    try:
        top, object_format = _git(folder, "rev-parse", "--show-toplevel", "--show-object-format").splitlines()
        if object_format != "sha1":
            return None
        where = os.path.relpath(folder.resolve(), Path(top).resolve()).replace(os.sep, "/")
        if where.startswith("../"):
            return None
        scope = [] if where == "." else ["--", where]
        # the changed files first: a file added in between has a new id, never an old id called clean
        changed = set(_git(Path(top), "diff-files", "--name-only", "-z", *scope).split("\0"))
        listed = _git(Path(top), "ls-files", "--stage", "-v", "-z", *scope).split("\0")
        blobs: dict[str, str] = {}
        for line in listed:
            info, _, name = line.partition("\t")
            parts = info.split(" ")
            # "H 100644 <id> 0": cached, a plain file, stage 0 (no merge conflict)
            if len(parts) == 4 and parts[0] == "H" and parts[1] in _VOUCHED_MODES and parts[3] == "0" \
                    and name not in changed:
                blobs[name] = parts[2]
        if blobs:
            converted = _git(Path(top), "check-attr", "-z", "--stdin", *_CONVERSIONS, feed="\0".join(blobs) + "\0")
            fields = converted.split("\0")
            for name, _, value in zip(fields[0::3], fields[1::3], fields[2::3]):
                if value not in ("unspecified", "unset"):
                    blobs.pop(name, None)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return ("" if where == "." else where + "/"), blobs


def unchanged(folder: Path, paths: Sequence[Path], *,
              asked: Callable[[], tuple[str, dict[str, str]] | None] | None = None) -> dict[Path, str]:
    """The blob id of each of ``paths`` (files under ``folder``) whose bytes git vouches for:
    :func:`tracked`, or what ``asked()`` gives (a build asks git earlier). Empty when git
    vouches for nothing there: the caller reads every file."""
    if not paths:
        return {}
    found = asked() if asked is not None else tracked(folder)
    if found is None:
        return {}
    prefix, blobs = found
    folder = Path(os.path.abspath(folder))
    base = str(folder).rstrip(os.sep) + os.sep
    cwd = os.getcwd()
    out: dict[Path, str] = {}
    for path in paths:
        text = str(path)
        if not os.path.isabs(text):
            text = os.path.join(cwd, text)
        if not text.startswith(base):  # paths are made under folder: no relpath for 100,000 of them
            continue
        found_id = blobs.get(prefix + text[len(base):].replace(os.sep, "/"))
        if found_id is not None:
            out[path] = found_id
    return out
