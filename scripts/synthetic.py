"""Synthetic archives shaped like the real one, for the benchmarks.

Every synthetic paper is stitched from real parts of the corpus in
``../shared/data/hf-daily-papers``: one real paper's title, another's abstract,
a third's authors and keywords, so lengths, author counts, keywords, math and the
spread of tags follow the real corpus. Papers get fresh arXiv-style ids and are
featured about 30 a day on consecutive days, the rate of the real feed. One
paper in 200 gets a community note (two sentences of another real abstract). A
fixed seed makes the same N give the same archive.

    python scripts/synthetic.py 10000 /tmp/archive
    python scripts/synthetic.py --add-day 50 /tmp/archive   # the next day: 50 more papers
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "hf-daily-papers"
PER_DAY = 30


def real_papers(data: Path = DEFAULT_DATA) -> list:
    """Every paper of the real corpus, parsed by paperfeed's own importer."""
    from paperfeed.sources import Batch, read_file

    batch = Batch()
    for path in sorted(data.glob("*.json")):
        batch.extend(read_file(path))
    if not batch.papers:
        raise SystemExit(f"no papers under {data}: the benchmarks need ../shared/data")
    return sorted(batch.papers, key=lambda p: p.id)


def synthesize(n: int, pool: list, *, seed: int = 20261124, start: dt.date = dt.date(2023, 5, 1)) -> list:
    """``n`` papers made of real parts, with unique ids, featured ``PER_DAY`` a day from ``start``."""
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        title, text, people, links = (rng.choice(pool) for _ in range(4))
        day = start + dt.timedelta(days=i // PER_DAY)
        # unique, valid, sharded like real ids: yymm.NNNNN from the featured month
        paper_id = f"{day:%y%m}.{i % 100_000:05d}"
        papers.append(dataclasses.replace(
            title, id=paper_id, abstract=text.abstract, ai_summary=text.ai_summary, keywords=list(text.keywords),
            authors=list(people.authors), organization=people.organization, published=day - dt.timedelta(days=2),
            featured=[day], upvotes=rng.choice(pool).upvotes, comments=rng.choice(pool).comments,
            links=dataclasses.replace(links.links, arxiv=f"https://arxiv.org/abs/{paper_id}",
                                      pdf=f"https://arxiv.org/pdf/{paper_id}"),
            extra={}, body=""))
    return papers


def add_day(target: Path, count: int = 50, *, data: Path = DEFAULT_DATA) -> int:
    """A daily fetch: ``count`` new papers featured the day after the archive's last day."""
    from paperfeed.archive.check import check
    from paperfeed.archive.store import write_paper

    existing = [e.paper for e in check(target).entries]
    last = max(day for p in existing for day in p.featured)
    fresh = synthesize(len(existing) + count, real_papers(data), start=last + dt.timedelta(days=1))[-count:]
    taken = {p.id for p in existing}
    day = last + dt.timedelta(days=1)
    free = (f"{day:%y%m}.{n:05d}" for n in range(99_999, 0, -1))  # the month's highest numbers first
    for paper in fresh:
        paper_id = next(i for i in free if i not in taken)
        paper = dataclasses.replace(paper, id=paper_id, featured=[day], published=day - dt.timedelta(days=2),
                                    links=dataclasses.replace(paper.links, arxiv=f"https://arxiv.org/abs/{paper_id}",
                                                              pdf=f"https://arxiv.org/pdf/{paper_id}"))
        write_paper(target, paper)
    return count


NOTE_EVERY = 200


def write_notes(papers: list, notes: Path, pool: list, *, seed: int = 7) -> int:
    """A note on every ``NOTE_EVERY``-th paper, as readers send them (notes/<yymm>/<id>/DATE-HANDLE.md)."""
    from paperfeed.archive.notes import note_dir

    rng = random.Random(seed)
    written = 0
    for paper in papers[::NOTE_EVERY]:
        sentences = [s.strip() for s in rng.choice(pool).abstract.split(". ") if s.strip()][:2]
        day = (paper.last_featured or dt.date(2024, 1, 1)) + dt.timedelta(days=3)
        path = notes / note_dir(paper.id) / f"{day.isoformat()}-reader{written % 97}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nauthor: reader{written % 97}\ndate: {day.isoformat()}\n---\n\n"
                        + ". ".join(sentences).rstrip(".") + ".\n", encoding="utf-8")
        written += 1
    return written


def write_archive(n: int, target: Path, *, data: Path = DEFAULT_DATA, notes: Path | None = None) -> int:
    """Write a synthetic archive of ``n`` papers under ``target`` (and their notes under
    ``notes``); returns the number of papers written."""
    from paperfeed.archive.store import write_paper

    pool = real_papers(data)
    papers = synthesize(n, pool)
    for paper in papers:
        write_paper(target, paper)
    if notes is not None:
        write_notes(papers, notes, pool)
    return len(papers)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--add-day":
        print(add_day(Path(sys.argv[3]), int(sys.argv[2])), "papers added to", sys.argv[3])
    elif len(sys.argv) == 3:
        print(write_archive(int(sys.argv[1]), Path(sys.argv[2])), "papers written to", sys.argv[2])
    else:
        raise SystemExit(__doc__)
