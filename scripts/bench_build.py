#!/usr/bin/env python3
"""Benchmark: ``paperfeed build`` of synthetic archives, clean and after one more day.

For each N, writes a synthetic archive shaped like the real corpus (see
``scripts/synthetic.py``) into a copy of this project, runs a clean
``paperfeed build`` in a fresh process, then adds a day of 50 papers and builds
again (the daily update). Prints seconds, ms per paper, peak memory (the build
process's max RSS), the site's size and file count, and page sizes by kind.

    python scripts/bench_build.py                  # N = 1,000 and 10,000
    python scripts/bench_build.py --sizes 30000 --keep /tmp/bench

``scripts/benchmark.py`` runs this and the search measurement at every size and
writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import synthetic  # noqa: E402 - the sibling script

from paperfeed.pages.paths import GENERATED  # noqa: E402

DAY = 50  # papers in the daily update


@dataclass
class Build:
    seconds: float
    peak_mb: float
    timings: dict[str, float] = field(default_factory=dict)
    summary: str = ""
    #: related papers: lists computed in full, lists changed
    related: tuple[int, int] = (0, 0)
    #: the build's peak memory (MB) when each stage ended
    peaks: dict[str, int] = field(default_factory=dict)


@dataclass
class Site:
    mb: float
    files: int
    kb: dict[str, float] = field(default_factory=dict)  # page kind → KB (median, p99, max, …)
    #: the Pages artifact: the site as one tar, deflated as actions/upload-artifact does (MB)
    artifact_mb: float = 0.0
    largest: dict[str, str] = field(default_factory=dict)
    #: where the bytes go: site section → (files, MB, MB of it the page frame)
    sections: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    #: parts of the paper pages → MB
    paper_parts: dict[str, float] = field(default_factory=dict)


def snapshot(where: Path, source: Path = ROOT) -> Path:
    """Freeze paperfeed's code and the site settings for a whole run: the build cache is keyed
    to the code, so an edit during a run would turn a daily update into a clean build."""
    shutil.copytree(source / "src", where / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(source / "docs", where / "docs", ignore=shutil.ignore_patterns(*GENERATED))
    shutil.copytree(source / "overrides", where / "overrides")
    for name in ("mkdocs.yml", "taxonomy.yml", ".gitignore"):  # .gitignore: generated pages are not committed
        shutil.copy(source / name, where / name)
    return where


def make_project(where: Path, n: int, *, source: Path = ROOT) -> Path:
    """A copy of the site settings in ``source`` around a synthetic archive of ``n`` papers (and notes)."""
    shutil.copytree(source / "docs", where / "docs", ignore=shutil.ignore_patterns(*GENERATED))
    shutil.copytree(source / "overrides", where / "overrides")
    for name in ("mkdocs.yml", "taxonomy.yml", ".gitignore"):  # .gitignore: generated pages are not committed
        shutil.copy(source / name, where / name)
    synthetic.write_archive(n, where / "papers", notes=where / "notes")
    commit(where, f"{n:,} papers")
    return where


def commit(where: Path, message: str) -> None:
    """Commit the archive, its notes and the site's settings, as a fork's repository holds
    them (a build asks git which paper files changed)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    if not (where / ".git").exists():
        subprocess.run(["git", "init", "-q", str(where)], check=True)
    tracked = [name for name in ("papers", "notes", "docs", "overrides", "mkdocs.yml", "taxonomy.yml", ".gitignore")
               if (where / name).exists()]
    subprocess.run(["git", "-C", str(where), "add", "--", *tracked], check=True, env=env)
    subprocess.run(["git", "-C", str(where), "commit", "-q", "--no-verify", "-m", message], check=True, env=env)


def run_build(project: Path, *args: str, code: Path | None = None) -> Build:
    """One ``paperfeed build`` in a child process (of the code under ``code``, by default the
    installed one): its wall time, its own peak memory, its stage timings."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if code is not None:
        env["PYTHONPATH"] = str(code / "src")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "paperfeed", "--config", str(project / "mkdocs.yml"), "build",
                                 "--timings", *args], stdout=out, stderr=err, text=True, env=env)
        # wait4, not proc.wait(): it also gives the child's own resource usage (its peak memory)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read()
        if proc.returncode:
            raise SystemExit(f"build failed:\n{text}\n{err.read()}")
    timings: dict[str, float] = {}
    peaks: dict[str, int] = {}
    related = (0, 0)
    for line in text.splitlines():
        if found := re.match(r"\s*([\d.]+) s\s+([\d,]+) MB  (.+)$", line):  # seconds, peak by its end, stage
            timings[found.group(3)] = float(found.group(1))
            peaks[found.group(3)] = int(found.group(2).replace(",", ""))
        if found := re.match(r"related papers: ([\d,]+) lists computed in full, ([\d,]+) changed", line):
            related = (int(found.group(1).replace(",", "")), int(found.group(2).replace(",", "")))
    return Build(seconds, usage.ru_maxrss / 1024, timings, text.strip().splitlines()[-1], related, peaks)


def measure_site(site: Path) -> Site:
    """The site's size, and page sizes by kind."""
    files = [p for p in site.rglob("*") if p.is_file()]
    kinds: dict[str, list[Path]] = {"paper": [], "day": [], "tag": [], "archive": [], "other": []}
    for page in (p for p in files if p.name == "index.html"):
        top = page.relative_to(site).parts[0]
        kinds.get({"papers": "paper", "days": "day", "tags": "tag", "archive": "archive"}.get(top, "other"),
                  kinds["other"]).append(page)
    out = Site(sum(p.stat().st_size for p in files) / 1e6, len(files))
    papers = sorted(p.stat().st_size for p in kinds["paper"])
    if papers:
        out.kb["paper median"] = statistics.median(papers) / 1e3
        out.kb["paper p99"] = papers[int(len(papers) * 0.99)] / 1e3
        out.kb["paper max"] = papers[-1] / 1e3
    out.kb["home"] = (site / "index.html").stat().st_size / 1e3
    for kind in ("day", "tag", "archive"):
        if kinds[kind]:
            largest = max(kinds[kind], key=lambda p: p.stat().st_size)
            out.kb[f"{kind} max"] = largest.stat().st_size / 1e3
            out.largest[kind] = largest.relative_to(site).parent.as_posix()
    out.kb["search index"] = sum(p.stat().st_size for p in (site / "search").rglob("*") if p.is_file()) / 1e3
    out.artifact_mb = artifact_bytes(site) / 1e6
    out.sections, out.paper_parts = bytes_by_part(site, files)
    return out


