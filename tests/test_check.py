"""``paperfeed check`` names the file and line of every problem and exits non-zero."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    target = tmp_path / "papers"
    shutil.copytree(ROOT / "papers", target)
    return target


def test_bundled_archive_is_clean(run, archive: Path) -> None:
    assert run("check", "--papers", str(archive)).stdout.strip() == "51 papers and 0 notes checked: 0 problems"


def test_each_kind_of_problem_is_located(run, archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = archive / "2308" / "2308.07686.md"
    text = good.read_text(encoding="utf-8")
    (archive / "2308" / "broken.md").write_text(text.replace("title: ", "title: [oops\n", 1), encoding="utf-8")
    (archive / "2309" / "2309.99999.md").write_text(text, encoding="utf-8")  # a duplicate, misfiled
    (archive / "2308" / "2308.00001.md").write_text(text.replace(
        "published: 2023-08-15", "published: last tuesday"), encoding="utf-8")
    (archive / "2308" / "notes.txt").write_text("stray", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("check", "--papers", str(archive), expect=1)
    err = result.stderr  # paths relative to where check runs, as GitHub places annotations
    assert "papers/2308/broken.md:3: title: invalid YAML" in err
    assert "papers/2308/2308.00001.md:" in err and "published: 'last tuesday' is not a date" in err
    assert "papers/2309/2309.99999.md:2: id '2308.07686' belongs in 2308/2308.07686.md" in err
    assert "duplicate id '2308.07686'" in err
    assert "papers/2308/notes.txt: not a paper file" in err
    assert "::error file=papers/2308/broken.md,line=3::title: invalid YAML" in result.stdout
    assert result.stdout.strip().endswith("52 papers and 0 notes checked: 5 problems")
