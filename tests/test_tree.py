"""publish/tree.py: generated files are written as they are made, only when their bytes changed."""

from __future__ import annotations

import os
from pathlib import Path

from paperfeed.publish.tree import Tree


def test_a_file_is_written_only_when_its_bytes_change_and_what_was_not_made_goes(tmp_path: Path) -> None:
    first = Tree(tmp_path)
    first.put("papers/a.md", "A")
    first.put("papers/old/b.md", b"B")
    first.put("index.md", "home")
    assert first.prune(owned=("papers", "index.md")) == [] and sorted(first.written) == sorted(first.paths)
    os.utime(tmp_path / "papers" / "a.md", ns=(1, 1))
    (tmp_path / "mine.md").write_text("hand-written", encoding="utf-8")

    second = Tree(tmp_path)
    second.put("papers/a.md", "A")  # the same bytes: left alone, its mtime kept
    second.put("papers/c.md", "C")
    assert second.written == ["papers/c.md"] and (tmp_path / "papers" / "a.md").stat().st_mtime_ns == 1
    deleted = second.prune(owned=("papers", "index.md"), keep=frozenset({"index.md"}))
    assert deleted == ["papers/old/b.md"] and not (tmp_path / "papers" / "old").exists()
    assert (tmp_path / "index.md").read_text(encoding="utf-8") == "home"  # kept: the build left it alone
    assert (tmp_path / "mine.md").exists()  # not the build's: never touched