#: Parts of a paper page (publish/ and pages/paper.py markup), measured as they are written.
PAPER_PARTS = {
    "abstract": re.compile(rb"<div class=\"?pf-abstract.*?</div>", re.S),
    "related papers": re.compile(rb"<h2 id=\"?related.*?</ul>", re.S),
    "citation (BibTeX)": re.compile(rb"<h2 id=\"?cite.*?</pre>", re.S),
    "authors": re.compile(rb"<p class=\"?pf-paper__authors.*?(?=</p>|<p[ >])", re.S),  # </p> may be left out
    "notes and the link to add one": re.compile(rb"<h2 id=\"?notes.*?(?=<h2 id=)", re.S),
}


def bytes_by_part(site: Path, files: list[Path]) -> tuple[dict[str, tuple[int, float, float]], dict[str, float]]:
    """Each section's files and MB, with the page frame (everything of a page outside its
    article: head, header, tabs, scripts) apart; and the MB of each part of the paper pages."""
    sections: dict[str, list[float]] = {}
    parts = dict.fromkeys(PAPER_PARTS, 0.0)
    for path in files:
        rel = path.relative_to(site).parts
        section = rel[0] + "/" if len(rel) > 1 else "top-level files"
        entry = sections.setdefault(section, [0, 0.0, 0.0])
        size = path.stat().st_size
        entry[0] += 1
        entry[1] += size / 1e6
        if path.suffix == ".html":
            data = path.read_bytes()
            start, end = data.find(b"<article"), data.rfind(b"</article>")
            if start >= 0 and end >= 0:
                entry[2] += (len(data) - (end + len(b"</article>") - start)) / 1e6
            if section == "papers/":
                for name, pattern in PAPER_PARTS.items():
                    parts[name] += sum(len(m) for m in pattern.findall(data)) / 1e6
    ordered = sorted(sections.items(), key=lambda kv: -kv[1][1])
    return {k: (int(v[0]), v[1], v[2]) for k, v in ordered}, parts


def artifact_bytes(site: Path) -> int:
    """The size of what the publish workflow uploads: actions/upload-pages-artifact tars the
    site, and actions/upload-artifact deflates the tar (zlib level 6). GitHub's deploy warns
    when this upload passes Pages' 1 GB."""
    tar = subprocess.Popen(["tar", "-cf", "-", "-C", str(site), "."], stdout=subprocess.PIPE)
    packer, size = zlib.compressobj(6), 0
    assert tar.stdout is not None
    for chunk in iter(lambda: tar.stdout.read(1 << 20), b""):
        size += len(packer.compress(chunk))
    size += len(packer.flush())
    if tar.wait():
        raise SystemExit(f"tar failed on {site}")
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated archive sizes")
    parser.add_argument("--keep", type=Path, help="build under this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="paperfeed-bench-"))
    code = snapshot(base / "code") if not (base / "code").exists() else base / "code"
    print(f"{'papers':>7} {'seconds':>8} {'ms/paper':>9} {'peak MB':>8} {'site MB':>8} {'files':>7} "
          f"{'paper KB':>9} {'max KB':>7} {'home KB':>8}  daily update (+{DAY} papers)")
    try:
        for n in sorted(int(s) for s in args.sizes.split(",")):
            project = base / str(n)
            if project.exists():
                shutil.rmtree(project)
            make_project(project, n, source=code)
            clean = run_build(project, code=code)
            site = measure_site(project / "site")
            synthetic.add_day(project / "papers", DAY)
            daily = run_build(project, code=code)
            print(f"{n:>7} {clean.seconds:>8.1f} {clean.seconds * 1000 / n:>9.2f} {clean.peak_mb:>8.0f} "
                  f"{site.mb:>8.1f} {site.files:>7} {site.kb['paper median']:>9.1f} {site.kb['paper max']:>7.1f} "
                  f"{site.kb['home']:>8.1f}  {daily.seconds:.1f} s, {daily.peak_mb:.0f} MB", flush=True)
            for stage, seconds in sorted(clean.timings.items(), key=lambda kv: -kv[1]):
                print(f"         {seconds:7.2f} s  {stage}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
