"""One writer at a time: the archive's lock, and the temp files an interrupted writer left.

Every command that writes ``papers/`` (import, fetch, enrich) reads what it
merges and writes it back under this lock, so two imports at once cannot
lose each other's updates: the second waits, then reads what the first wrote.
Under the lock no other writer is running, so any ``.*.tmp`` file in the
archive was left by one that was killed (``kill -9``) between writing its temp
file and renaming it: it is removed. ``.gitignore`` keeps such files out of a
commit, and ``paperfeed check`` reports any it finds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

#: The lock file, inside the archive while a command writes it (ignored by git and by check).
LOCK_NAME = ".paperfeed.lock"
#: How long a second writer waits for the first.
WAIT_SECONDS = 600.0


class LockedError(Exception):
    """Another command held the archive for longer than we wait."""


def is_temp(name: str) -> bool:
    """A temp file of ``store.write_text_atomic``: ``.2405.15738.md.k2j3h4.tmp``."""
    return name.startswith(".") and name.endswith(".tmp")


def stray_temp_files(root: Path) -> list[Path]:
    found = []
    for folder, _, names in os.walk(root):
        found += [Path(folder) / n for n in names if is_temp(n)]
    return sorted(found)


@contextmanager
def writing(root: Path, *, wait: float = WAIT_SECONDS) -> Iterator[list[Path]]:
    """Hold the archive at ``root`` for writing; yields the stale temp files it removed."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"paperfeed: another command is writing {root}; waiting up to {wait:.0f} s", file=sys.stderr)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise LockedError(f"{root}: another paperfeed command has been writing it for {wait:.0f} s; "
                              f"try again when it ends (lock: {root / LOCK_NAME})") from None
    try:
        stale = stray_temp_files(root)
        for path in stale:
            path.unlink(missing_ok=True)
        yield stale
    finally:
        # unlinked while held, so no lock file is left behind: a waiter that then gets the
        # unlinked inode sees it has no name and opens the path again (filelock >= 4 does)
        (root / LOCK_NAME).unlink(missing_ok=True)
        lock.release()
