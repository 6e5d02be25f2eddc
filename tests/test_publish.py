"""A local rehearsal of the daily publish job, step by step as .github/workflows/publish.yml
runs it: the same make targets, in a clone of a temporary repository whose origin is a
bare repository here, fetching from a real HTTP server on 127.0.0.1 that serves real API
responses. The GitHub CLI, which the failure report calls, is a recording stand-in."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .apiserver import Answer, ApiServer
from .conftest import HF_DATA, ROOT

DAYS = ["2026-05-27", "2026-05-28"]
BOT = {"GIT_AUTHOR_NAME": "github-actions[bot]", "GIT_COMMITTER_NAME": "github-actions[bot]",
       "GIT_AUTHOR_EMAIL": "bot@example.invalid", "GIT_COMMITTER_EMAIL": "bot@example.invalid"}
FAKE_GH = """#!/usr/bin/env bash
# Records each call; "issue list" answers with $FAKE_GH_OPEN (an open issue's number, or nothing).
echo "$*" >> "$FAKE_GH_LOG"
if [ "$1 $2" = "issue create" ] || [ "$1 $2" = "issue comment" ]; then
  while [ $# -gt 0 ]; do [ "$1" = "--body-file" ] && cp "$2" "$FAKE_GH_LOG.body"; shift; done
fi
if [ "$1 $2" = "issue list" ]; then echo "${FAKE_GH_OPEN:-}"; fi
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **BOT})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class Job:
    """The publish job's working copy, its origin, and the make targets it runs."""

    def __init__(self, tmp: Path, api_url: str) -> None:
        seed = tmp / "seed"
        for name in ("Makefile", "taxonomy.yml"):
            (seed / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, seed / name)
        for folder in ("papers", "overrides"):
            shutil.copytree(ROOT / folder, seed / folder)
        from paperfeed.pages.paths import GENERATED
        shutil.copytree(ROOT / "docs", seed / "docs", ignore=shutil.ignore_patterns(*GENERATED))
        (seed / "scripts").mkdir()
        for script in ("fetch-alert.sh", "push.sh"):
            shutil.copy(ROOT / "scripts" / script, seed / "scripts" / script)
        config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
            "    api_url: https://huggingface.co/api", f"    api_url: {api_url}\n    retries: 1\n    backoff: 0\n"
            "    timeout: 5")
        assert api_url in config
        (seed / "mkdocs.yml").write_text(config, encoding="utf-8")
        (seed / ".gitignore").write_text("/site/\n/docs/papers/\n/docs/days/\n/docs/tags/\n/docs/archive/\n"
                                         "/docs/feeds/\n/docs/index.md\nfetch.log\n", encoding="utf-8")
        git(tmp, "init", "-q", "-b", "main", str(seed))
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", "seed")
        git(tmp, "clone", "-q", "--bare", str(seed), str(tmp / "origin.git"))
        git(tmp, "clone", "-q", str(tmp / "origin.git"), str(tmp / "work"))
        self.origin, self.work = tmp / "origin.git", tmp / "work"
        self.gh_log = tmp / "gh.log"
        bin_dir = tmp / "fake-bin"
        bin_dir.mkdir()
        (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
        (bin_dir / "gh").chmod(0o755)
        self.env = {**os.environ, **BOT, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                    "FAKE_GH_LOG": str(self.gh_log), "RUN_URL": "https://github.com/o/r/actions/runs/1"}

    def make(self, target: str, **env: str) -> subprocess.CompletedProcess:
        # the venv running the tests has paperfeed installed: the job's `make` uses it
        return subprocess.run(["make", "--no-print-directory", f"BIN={Path(sys.executable).parent}", target],
                              cwd=self.work, capture_output=True, text=True, env={**self.env, **env},
                              timeout=600)

    def papers(self) -> int:
        return len(list((self.work / "papers").rglob("*.md")))


@pytest.fixture
def api(shared_data: Path):
    with ApiServer() as server:
        yield server


def test_the_daily_job_fetches_commits_pushes_and_builds(tmp_path: Path, api: ApiServer) -> None:
    api.serve_days(HF_DATA, DAYS)
    job = Job(tmp_path, api.url)
    before = git(job.origin, "rev-parse", "main")
    fetch = job.make("fetch", FETCH_ARGS=f"--since {DAYS[0]} --until {DAYS[1]}")
    assert fetch.returncode == 0, fetch.stdout + fetch.stderr
    log = (job.work / "fetch.log").read_text(encoding="utf-8")
    assert log.startswith("Fetching 2 days from") and "\n2 days, 74 items" in log and log in fetch.stdout
    commit = job.make("publish-commit", PUSH_TOKEN="token-for-the-push-only")
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert git(job.origin, "rev-parse", "main") != before  # pushed to origin
    assert "token-for-the-push-only" not in (job.work / ".git" / "config").read_text(encoding="utf-8")
    assert "\n::add-mask::" in commit.stdout  # its header form is masked in the log
    assert git(job.origin, "log", "-1", "--format=%an %s", "main").startswith("github-actions[bot] Daily fetch")
    changed = git(job.origin, "diff", "--name-only", before, "main").splitlines()
    assert changed and all(name.startswith("papers/") for name in changed)
    again = job.make("publish-commit")  # nothing new: not an error, nothing pushed
    assert again.returncode == 0 and git(job.origin, "rev-list", "--count", "main") == "2"
    build = job.make("build")
    assert build.returncode == 0, build.stdout + build.stderr
    assert f"{job.papers()} papers" in build.stdout and job.papers() > 51
    assert (job.work / "site" / "days" / DAYS[1] / "index.html").exists()
    # a good fetch closes the failure issue that an earlier run opened
    alert = job.make("fetch-alert", OUTCOME="success", FAKE_GH_OPEN="7")
    assert alert.returncode == 0, alert.stderr
    assert "issue close 7 --comment The daily fetch works again: https://github.com/o/r/actions/runs/1" in \
        job.gh_log.read_text(encoding="utf-8")


def test_a_failed_fetch_ends_red_keeps_the_archive_and_still_builds(tmp_path: Path, api: ApiServer) -> None:
    api.default = Answer(status=503, body=b"Service Unavailable", content_type="text/plain")
    job = Job(tmp_path, api.url)
    before, count = git(job.origin, "rev-parse", "main"), job.papers()
    fetch = job.make("fetch", FETCH_ARGS=f"--since {DAYS[0]} --until {DAYS[1]}")
    assert fetch.returncode != 0  # the workflow step fails (and the run ends red)
    assert "503" in fetch.stdout
    assert git(job.work, "status", "--porcelain", "--", "papers") == "" and job.papers() == count
    commit = job.make("publish-commit")
    assert commit.returncode == 0 and git(job.origin, "rev-parse", "main") == before
    build = job.make("build")  # the committed archive still publishes
    assert build.returncode == 0, build.stdout + build.stderr
    assert (job.work / "site" / "index.html").exists() and f"{count} papers" in build.stdout
    alert = job.make("fetch-alert", OUTCOME="failure")
    assert alert.returncode == 0, alert.stderr
    calls = job.gh_log.read_text(encoding="utf-8")
    assert f"issue create --title Daily fetch failing since {dt.datetime.now(dt.timezone.utc):%Y-%m-%d}" in calls
    body = Path(str(job.gh_log) + ".body").read_text(encoding="utf-8")
    assert "https://github.com/o/r/actions/runs/1" in body and "503" in body
    # the next failure comments on the open issue instead of opening another
    job.gh_log.unlink()
    assert job.make("fetch-alert", OUTCOME="failure", FAKE_GH_OPEN="12").returncode == 0
    assert job.gh_log.read_text(encoding="utf-8").splitlines()[-1].startswith("issue comment 12 --body-file")
