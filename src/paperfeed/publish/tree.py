"""Write the generated part of docs/ (pages, feeds, search index): only what changed.

Each file is written as soon as it is made, so a build never holds every page at
once (at 100,000 papers, more than a gigabyte of text). Build outputs, unlike the
archive, are written in place: an interrupted run leaves a file that differs from
what the next run makes, which rewrites it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


class Tree:
    """The generated files of ``root`` as a build makes them: ``put`` writes a file whose
    bytes changed (an untouched file keeps its mtime, so an incremental build can skip
    it), ``prune`` deletes what the build did not make."""

    def __init__(self, root: Path) -> None:
        self.root = root
        #: every path put, and those whose bytes were written
        self.paths: set[str] = set()
        self.written: list[str] = []

    def put(self, rel: str, text: str | bytes) -> None:
        """Make ``rel`` (relative to the root) hold ``text``."""
        self.paths.add(rel)
        path = self.root / rel
        data = text.encode("utf-8") if isinstance(text, str) else text
        try:
            if path.read_bytes() == data:
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written.append(rel)

    def update(self, files: Mapping[str, str | bytes]) -> None:
        for rel, text in files.items():
            self.put(rel, text)

    def prune(self, *, owned: tuple[str, ...], keep: frozenset[str] = frozenset()) -> list[str]:
        """Delete the files of the ``owned`` files and folders that were not put and are
        not in ``keep`` (left as they are), and the folders left empty. Returns the paths
        deleted."""
        deleted: list[str] = []
        for name in owned:
            top = self.root / name
            if top.is_file():
                if name not in self.paths and name not in keep:
                    top.unlink()
                    deleted.append(name)
                continue
            # os.walk, not Path.rglob: this lists every generated file (100,000s of them)
            for folder, _, names in os.walk(top, topdown=False):
                prefix = Path(folder).relative_to(self.root).as_posix() + "/"
                for file_name in names:
                    rel = prefix + file_name
                    if rel not in self.paths and rel not in keep:
                        os.unlink(os.path.join(folder, file_name))
                        deleted.append(rel)
                if not os.listdir(folder):
                    os.rmdir(folder)
        return deleted

