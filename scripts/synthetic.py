"""Synthetic archives shaped like the real one, for the benchmarks.

Every synthetic paper is stitched from real parts of the corpus in
``../shared/data/hf-daily-papers``: one real paper's title, another's abstract,
a third's authors and keywords, so lengths, author counts, keywords, math and the
spread of tags follow the real corpus. Papers get fresh arXiv-style ids and are
featured about 30 a day on consecutive days, the rate of the real feed. A fixed
seed makes the same N give the same archive.

    python scripts/synthetic.py 10000 /tmp/archive
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


def write_archive(n: int, target: Path, *, data: Path = DEFAULT_DATA) -> int:
    """Write a synthetic archive of ``n`` papers under ``target``; returns the number written."""
    from paperfeed.archive.store import write_paper

    papers = synthesize(n, real_papers(data))
    for paper in papers:
        write_paper(target, paper)
    return len(papers)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(write_archive(int(sys.argv[1]), Path(sys.argv[2])), "papers written to", sys.argv[2])
