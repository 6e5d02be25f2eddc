#!/usr/bin/env python3
"""Benchmark: import the whole shared corpus into a temp archive, then again.

Prints seconds, items/s and peak memory (max RSS) for the first import and for
a re-import that changes nothing. Each phase runs in a fresh process so its
peak memory is its own.

    python scripts/bench_import.py [--data ../shared/data/hf-daily-papers]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "hf-daily-papers"


def phase(data: str, archive: str, queue: multiprocessing.Queue) -> None:
    from paperfeed.archive.update import apply
    from paperfeed.sources import Batch, read_file

    start = time.perf_counter()
    batch = Batch()
    for path in sorted(Path(data).glob("*.json")):
        batch.extend(read_file(path))
    outcome = apply(Path(archive), batch.papers)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((batch.items, seconds, peak_mb, outcome.summary()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 1
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'phase':<10} {'items':>6} {'seconds':>8} {'items/s':>8} {'peak MB':>8}  result")
        for name in ("import", "re-import"):
            queue = ctx.Queue()
            proc = ctx.Process(target=phase, args=(str(args.data), tmp, queue))
            proc.start()
            items, seconds, peak, summary = queue.get()
            proc.join()
            print(f"{name:<10} {items:>6} {seconds:>8.2f} {items / seconds:>8.0f} {peak:>8.0f}  {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
