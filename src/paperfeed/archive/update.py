"""Apply a batch of incoming papers to the archive: read, merge, then write.

Only the files a batch can touch are read (the papers with the batch's ids and
the few id-less papers from scrapes), so a daily update costs what the day
costs, not what the archive weighs. Everything needed is read and checked
before the first write; a broken file stops the run and is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from paperfeed.archive import lock
from paperfeed.archive import notes as notes_mod
from paperfeed.archive.merge import merge
from paperfeed.archive.store import (ArchiveError, Entry, dumps, loads, paper_files, path_for, read_entry,
                                     remove_file, write_text_atomic)
from paperfeed.model import Paper, normalize_title


@dataclass
class Outcome:
    """What applying a batch did, paper by paper."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    #: temp files a killed writer had left, removed
    swept: list[Path] = field(default_factory=list)
    #: papers of the batch that were not merged: their title's id belongs to another paper
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


class SlugConflict(ValueError):
    """An incoming paper's id belongs to a different paper already in the archive."""


def _punctuation(title: str) -> str:
    return "".join(ch for ch in title if not ch.isalnum() and not ch.isspace())


class Workspace:
    """The part of the archive a batch needs, held in memory until :meth:`save`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._on_disk: dict[str, Entry] = {}
        self._papers: dict[str, Paper] = {}
        self._by_title: dict[str, str] = {}
        self._moved: dict[str, str] = {}  # slug id -> arXiv id it was merged into
        self.conflicts: list[str] = []

    @classmethod
    def load(cls, root: Path, *, ids: Iterable[str] = (), everything: bool = False) -> Workspace:
        """Read what a batch with ``ids`` needs; ``everything`` when the batch has
        papers without an arXiv id (they can match any paper by title)."""
        ws = cls(root)
        if everything:
            paths = paper_files(root)
        else:
            wanted = {path_for(root, i) for i in ids if not i.startswith("no-id/")}
            paths = sorted(p for p in wanted if p.exists()) + paper_files(root / "no-id")
        for path in paths:
            ws._add_entry(read_entry(path))
        return ws

    def _add_entry(self, entry: Entry) -> None:
        paper = entry.paper
        if paper.id in self._on_disk:
            first = self._on_disk[paper.id].path
            raise ArchiveError(entry.path, f"duplicate id {paper.id!r}: also in {first}", 2)
        self._on_disk[paper.id] = entry
        self._papers[paper.id] = paper
        self._by_title.setdefault(normalize_title(paper.title), paper.id)

    def get(self, paper_id: str) -> Paper | None:
        return self._papers.get(self._moved.get(paper_id, paper_id))

    def papers(self) -> list[Paper]:
        return [self._papers[k] for k in sorted(self._papers)]

    def add(self, incoming: Paper) -> Paper:
        """Merge one sighting into the workspace and return the resulting record."""
        key = self._match(incoming)
        if key is None:
            merged = incoming.copy()
        else:
            merged = merge(self._papers[key], incoming)
            if merged.id != key:  # a slug paper just learned its arXiv id
                del self._papers[key]
                self._moved[key] = merged.id
        self._papers[merged.id] = merged
        self._by_title.setdefault(normalize_title(merged.title), merged.id)
        self._by_title[normalize_title(incoming.title)] = merged.id
        return merged

    def replace(self, paper: Paper, *, old_id: str) -> None:
        """Put an edited record in place of ``old_id`` (enrich gives it an id)."""
        del self._papers[old_id]
        if paper.id != old_id:
            self._moved[old_id] = paper.id
            if paper.id in self._papers:  # the real record is already here
                paper = merge(paper, self._papers[paper.id])
        self._papers[paper.id] = paper

    def _match(self, incoming: Paper) -> str | None:
        key = self._moved.get(incoming.id, incoming.id)
        if key in self._papers:
            known = self._papers[key]
            # a slug comes from the title, and two titles can make the same one ("C++ Is Fast" and
            # "C Is Fast"; long titles alike for 80 characters): such papers are never merged
            if not incoming.has_arxiv_id and not known.has_arxiv_id and (
                    normalize_title(incoming.title) != normalize_title(known.title)
                    or _punctuation(incoming.title) != _punctuation(known.title)):
                raise SlugConflict(f"{incoming.title[:80]!r} would take the id {key!r} of {known.title[:80]!r}; "
                                   "skipped (paperfeed enrich can give it its arXiv id)")
            return key
        by_title = self._by_title.get(normalize_title(incoming.title))
        if by_title is None or by_title not in self._papers:
            return None
        # A title match joins a slug paper with its real record, never two arXiv ids.
        if incoming.has_arxiv_id and self._papers[by_title].has_arxiv_id:
            return None
        return by_title

    def moves(self) -> dict[str, str]:
        """Papers this batch gives a new id (a scraped paper that learned its arXiv id): old → new."""
        return {old: self._moved[old] for old in sorted(self._moved)
                if old in self._on_disk and old not in self._papers}

    def save(self, notes: Path | None = None) -> Outcome:
        """Write every record whose bytes changed; remove files of merged slug papers.

        Every file's new text is made and read back with the reader's own checks
        before the first write: a record that ``check`` would refuse stops the run
        with nothing written (importers drop bad fields before they get here). The
        notes of a paper that moves (under ``notes``) move with it."""
        outcome = Outcome()
        note_moves = notes_mod.plan_moves(notes, self.moves()) if notes is not None else []
        writes: list[tuple[Path, str]] = []
        for paper_id in sorted(self._papers):
            entry = self._on_disk.get(paper_id)
            path = path_for(self.root, paper_id)
            try:
                text = dumps(self._papers[paper_id])
            except (UnicodeError, ValueError) as exc:  # not reachable from the importers, which admit() first
                raise ArchiveError(path, f"cannot be written: {exc}") from None
            if entry is not None and text == entry.text:
                outcome.unchanged.append(paper_id)
                continue
            loads(text, path)  # raises ArchiveError naming the file, line and field
            writes.append((path, text))
            (outcome.updated if entry else outcome.new).append(paper_id)
        for path, text in writes:
            write_text_atomic(path, text)
        notes_mod.move(note_moves)
        for old_id in sorted(self._moved):
            if old_id in self._on_disk and old_id not in self._papers:
                remove_file(self._on_disk[old_id].path)
                outcome.removed.append(self._on_disk[old_id].path)
        return outcome


def apply(root: Path, papers: list[Paper], *, notes: Path | None = None, updates: list[Paper] = ()) -> Outcome:
    """Merge ``papers`` (in order) into the archive at ``root`` and write the result,
    holding the archive's lock from the first read to the last write; a paper that moves
    takes its notes (under ``notes``) along. ``updates`` (new versions of papers) are
    merged into papers the archive (or this batch) has, and never add one."""
    everything = any(not p.has_arxiv_id for p in papers)
    with lock.writing(root) as swept:
        ws = Workspace.load(root, ids=[p.id for p in [*papers, *updates]], everything=everything)
        touched = set()
        for paper in papers:
            try:
                touched.add(ws.add(paper).id)
            except SlugConflict as exc:
                ws.conflicts.append(str(exc))
        for paper in updates:
            if ws.get(paper.id) is not None:
                touched.add(ws.add(paper).id)
        outcome = ws.save(notes)
        outcome.conflicts = ws.conflicts
    outcome.swept = swept
    # Papers that were only read (to match titles) are not part of this batch's story.
    outcome.unchanged = [i for i in outcome.unchanged if i in touched]
    return outcome
