"""How good related papers are: the lists of the real corpus against pairs judged by reading.

Reads ../shared/data/hf-daily-papers, tags it with taxonomy.yml, computes every paper's
related papers as a build does (six of them, the shipped word table), and scores the
lists against ``scripts/related-judged.jsonl``: pairs (source, candidate) a reader graded
from their titles and abstracts, 2 = same problem or method family, 1 = same sub-area
(a reader of the source would want it), 0 = only the same broad field or unrelated.
A pair the file lacks counts as unjudged, not as wrong: when a change lists many
unjudged pairs, judge them (blind to which method listed them) before trusting the figures.

    python scripts/bench_related.py [--data ../shared/data/hf-daily-papers] [--show ID ...]

The judged pairs: 24 papers drawn with ``random.Random(20261128).sample`` from the
corpus's sorted ids, each with the union of the top six of four ways of ranking
(the shipped one, a weaker topic space, terms alone, topic space alone), graded by
four judges that saw titles and abstracts only. Ids and grades, no text.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUDGED = Path(__file__).resolve().parent / "related-judged.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "hf-daily-papers")
    parser.add_argument("--taxonomy", type=Path, default=ROOT / "taxonomy.yml")
    parser.add_argument("--judged", type=Path, default=JUDGED)
    parser.add_argument("-k", type=int, default=6, help="papers listed (default 6, as mkdocs.yml's default)")
    parser.add_argument("--show", nargs="*", default=[], metavar="ID", help="print these papers' lists")
    args = parser.parse_args()
    from synthetic import real_papers

    from paperfeed import related
    from paperfeed.tagging import Taxonomy

    papers = {}
    for paper in real_papers(args.data):
        papers.setdefault(paper.id, paper)  # a paper featured twice: its first day
    taxonomy = Taxonomy.load(args.taxonomy)
    tags = {p.id: taxonomy.tags_for(p) for p in papers.values()}
    start = time.perf_counter()
    lists = related.find(list(papers.values()), tags, tag_order=[t.slug for t in taxonomy.tags], k=args.k,
                         table=related.WordTable.default()).lists
    seconds = time.perf_counter() - start
    lengths = Counter(min(len(found), 5) for found in lists.values())
    print(f"{len(papers):,} papers, related lists in {seconds:.1f} s; pages listing five or more: "
          f"{lengths[5] / len(papers):.1%}, none: {lengths[0]:,}")

    grades: dict[tuple[str, str], int] = {}
    for number, line in enumerate(args.judged.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
                grades[row["source"], row["candidate"]] = int(row["grade"])
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{args.judged}:{number}: expected {{source, candidate, grade}} ({exc})") from None
    sources = sorted({s for s, _ in grades})
    listed = judged = on = same = on_first5 = 0
    for source in sources:
        for position, candidate in enumerate(lists.get(source, [])):
            listed += 1
            grade = grades.get((source, candidate))
            if grade is None:
                continue
            judged += 1
            on += grade >= 1
            same += grade >= 2
            on_first5 += grade >= 1 and position < 5
    print(f"judged papers: {len(sources)}, listing {listed / len(sources):.2f} each; {judged} of {listed} listed "
          f"pairs judged")
    print(f"on topic (grade 1 or 2): {on / max(judged, 1):.0%} of judged pairs, {on_first5 / len(sources):.2f} of "
          f"the first five a paper; same problem (grade 2): {same / max(judged, 1):.0%}")
    for paper_id in args.show:
        print(f"\n{paper_id} {papers[paper_id].title}")
        for other in lists.get(paper_id, []):
            grade = grades.get((paper_id, other))
            print(f"  [{'?' if grade is None else grade}] {other} {' '.join(papers[other].title.split())}")


if __name__ == "__main__":
    main()
