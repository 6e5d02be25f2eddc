"""Write the generated part of docs/ (pages, feeds, search index): only what changed.

Build outputs, unlike the archive, are written in place: an interrupted run leaves
a file that differs from what the next run makes, which rewrites it.
"""

from __future__ import annotations

import os
from pathlib import Path


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
