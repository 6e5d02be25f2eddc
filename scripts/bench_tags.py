"""How much tagging costs: ms per paper over the real corpus, the first time and again.

Imports ../shared/data/hf-daily-papers into a temporary archive, then tags every paper
with taxonomy.yml twice (the first pass also learns each word; a build tags only the
papers whose file or the taxonomy changed, from its cache), and prints ms/paper and
the coverage `paperfeed tags --stats` reports.

    python scripts/bench_tags.py [--data ../shared/data/hf-daily-papers]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "hf-daily-papers")
    parser.add_argument("--taxonomy", type=Path, default=ROOT / "taxonomy.yml")
    args = parser.parse_args()
    from paperfeed.archive.store import paper_files, read_entry
    from paperfeed.tagging import Taxonomy

    with tempfile.TemporaryDirectory(prefix="paperfeed-tags-") as tmp:
        subprocess.run([str(Path(sys.executable).parent / "paperfeed"), "import", str(args.data), "--papers",
                        f"{tmp}/papers"], check=True, capture_output=True)
        papers = [read_entry(p).paper for p in paper_files(Path(tmp) / "papers")]
    start = time.perf_counter()
    taxonomy = Taxonomy.load(args.taxonomy)
    loaded = time.perf_counter() - start
    for label in ("first pass", "second pass"):
        start = time.perf_counter()
        tags = [taxonomy.tags_for(p) for p in papers]
        seconds = time.perf_counter() - start
        print(f"{label}: {seconds:.2f} s for {len(papers):,} papers, {1000 * seconds / len(papers):.3f} ms/paper")
    counts = Counter(t for ts in tags for t in ts)
    tagged = sum(bool(ts) for ts in tags)
    top, most = counts.most_common(1)[0]
    print(f"taxonomy loaded in {1000 * loaded:.0f} ms; {tagged / len(papers):.1%} of papers tagged, "
          f"largest tag {top} on {most / len(papers):.1%}")


if __name__ == "__main__":
    main()
