"""Lighthouse scores of every kind of page, on a phone and on a desktop: ``make audit``.

Builds the bundled archive (plus the tests' small day of math papers), serves it under
``/paperfeed/`` on 127.0.0.1 as GitHub Pages would (gzip, ten-minute caching), runs Lighthouse (npm, pinned by the
Makefile) in Debian's Chromium on home, day, paper, tag, tag month and search pages,
with its mobile emulation (a mid-range phone on a slow 4G network) and its desktop
preset, and writes the four category scores into docs/benchmarks.md between the
``audit`` markers. Scores vary by a point or two between runs: performance is simulated
from one load's trace.

    python scripts/audit.py [--lighthouse PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.siteserver import serve  # noqa: E402 - a real static server, as the browser tests use

PAGES = {"home": "", "day": "days/2025-03-14/", "paper": "papers/2308/2308.07686/", "tag": "tags/robotics/",
         "tag month": "tags/robotics/2025-03/", "trending": "trending/", "search": "?q=diffusion"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = 95
START, END = "<!-- audit -->", "<!-- /audit -->"


def build_site(where: Path) -> Path:
    from paperfeed.pages.paths import GENERATED

    shutil.copytree(ROOT / "docs", where / "docs", ignore=shutil.ignore_patterns(*GENERATED))
    for name in ("papers", "overrides"):
        shutil.copytree(ROOT / name, where / name)
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, where / name)
    paperfeed = str(Path(sys.executable).parent / "paperfeed")
    subprocess.run([paperfeed, "import", str(ROOT / "tests" / "fixtures" / "math_2024-06-21.json")], cwd=where,
                   check=True, capture_output=True)
    subprocess.run([paperfeed, "build", "--strict"], cwd=where, check=True, capture_output=True)
    return where / "site"


def lighthouse(tool: str, url: str, *, desktop: bool, out: Path) -> dict[str, int]:
    chromium = os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium")
    flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking"
    command = [tool, url, "--quiet", "--output=json", f"--output-path={out}", f"--chrome-flags={flags}",
               f"--only-categories={','.join(CATEGORIES)}", *(["--preset=desktop"] if desktop else [])]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chromium}, timeout=300)
    report = json.loads(out.read_text(encoding="utf-8"))
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def table(scores: dict[tuple[str, str], dict[str, int]]) -> str:
    rows = ["| page | device | performance | accessibility | best practices | SEO |", "|---|---|---:|---:|---:|---:|"]
    for (page, device), found in scores.items():
        cells = [f"**{v}**" if v < GOAL else str(v) for v in found.values()]
        rows.append(f"| {page} | {device} | " + " | ".join(cells) + " |")
    worst = min(v for found in scores.values() for v in found.values())
    met = "met" if worst >= GOAL else f"**not met** (lowest {worst})"
    return "\n".join(rows) + f"\n\nGoal: at least {GOAL} in every category on every page kind: {met}.\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default=str(ROOT / ".cache" / "lighthouse" / "node_modules" / ".bin" /
                                                    "lighthouse"))
    parser.add_argument("--runs", type=int, default=1, help="runs per page and device; the median is kept")
    args = parser.parse_args()
    scores: dict[tuple[str, str], dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="paperfeed-audit-") as tmp:
        site = build_site(Path(tmp) / "project")
        with serve(site, compress=True) as base:
            for name, path in PAGES.items():
                for device in ("mobile", "desktop"):
                    runs = [lighthouse(args.lighthouse, base + path, desktop=device == "desktop",
                                       out=Path(tmp) / f"report-{n}.json") for n in range(args.runs)]
                    scores[(name, device)] = {c: sorted(r[c] for r in runs)[len(runs) // 2] for c in CATEGORIES}
                    print(name, device, scores[(name, device)], flush=True)
    version = subprocess.run([args.lighthouse, "--version"], capture_output=True, text=True).stdout.strip()
    section = (f"{START}\n## Lighthouse\n\n`make audit` (Lighthouse {version}, Debian Chromium, the bundled archive "
               "served on 127.0.0.1 with gzip as GitHub Pages serves it; mobile is Lighthouse's emulated phone on a slow 4G network):\n\n"
               f"{table(scores)}{END}")
    page = ROOT / "docs" / "benchmarks.md"
    text = page.read_text(encoding="utf-8")
    text = re.sub(f"{re.escape(START)}.*?{re.escape(END)}", lambda m: section, text, flags=re.S) \
        if START in text else text.rstrip("\n") + "\n\n" + section + "\n"
    page.write_text(text, encoding="utf-8")
    print(table(scores))


if __name__ == "__main__":
    main()
