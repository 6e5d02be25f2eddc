"""``paperfeed check``: every way the archive breaks its own rules, located by file and line."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paperfeed.archive.notes import Note, read_notes
from paperfeed.archive.store import ArchiveError, Entry, key_line, listing, path_for, read_entries
from paperfeed.model import relative_path


@dataclass
class Report:
    papers: int = 0
    problems: list[ArchiveError] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    notes: dict[str, list[Note]] = field(default_factory=dict)


def check(root: Path, notes: Path | None = None, *, read: Callable[[Path], Entry] | None = None,
          read_all: Callable[[list[Path]], None] | None = None, missing_ok: bool = False) -> Report:
    """Read and validate every paper file under ``root`` (with ``read``: a build reads
    through its cache, which ``read_all`` fills first), and every note under ``notes``.
    A missing ``root`` is a problem (a mistyped --papers), unless ``missing_ok``."""
    report = Report()
    if not root.is_dir() and not missing_ok:
        report.problems.append(ArchiveError(root, "no such folder: check --papers or extra.paperfeed.papers"))
    seen: dict[str, Path] = {}
    base = str(root)
    found = listing(root)
    report.problems += found.strays
    if read_all is not None:
        read_all(found.files)
    for result in read_entries(found.files, read):
        if isinstance(result, ArchiveError):
            report.problems.append(result)
            continue
        report.papers += 1
        report.entries.append(result)
        paper, path = result.paper, result.path
        # paper_files lists paths under root, as path_for builds them: no need to resolve (and
        # compared as text first: 100,000 Paths made to compare cost a quarter second)
        if str(path) != os.path.join(base, relative_path(paper.id).replace("/", os.sep)) \
                and path != (expected := path_for(root, paper.id)):
            report.problems.append(ArchiveError(
                path, f"id {paper.id!r} belongs in {expected.relative_to(root)}", key_line(result.source(), "id")))
        if paper.id in seen:
            report.problems.append(ArchiveError(path, f"duplicate id {paper.id!r}: also in {seen[paper.id]}",
                                                key_line(result.source(), "id")))
        else:
            seen[paper.id] = path
    if notes is not None:
        report.notes, problems = read_notes(notes, set(seen))
        report.problems += problems
    report.problems.sort(key=lambda e: (str(e.path), e.line or 0))
    return report
