#!/usr/bin/env python3
"""The scale benchmark, in one command: build and search synthetic archives of 1,000 to
100,000 papers and write the results to docs/benchmarks.md (table, chart, goals).

For each size: a clean ``paperfeed build`` (seconds, ms per paper, peak memory),
the site's size and page sizes, the first search in headless Chromium (bytes and
time after the last keystroke, see bench_search.py), then a day of 50 more
papers and the incremental rebuild (the daily update). Timings are measured
here and never asserted in tests.

    make benchmark                                   # all sizes (about 20 minutes, 5 GB of disk)
    python scripts/benchmark.py --sizes 1000,10000 --output /tmp/benchmarks.md
    python scripts/benchmark.py --before v0.1.0      # and the same archives built by older code
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench_build  # noqa: E402 - sibling scripts
import bench_search  # noqa: E402
import synthetic  # noqa: E402

SIZES = (1_000, 10_000, 30_000, 100_000)
BEFORE_LABEL = ""


@dataclass
class Row:
    papers: int
    clean: bench_build.Build
    daily: bench_build.Build
    site: bench_build.Site
    search: list[bench_search.Query]
    #: the same archive built by the code of ``--before`` (clean, daily), if asked
    before: tuple[bench_build.Build, bench_build.Build] | None = None
    trending: tuple[int, float] = (0, 0.0)  # trending pages, and their KB
    #: the daily update as the publish workflow runs it: a fresh checkout elsewhere, the cache restored
    checkout: bench_build.Build | None = None


def run(n: int, base: Path, code: Path, before: Path | None = None) -> Row:
    project = base / str(n)
    if project.exists():
        shutil.rmtree(project)
    print(f"{n:,} papers: writing the archive", flush=True)
    bench_build.make_project(project, n, source=code)
    print(f"{n:,} papers: clean build", flush=True)
    clean = bench_build.run_build(project, code=code)
    site = bench_build.measure_site(project / "site")
    pages = [p for p in (project / "site" / "trending").rglob("index.html")]
    trending = (len(pages), sum(p.stat().st_size for p in pages) / 1e3)
    print(f"{n:,} papers: {clean.seconds:.1f} s, {clean.peak_mb:.0f} MB; searching", flush=True)
    search = bench_search.measure(project / "site")
    checkout = fresh_checkout(project, base / f"{n}-checkout")
    synthetic.add_day(project / "papers", bench_build.DAY)
    daily = bench_build.run_build(project, code=code)
    print(f"{n:,} papers: daily update {daily.seconds:.1f} s", flush=True)
    synthetic.add_day(checkout / "papers", bench_build.DAY)
    bench_build.commit(checkout, "the day's papers")  # the update job's commit, which the build job checks out
    workflow = bench_build.run_build(checkout, code=code)
    print(f"{n:,} papers: daily update in a fresh checkout elsewhere {workflow.seconds:.1f} s", flush=True)
    then = None
    if before is not None:  # the same archive and day, built by the code before
        old = base / f"{n}-before"
        if old.exists():
            shutil.rmtree(old)
        bench_build.make_project(old, n, source=before)
        first = bench_build.run_build(old, code=before)
        synthetic.add_day(old / "papers", bench_build.DAY)
        then = (first, bench_build.run_build(old, code=before))
        print(f"{n:,} papers, code before: {first.seconds:.1f} s, daily {then[1].seconds:.1f} s", flush=True)
    # Projects are removed at the end, not here: deleting 100,000s of files makes a disk with
    # online discard slow to write for minutes, which the next size's build would measure.
    return Row(n, clean, daily, site, search, then, trending, workflow)


def fresh_checkout(project: Path, where: Path) -> Path:
    """The publish workflow's situation: the project's repository cloned in another folder
    (every file git tracks has a new mtime) with what actions/cache restores (the build
    cache, the generated pages in docs/, site/) as they were."""
    if where.exists():
        shutil.rmtree(where)
    subprocess.run(["git", "clone", "-q", str(project), str(where)], check=True)
    restored = [".cache", "site", *(f"docs/{g}" for g in bench_build.GENERATED)]
    for rel in restored:
        if (project / rel).exists():
            (where / rel).parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["cp", "-a", str(project / rel), str((where / rel).parent)], check=True)
    return where


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("mkdocs", "mkdocs-material", "playwright"))
    return (f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GB, Linux {platform.release()}, "
            f"Python {platform.python_version()}, {versions}, Debian chromium")


def chart(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "paperfeed"  # the same numbers give the same file
    fig, ax = plt.subplots(figsize=(7, 4))
    n = [r.papers for r in rows]
    ax.plot(n, [r.clean.seconds for r in rows], "o-", label="clean build")
    ax.plot(n, [r.daily.seconds for r in rows], "s-", label="daily update (+50 papers)")
    ax.plot(n, [x * 0.003 for x in n], ":", color="grey", label="3 ms per paper")
    ax.set_xlabel("papers in the archive")
    ax.set_ylabel("seconds (2 cores)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None, "Creator": None})
    plt.close(fig)


def goals(rows: list[Row]) -> list[tuple[str, str, str, bool]]:
    by = {r.papers: r for r in rows}
    out = []
    if 30_000 in by:
        r = by[30_000]
        ms = r.clean.seconds * 1000 / r.papers
        out.append(("Build, 30,000 papers", "≤ 3 ms/paper, ≤ 2 GB", f"{ms:.2f} ms/paper, {r.clean.peak_mb:,.0f} MB",
                    ms <= 3 and r.clean.peak_mb <= 2048))
        out.append(("Daily update, 30,000 + 50 papers", "≤ 20 s", f"{r.daily.seconds:.1f} s", r.daily.seconds <= 20))
        s = bench_search.summary(r.search)
        out.append(("First search, 30,000 papers", "≤ 300 KB, results ≤ 300 ms after typing",
                    f"{s['max KB']:.0f} KB at most, {s['max ms']:.0f} ms at most",
                    s["max KB"] <= 300 and s["max ms"] <= 300))
    if 100_000 in by:
        r = by[100_000]
        out.append(("Build, 100,000 papers", "completes in 16 GB", f"{r.clean.seconds / 60:.1f} min, "
                    f"{r.clean.peak_mb:,.0f} MB", r.clean.peak_mb <= 16 * 1024))
        out.append(("Site, 100,000 papers (search included)", "≤ 700 MB", f"{r.site.mb:,.0f} MB "
                    f"(the Pages artifact, deflated: {r.site.artifact_mb:,.0f} MB)", r.site.mb <= 700))
        out.append(("Clean build, 100,000 papers: peak memory", "≤ 3 GB", f"{r.clean.peak_mb:,.0f} MB",
                    r.clean.peak_mb <= 3 * 1024))
        if r.checkout:
            out.append(("Daily update, 100,000 + 50 papers, fresh checkout elsewhere", "≤ 10 s",
                        f"{r.checkout.seconds:.1f} s", r.checkout.seconds <= 10))
        stage, before = "find related papers", "tag the papers"
        clean, daily = r.clean.timings.get(stage, 0), (r.checkout or r.daily).timings.get(stage, 0)
        extra = r.clean.peaks.get(stage, 0) - r.clean.peaks.get(before, 0)
        out.append(("Related papers, 100,000 papers", "≤ 60 s in a clean build, ≤ 5 s in a daily update, "
                    "≤ 1 GB more memory", f"{clean:.1f} s, {daily:.1f} s (fresh checkout), {extra:,} MB more",
                    clean <= 60 and daily <= 5 and extra <= 1024))
        s = bench_search.summary(r.search)
        out.append(("First search, 100,000 papers", "≤ 300 KB for every query", f"{s['max KB']:.0f} KB at most",
                    s["max KB"] <= 300))
    for r in rows:
        if r.checkout and r.papers in (30_000, 100_000):
            ratio = r.checkout.seconds / r.clean.seconds
            out.append((f"Daily / clean, {r.papers:,} papers, fresh checkout elsewhere", "≤ 0.05", f"{ratio:.2f}",
                        ratio <= 0.05))
    for r in rows:
        if r.before and r.papers in (10_000, 100_000):
            ratio = r.clean.seconds / r.before[0].seconds
            out.append((f"Clean build against the code before discovery, {r.papers:,} papers", "≤ 1.15",
                        f"{ratio:.2f}", ratio <= 1.15))
    big = max(rows, key=lambda r: r.papers)
    kb = big.site.kb
    out.append((f"Page sizes, {big.papers:,} papers", "paper ≤ 20 KB, home ≤ 150 KB, tag and archive pages ≤ 300 KB",
                f"paper {kb['paper max']:.1f} KB at most (median {kb['paper median']:.1f}), home {kb['home']:.0f} KB, "
                f"tag {kb['tag max']:.0f} KB, archive {kb['archive max']:.0f} KB",
                kb["paper max"] <= 20 and kb["home"] <= 150 and kb["tag max"] <= 300 and kb["archive max"] <= 300))
    return out


def report(rows: list[Row], chart_name: str) -> str:
    lines = ["# Benchmarks", "",
             "How paperfeed scales, measured with `make benchmark` (`python scripts/benchmark.py`), "
             f"{dt.date.today():%B %-d, %Y}, on {machine()}.", "",
             "The archives are synthetic (`scripts/synthetic.py`): real titles, abstracts, authors and keywords "
             "of the 8,507-paper corpus recombined, 30 papers a day, one paper in 200 with a note, a fixed seed. "
             "Each build runs in a fresh process; peak memory is its maximum resident set. Timings are measured "
             "here and never asserted in tests.", "",
             "## Goals", "", "| goal | target | measured | |", "|---|---|---|---|"]
    lines += [f"| {g} | {t} | {m} | {'met' if ok else '**not met**'} |" for g, t, m, ok in goals(rows)]
    lines += ["", "## Build", "",
              "| papers | clean build | ms/paper | peak memory | daily update (+50 papers) | daily peak "
              "| daily, fresh checkout elsewhere | site | Pages artifact | files |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        checkout = f"{r.checkout.seconds:.1f} s" if r.checkout else "–"
        lines.append(f"| {r.papers:,} | {r.clean.seconds:.1f} s | {r.clean.seconds * 1000 / r.papers:.2f} | "
                     f"{r.clean.peak_mb:,.0f} MB | {r.daily.seconds:.1f} s | {r.daily.peak_mb:,.0f} MB | "
                     f"{checkout} | {r.site.mb:,.1f} MB | {r.site.artifact_mb:,.1f} MB | {r.site.files:,} |")
    lines += ["", f"![Build time against archive size: clean builds grow with the archive, daily updates much "
              f"less]({chart_name})", "",
              "The daily update costs what the day changed: the build cache (`.cache/paperfeed/`, which the "
              "publish workflow restores) keeps each paper's parsed record, tags and search words; only the pages "
              "whose content changed are generated, written and rendered (MkDocs is shown no other generated "
              "page); git says which paper files are unchanged (a fresh checkout gives every file a new mtime), "
              "and only the changed papers' search words are computed. What remains grows with the archive: "
              "loading the whole cache and checking every record, MkDocs listing every file, planning every "
              "page, and cutting every search shard from the kept words.", "",
              "The fresh checkout is the publish workflow's situation: the project's repository cloned into "
              "another folder (every file git tracks has a new mtime), the day's papers committed, and the build "
              "cache, the generated pages and site/ as actions/cache restores them. A clean build uses every core: the per-paper work (reading, tagging, "
              "related-paper features, search words) and the rendering of pages run in forked workers; peak "
              "memory is the largest single process's.", "",
              "Runs on a shared 2-core VM vary by up to a sixth from one run to the next; a disk with online "
              "discard writes slowly for minutes after a large delete, so the benchmark keeps its projects until "
              "the end.", "",
              "## Page sizes", "", "| papers | paper (median / p99 / max) | home | largest day | largest tag page "
              "| largest archive page | search index |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        kb = r.site.kb
        lines.append(f"| {r.papers:,} | {kb['paper median']:.1f} / {kb['paper p99']:.1f} / {kb['paper max']:.1f} KB | "
                     f"{kb['home']:.1f} KB | {kb['day max']:.0f} KB | {kb['tag max']:.0f} KB | "
                     f"{kb['archive max']:.0f} KB | {kb['search index'] / 1e3:.1f} MB |")
    lines += bytes_section(rows[-1])
    lines += ["", "## Search", "",
              "The first search of a reader with nothing cached: a new Chromium opens a paper page, the reader "
              f"clicks the header's search box and types the query, {bench_search.KEY_DELAY_MS} ms a key. Bytes are "
              "everything the search fetched until the query's results showed (manifest, shards, filters, "
              "results), served without compression by the server (the build stores every index file deflated, "
              "so these are the bytes a reader gets from any static host); the time runs from the last "
              "keystroke to the results, "
              "and includes the 100 ms the box waits for typing to pause. A word's shard grows with the number of "
              "papers that have it (“model” is in nine papers of ten), so queries of common words fetch more as "
              "the archive grows.", "",
              "| papers | " + " | ".join(f"“{q}”" for q in bench_search.QUERIES) + " |",
              "|---:|" + "---:|" * len(bench_search.QUERIES)]
    for r in rows:
        cells = [f"{q.kb:.0f} KB, {q.latency_ms:.0f} ms, {q.results:,} results" for q in r.search]
        lines.append(f"| {r.papers:,} | " + " | ".join(cells) + " |")
    lines += ["", "## Related papers and trending", "",
              "What the discovery pages cost, from `paperfeed build --timings`: finding every paper's related "
              "papers (a clean build computes every list; a daily update the new papers' lists and those they "
              "enter, see `src/paperfeed/related/`), and generating the trending pages (a page per week and per "
              "month, fifty cards each).", "",
              "| papers | related: clean build | related: daily update | related: daily, fresh checkout "
              "| lists computed daily | trending pages | trending: clean build | trending: daily update |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        stage = "find related papers"
        pages, kb = r.trending
        fresh = f"{r.checkout.timings.get(stage, 0):.1f} s" if r.checkout else "–"
        lines.append(f"| {r.papers:,} | {r.clean.timings.get(stage, 0):.1f} s | {r.daily.timings.get(stage, 0):.1f} s | "
                     f"{fresh} | {r.daily.related[0]:,} | {pages:,} ({kb / 1e3:,.1f} MB) | "
                     f"{r.clean.timings.get('generate the trending pages', 0):.1f} s | "
                     f"{r.daily.timings.get('generate the trending pages', 0):.1f} s |")
    if any(r.before for r in rows):
        lines += ["", f"### Against the code before ({BEFORE_LABEL})", "",
                  "The same archives built by the code before related papers, trending and author links; the "
                  "ratio is now against then (the daily update in place, as a local build runs it).", "",
                  "| papers | clean build: before → now | ratio | peak memory: before → now | daily update: before → now "
                  "| ratio |", "|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            if r.before:
                first, daily = r.before
                lines.append(f"| {r.papers:,} | {first.seconds:.1f} s → {r.clean.seconds:.1f} s | "
                             f"{r.clean.seconds / first.seconds:.2f} | {first.peak_mb:,.0f} → {r.clean.peak_mb:,.0f} MB | "
                             f"{daily.seconds:.1f} s → {r.daily.seconds:.1f} s | {r.daily.seconds / daily.seconds:.2f} |")
    mid = next((r for r in rows if r.papers == 10_000), rows[0])
    lines += ["", f"## Where the time goes ({mid.papers:,} papers, clean build)", "",
              "`paperfeed build --timings` prints this for any build:", "", "| stage | seconds |", "|---|---:|"]
    lines += [f"| {stage} | {seconds:.2f} |" for stage, seconds in sorted(mid.clean.timings.items(),
                                                                         key=lambda kv: -kv[1])]
    big = max(rows, key=lambda r: r.papers)
    if big.clean.peaks:
        lines += ["", f"## Where the memory goes ({big.papers:,} papers, clean build)", "",
                  "The build process's peak memory when each stage ended, in the order they run (`paperfeed build "
                  "--timings`); the processes that render pages and the per-paper workers are forked from it.", "",
                  "| stage | seconds | peak by its end |", "|---|---:|---:|"]
        lines += [f"| {stage} | {big.clean.timings[stage]:.2f} | {peak:,} MB |" for stage, peak in
                  big.clean.peaks.items()]
    if big.checkout:
        lines += ["", f"## Where the time goes ({big.papers:,} papers + {bench_build.DAY}, daily update in a fresh "
                  "checkout)", "", f"{big.checkout.seconds:.1f} s in all, of which:", "", "| stage | seconds |",
                  "|---|---:|"]
        lines += [f"| {stage} | {seconds:.2f} |" for stage, seconds in sorted(big.checkout.timings.items(),
                                                                             key=lambda kv: -kv[1])]
        # a stage run on the other core overlaps the others: its seconds are not the build's
        rest = big.checkout.seconds - sum(s for stage, s in big.checkout.timings.items() if "meanwhile" not in stage)
        lines += ["", "The stages marked “on the other core, meanwhile” ran in a forked process while the ones "
                  "after them ran here (src/paperfeed/publish/background.py); the build waited for them only "
                  "as long as the “wait for …” rows say.",
                  "", f"The other {rest:.1f} s are starting Python, importing MkDocs and Material, and the work "
                  "between the stages (each paper as its pages show it, the pages' keys, the icons)."]
    lines += ["", "## Why paperfeed has its own search index", "",
              "Material's built-in search downloads its whole index on the first query: 16.4 MB at 10,000 papers, "
              "49.2 MB at 30,000. Pagefind 1.5.2 (`pagefind[bin]`), given pages of only the searchable fields, "
              "indexed 10,000 papers in 9.4 s with a 1.42 GB peak (over 2 GB at 30,000), and its first query for "
              "“diffusion” fetched 7.2 MB in Chromium, as its worker read most index chunks; its per-site meta "
              "and filter files (70 KB and 106 KB at 10,000 papers) grow with the archive, and it cannot index only "
              "what changed. paperfeed's index (`src/paperfeed/search/`) keeps each query to a few shards of about "
              "16 KB, a result file per ten papers and one filter file, and a new day changes no existing posting.",
              ""]
    return "\n".join(lines)


def bytes_section(r: Row) -> list[str]:
    """Where the site's bytes go at the largest size: what a fork would trim to fit GitHub Pages."""
    if not r.site.sections:
        return []
    total = r.site.mb
    lines = ["", f"## Where the bytes go ({r.papers:,} papers)", "",
             "Each section of the site, and the part of its pages that is the page frame (everything outside "
             "the article: head, header, tabs, scripts), which every page repeats:", "",
             "| section | files | MB | share | of which the page frame |", "|---|---:|---:|---:|---:|"]
    for section, (files, mb, frame) in r.site.sections.items():
        if mb >= total / 1000:
            lines.append(f"| `{section}` | {files:,} | {mb:,.1f} | {mb / total:.0%} | "
                         f"{f'{frame:,.1f} MB' if frame >= 0.05 else '–'} |")
    papers = r.site.sections.get("papers/")
    if papers and r.site.paper_parts:
        lines += ["", f"Of the paper pages' {papers[1]:,.0f} MB ({papers[1] * 1e3 / max(papers[0], 1):.1f} KB a page):", "",
                  "| part | MB |", "|---|---:|", f"| page frame | {papers[2]:,.1f} |"]
        lines += [f"| {name} | {mb:,.1f} |" for name, mb in sorted(r.site.paper_parts.items(), key=lambda kv: -kv[1])]
        rest = papers[1] - papers[2] - sum(r.site.paper_parts.values())
        lines.append(f"| the rest (title, facts, links, tags, summary) | {rest:,.1f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated archive sizes")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--work", type=Path, help="where to build (default: a temp folder)")
    parser.add_argument("--before", metavar="REV", help="also build each archive with the code of this git "
                        "revision, and report the ratio")
    args = parser.parse_args()
    try:  # the chart is drawn last: a missing matplotlib must stop the run before its half hour, not after
        import matplotlib  # noqa: F401
    except ImportError:
        parser.error("matplotlib draws the chart: pip install -e '.[bench]' (make benchmark does)")
    base = args.work or Path(tempfile.mkdtemp(prefix="paperfeed-benchmark-"))
    if (base / "code").exists():
        shutil.rmtree(base / "code")
    code = bench_build.snapshot(base / "code")  # one version of the code for the whole run
    before = None
    if args.before:
        global BEFORE_LABEL
        BEFORE_LABEL = f"`{args.before}`"
        before = base / "before"
        shutil.rmtree(before, ignore_errors=True)
        before.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive.stdout, check=True)
    try:
        rows = [run(n, base, code, before) for n in sorted(int(s) for s in args.sizes.split(","))]
    finally:
        if not args.work:
            shutil.rmtree(base, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    chart_path = args.output.with_name(args.output.stem + "-build.svg")
    chart(rows, chart_path)
    # keep what other scripts write into the page (make audit's Lighthouse scores)
    old = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    kept = old[old.index("<!-- audit -->"):] if "<!-- audit -->" in old else ""
    args.output.write_text(report(rows, chart_path.name).rstrip("\n") + ("\n\n" + kept if kept else "\n"),
                           encoding="utf-8")
    print(f"wrote {args.output} and {chart_path}")
    for goal, target, measured, ok in goals(rows):
        print(f"{'met' if ok else 'NOT MET':>8}  {goal}: {measured} ({target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
