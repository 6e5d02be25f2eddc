"""The CLI edge: summaries, one-line errors, help with examples, and the bundled demo archive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paperfeed.cli import cli

from .conftest import FIXTURES, ROOT, SEED, SEED_TSV, tree


def test_every_command_has_an_example_in_its_help(run) -> None:
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert "Example:" in run(name, "--help").stdout, name


def test_import_summary_and_skips(run) -> None:
    result = run("import", str(FIXTURES / "hf_2025-06-25.json"), "--papers", "papers")
    assert result.stdout.strip() == "1 day, 4 items → 2 papers: 2 new, 0 updated, 0 unchanged, 2 skipped"
    assert "hf_2025-06-25.json: item 3: item is a JSON int, not an object" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["import", str(FIXTURES / "scrape.txt")], "a page scrape shows no year: pass --date YYYY-MM-DD"),
    (["import", str(FIXTURES / "scrape.txt"), "--date", "14 March"], "'14 March' is not a date"),
    (["fetch", "--date", "2025-01-01", "--days", "2"], "give one of --date, --days and --since"),
    (["fetch", "--since", "2025-01-02", "--until", "2025-01-01"], "--until is before --since"),
])
def test_errors_are_one_clear_line(run, args: list[str], message: str) -> None:
    result = run(*args, expect=2 if "fetch" in args or "March" in args[-1] else 1)
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bad_config_is_named(run, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nextra:\n  paperfeed:\n    fetch_dayz: 3\n")
    result = run("check", expect=1)
    assert "mkdocs.yml: extra.paperfeed.fetch_dayz: unknown setting" in result.stderr


def test_bundled_demo_archive_is_what_the_importer_makes(run, tmp_path: Path, shared_data: Path) -> None:
    """papers/ is reproducible: the seed scrape imported as featured on 2025-03-14,
    then given its real ids, authors and dates from the hand-made TSV."""
    run("import", str(SEED), "--date", "2025-03-14", "--papers", "papers")
    result = run("enrich", "--lookup", str(SEED_TSV), "--papers", "papers")
    assert result.stdout.strip() == "51 papers without an id: 51 found, 0 not found"
    assert tree(tmp_path / "papers") == tree(ROOT / "papers")


def test_tags_stats_has_headers_and_shows_tags_without_papers(run, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "papers", tmp_path / "papers")
    shutil.copy(ROOT / "taxonomy.yml", tmp_path / "taxonomy.yml")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    lines = run("tags", "--stats").stdout.splitlines()
    assert lines[0].split() == ["tag", "papers", "share"]
    assert any(line.split()[:2] == ["code", "0"] for line in lines)  # a tag no paper has yet still shows
