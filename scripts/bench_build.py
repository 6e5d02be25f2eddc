#!/usr/bin/env python3
"""Benchmark: the whole ``paperfeed build`` of synthetic archives of N papers.

For each N, writes a synthetic archive shaped like the real corpus (see
``scripts/synthetic.py``) into a copy of this project, runs ``paperfeed build``
in a fresh process, and prints: seconds, ms per paper, peak memory (max RSS of
the build process), site size and file count, paper page KB (median and
largest), home page KB, the largest other page, and the search index size.

    python scripts/bench_build.py                  # N = 1,000 and 10,000
    python scripts/bench_build.py --sizes 1000,30000 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import synthetic  # noqa: E402 - the sibling script

from paperfeed.pages.generate import GENERATED  # noqa: E402


def make_project(where: Path, n: int) -> Path:
    """A copy of this project's site settings around a synthetic archive of ``n`` papers."""
    shutil.copytree(ROOT / "docs", where / "docs", ignore=shutil.ignore_patterns(*GENERATED))
    shutil.copytree(ROOT / "overrides", where / "overrides")
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, where / name)
    synthetic.write_archive(n, where / "papers")
    return where


def measure(project: Path) -> dict[str, float]:
    """Run the build in a child process; its wall time and peak memory are the build's alone."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "paperfeed", "--config", str(project / "mkdocs.yml"), "build"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"build failed:\n{done.stdout}\n{done.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("note: peak memory is a lower bound (an earlier, larger build set the maximum)", file=sys.stderr)
    site = project / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    papers = sorted(p.stat().st_size for p in (site / "papers").rglob("index.html"))
    others = [p for p in files if p.suffix == ".html" and "papers" not in p.relative_to(site).parts[:1]]
    largest = max(others, key=lambda p: p.stat().st_size)
    return {
        "seconds": seconds, "peak_mb": peak / 1024, "site_mb": sum(p.stat().st_size for p in files) / 1e6,
        "files": len(files), "paper_kb": statistics.median(papers) / 1e3, "paper_max_kb": papers[-1] / 1e3,
        "home_kb": (site / "index.html").stat().st_size / 1e3, "largest_kb": largest.stat().st_size / 1e3,
        "largest": str(largest.relative_to(site)),
        "search_mb": sum(p.stat().st_size for p in (site / "search").rglob("*") if p.is_file()) / 1e6,
        "summary": done.stdout.strip().splitlines()[-1],
    }


def feed_cost(project: Path) -> tuple[float, float, str]:
    """Seconds the feeds add to a build (assembling and serializing every feed), and the largest feed."""
    from paperfeed import config
    from paperfeed.archive.check import check
    from paperfeed.feeds.build import Feeds
    from paperfeed.pages.generate import Options, Pages
    from paperfeed.pages.taxonomy import Taxonomy

    settings = config.load(project / "mkdocs.yml")
    report = check(settings.papers_dir)
    pages = Pages([e.paper for e in report.entries], Taxonomy.load(project / settings.taxonomy),
                  Options(site_name="paperfeed"))
    start = time.perf_counter()
    files = Feeds(pages, site_url="https://paperfeed.github.io/paperfeed/", items=settings.feed_items,
                  digest_days=settings.digest_days).files()
    seconds = time.perf_counter() - start
    name, text = max(((n, t) for n, t in files.items() if not n.endswith(".md")), key=lambda nt: len(nt[1]))
    return seconds, len(text.encode("utf-8")) / 1e3, name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated archive sizes")
    parser.add_argument("--keep", type=Path, help="build under this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = args.keep or Path(tempfile.mkdtemp(prefix="paperfeed-bench-"))
    print(f"{'papers':>7} {'seconds':>8} {'ms/paper':>9} {'peak MB':>8} {'site MB':>8} {'files':>7} "
          f"{'paper KB':>9} {'max KB':>7} {'home KB':>8} {'search MB':>10}  largest other page")
    try:
        for n in sorted(sizes):  # smallest first, so each peak RSS reading is the new build's own
            project = base / str(n)
            if project.exists():
                shutil.rmtree(project)
            make_project(project, n)
            m = measure(project)
            print(f"{n:>7} {m['seconds']:>8.1f} {m['seconds'] * 1000 / n:>9.2f} {m['peak_mb']:>8.0f} "
                  f"{m['site_mb']:>8.1f} {m['files']:>7} {m['paper_kb']:>9.1f} {m['paper_max_kb']:>7.1f} "
                  f"{m['home_kb']:>8.1f} {m['search_mb']:>10.1f}  {m['largest']} ({m['largest_kb']:.0f} KB)",
                  flush=True)
            print(f"         {m['summary']}", flush=True)
            seconds, kb, name = feed_cost(project)
            print(f"         feeds: {seconds:.2f} s for all of them; largest {name} ({kb:.0f} KB)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
