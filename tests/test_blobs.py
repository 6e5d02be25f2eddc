"""What git knows of the paper files (src/paperfeed/publish/blobs.py), and a fresh checkout
that reads only the files that changed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from paperfeed.archive.check import check
from paperfeed.publish import blobs
from paperfeed.publish.cache import BuildCache

from .conftest import project

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=ENV, check=True).stdout


def test_a_blob_id_is_the_one_git_gives(tmp_path: Path) -> None:
    for data in (b"", b"title: x\n", "é\n".encode(), bytes(range(256)) * 3):
        (tmp_path / "f").write_bytes(data)
        assert blobs.blob_id(data) == git(tmp_path, "hash-object", "f").strip()


def test_git_vouches_only_for_tracked_files_it_sees_unchanged(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    papers = repo / "papers"
    papers.mkdir(parents=True)
    for name in ("same", "edited", "assumed", "skipped"):
        (papers / f"{name}.md").write_text(f"{name}\n", encoding="utf-8")
    (papers / "link.md").symlink_to("same.md")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "papers")
    (papers / "edited.md").write_text("edited again\n", encoding="utf-8")
    git(repo, "update-index", "--assume-unchanged", "papers/assumed.md")
    (papers / "assumed.md").write_text("changed behind git's back\n", encoding="utf-8")
    git(repo, "update-index", "--skip-worktree", "papers/skipped.md")
    (papers / "new.md").write_text("untracked\n", encoding="utf-8")
    paths = sorted(papers.iterdir())
    found = blobs.unchanged(repo, paths)
    assert found == {papers / "same.md": blobs.blob_id(b"same\n")}
    assert blobs.unchanged(papers, paths) == found  # from a folder inside the work tree too
    assert blobs.unchanged(tmp_path / "elsewhere", [tmp_path / "elsewhere" / "a.md"]) == {}  # no work tree


def test_a_relative_folder_is_the_same_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``paperfeed --config mkdocs.yml build`` makes the project folder ``.``."""
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "a.md").write_text("a\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "papers")
    monkeypatch.chdir(tmp_path)
    assert blobs.unchanged(Path("."), [Path("papers") / "a.md"]) == {Path("papers/a.md"): blobs.blob_id(b"a\n")}


@pytest.mark.parametrize("attribute", ["ident", "filter=upper", "working-tree-encoding=UTF-16"])
def test_a_file_git_checks_out_as_other_bytes_than_its_blob_is_read(tmp_path: Path, attribute: str) -> None:
    """Under a filter, ``ident`` or another encoding, the file's bytes are not the blob's: a
    record parsed from the blob's bytes (another checkout's) must not stand for them."""
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "a.md").write_text("$Id$ a\n", encoding="utf-16" if "encoding" in attribute else "utf-8")
    (tmp_path / "papers" / "b.md").write_text("b\n", encoding="utf-8")
    (tmp_path / ".gitattributes").write_text(f"a.md {attribute}\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "filter.upper.smudge", "tr a-z A-Z")
    git(tmp_path, "config", "filter.upper.clean", "tr A-Z a-z")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "papers")
    papers = tmp_path / "papers"
    assert blobs.unchanged(tmp_path, [papers / "a.md", papers / "b.md"]) == {papers / "b.md": blobs.blob_id(b"b\n")}


def test_a_fresh_clone_reads_only_the_files_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The publish workflow's situation: a fresh checkout (every file has a new mtime) with the
    build cache restored. Git vouches for the unchanged papers: only the edited one is read."""
    first = project(tmp_path / "first")
    git(first, "init", "-q")
    git(first, "add", "papers")
    git(first, "commit", "-qm", "papers")
    cache_file = tmp_path / "build.sqlite"
    cache = BuildCache(cache_file, root=first)
    report = check(first / "papers", read=cache.read_entry, read_all=cache.read_all)
    assert cache.parsed == report.papers == 51
    cache.save()

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(first), str(clone))
    edited = clone / "papers" / "2308" / "2308.07686.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: New ", 1), encoding="utf-8")
    read: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    again = BuildCache(cache_file, root=clone)
    report = check(clone / "papers", read=again.read_entry, read_all=again.read_all)
    assert report.papers == 51 and not report.problems
    assert [p for p in read if p.suffix == ".md"] == [edited] and again.parsed == 1
    assert {e.paper.id: e.paper.title for e in report.entries}["2308.07686"].startswith("New ")
