"""Shared fixtures: paths to the hand-written fixtures and to the real data in ../shared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperfeed.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("PAPERFEED_SHARED", ROOT.parent / "shared"))
HF_DATA = SHARED / "data" / "hf-daily-papers"
ARXIV_DATA = SHARED / "data" / "arxiv-api"
SEED = SHARED / "seed" / "000_f70e58bcb38ae16f.txt"
SEED_TSV = SHARED / "seed" / "000_f70e58bcb38ae16f.arxiv.tsv"


@pytest.fixture(autouse=True)
def no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tools run by tests print plain text even where the CI machine forces colour."""
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def shared_data() -> Path:
    if not HF_DATA.is_dir():
        pytest.skip(f"the real API responses are not at {HF_DATA}: this test reads the project's test data, "
                    "kept beside the repository (../shared, or set PAPERFEED_SHARED); CI always has it")
    return SHARED


@pytest.fixture
def run(tmp_path: Path):
    """Run the real ``paperfeed`` CLI in a temp folder with no mkdocs.yml above it."""
    runner = CliRunner()

    def invoke(*args: str, expect: int | None = 0) -> Result:
        old = Path.cwd()
        os.chdir(tmp_path)
        try:
            result = runner.invoke(cli, list(args), catch_exceptions=False)
        finally:
            os.chdir(old)
        if expect is not None:
            assert result.exit_code == expect, result.output + (result.stderr if result.stderr_bytes else "")
        return result

    return invoke


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, for byte-for-byte comparisons."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def project(tmp: Path, papers: Path | None = None) -> Path:
    """A copy of the site project (mkdocs.yml, taxonomy, hand-written docs) around ``papers``."""
    from paperfeed.pages.paths import GENERATED

    target = tmp / "site-project"
    shutil.copytree(ROOT / "docs", target / "docs", ignore=shutil.ignore_patterns(*GENERATED))
    shutil.copytree(papers or ROOT / "papers", target / "papers")
    shutil.copytree(ROOT / "overrides", target / "overrides")
    for name in ("mkdocs.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, target / name)
    return target
