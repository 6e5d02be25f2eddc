"""Community notes through pull requests: a note file shows on its paper page, its cards and
the Recently annotated page; ``paperfeed check`` rejects hostile notes and, with --base,
hand edits to what the daily fetch owns; the daily fetch never touches a note."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import lxml.html
import pytest

from .conftest import FIXTURES, ROOT, project

NOTE = """---
author: octocat
date: 2026-11-24
---

The adaptive modulation in **Section 3** is the idea to keep; [code](https://github.com/lihong2303/AGM_ICCV2023).
"""
HOSTILE = """---
author: mallory
date: 2026-11-25
---

Nice paper.
<script>alert(1)</script>
Read [this](javascript:alert(1)) and <img src=x onerror=alert(1)>.
"""
BOT = {"GIT_AUTHOR_NAME": "t", "GIT_COMMITTER_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
       "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def add_note(where: Path, paper: str, name: str, text: str) -> Path:
    folder = where / "notes" / paper.split(".")[0] / paper
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **BOT})


def test_a_note_shows_on_its_page_its_cards_and_the_recent_page(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    add_note(where, "2308.07686", "2026-11-24-octocat.md", NOTE)
    result = run("--config", str(where / "mkdocs.yml"), "build", "--strict")
    assert "51 papers" in result.output
    site = where / "site"
    page = lxml.html.fromstring((site / "papers" / "2308" / "2308.07686" / "index.html").read_bytes())
    headings = [h.get("id") for h in page.xpath("//article//h2")]
    assert headings.index("abstract") + 1 == headings.index("notes")  # the notes come right under the abstract
    note = page.xpath('//section[@id="note-2026-11-24-octocat"]')[0]
    assert "@octocat" in note.text_content() and note.xpath(".//strong")[0].text == "Section 3"
    add = page.xpath('//p[@class="pf-add-note"]/a')[0].get("href")
    assert add == "https://github.com/paperfeed/paperfeed/new/main/notes/2308/2308.07686"  # search.js fills it in
    for listing in ("index.html", "days/2025-03-14/index.html", "tags/multimodal/index.html"):
        html = lxml.html.fromstring((site / listing).read_bytes())
        counts = html.xpath('//a[@class="pf-note-count"]')
        assert [c.text_content() for c in counts] == ["💬 1 note"], listing
        assert counts[0].get("href").endswith("papers/2308/2308.07686/#notes")
    recent = lxml.html.fromstring((site / "annotated" / "index.html").read_bytes())
    rows = recent.xpath('//ul[@class="pf-rows"]/li')
    assert len(rows) == 1 and "Boosting Multi-modal Model Performance" in rows[0].text_content()
    assert "@octocat · 2026-11-24" in rows[0].text_content()


def test_check_rejects_a_hostile_note_naming_file_and_line(run, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    where = project(tmp_path)
    add_note(where, "2308.07686", "2026-11-25-mallory.md", HOSTILE)
    add_note(where, "2308.07686", "notes about it.md", NOTE)  # not named date-handle
    add_note(where, "2399.99999", "2026-11-24-octocat.md", NOTE)  # no such paper
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("--config", str(where / "mkdocs.yml"), "check", expect=1)
    err = result.stderr
    hostile = os.path.relpath(where / "notes" / "2308" / "2308.07686" / "2026-11-25-mallory.md", tmp_path)
    assert f"{hostile}:7: HTML <script> is not allowed in a note" in err
    assert f"{hostile}:8: links must be http(s); this one is javascript:" in err
    assert f"{hostile}:8: HTML <img> is not allowed in a note" in err
    assert "notes about it.md: name the file YYYY-MM-DD-your-handle.md" in err
    assert "no paper '2399.99999' in the archive" in err
    assert f"::error file={hostile},line=7::HTML <script>" in result.stdout
    assert result.stdout.strip().endswith("51 papers and 0 notes checked: 5 problems")
    # and the build refuses the archive until the note is fixed
    assert run("--config", str(where / "mkdocs.yml"), "build", expect=1).exit_code == 1


def test_the_contributing_guides_example_notes_pass_the_check(run, tmp_path: Path) -> None:
    """What a contributor copies from CONTRIBUTING.md or the site's Contribute page is a valid
    note, autolinks (<https://…>) and all, and renders its link."""
    where = project(tmp_path)
    for guide, paper in (("CONTRIBUTING.md", "2308.07686"), ("docs/contribute.md", "2309.03130")):
        example = (ROOT / guide).read_text(encoding="utf-8").split("```markdown\n", 1)[1].split("```", 1)[0]
        assert "<https://" in example, guide
        add_note(where, paper, "2026-11-24-octocat.md", example)
    result = run("--config", str(where / "mkdocs.yml"), "check")
    assert result.stdout.strip().endswith("51 papers and 2 notes checked: 0 problems")
    run("--config", str(where / "mkdocs.yml"), "build", "--strict")
    page = lxml.html.fromstring((where / "site" / "papers" / "2308" / "2308.07686" / "index.html").read_bytes())
    assert page.xpath('//div[@class="pf-note__body"]//a[@href="https://github.com/example/new-repo"]')


def test_check_base_rejects_hand_edits_to_what_the_fetch_owns(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    run("--config", str(where / "mkdocs.yml"), "import", str(FIXTURES / "hf_2024-05-27.json"))
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "papers", "mkdocs.yml")
    git(where, "commit", "-q", "-m", "base")
    paper = where / "papers" / "2405" / "2405.15738.md"  # the fixture's paper
    text = paper.read_text(encoding="utf-8")
    assert "\nupvotes: " in text
    edited = text.replace("\nupvotes: ", "\nupvotes: 1", 1).replace("\nfeatured:", "\ntags:\n- robotics\nfeatured:", 1)
    paper.write_text(edited, encoding="utf-8")
    (where / "papers" / "2405" / "2405.99999.md").write_text(text.replace(paper.stem, "2405.99999"),
                                                            encoding="utf-8")
    add_note(where, "2308.07686", "2026-11-24-octocat.md", NOTE)
    result = run("--config", str(where / "mkdocs.yml"), "check", "--base", "main", expect=1)
    line = edited.splitlines().index(next(x for x in edited.splitlines() if x.startswith("upvotes: 1"))) + 1
    rel = os.path.relpath(paper, tmp_path)
    assert f"{rel}:{line}: 'upvotes' is written by the daily fetch and may not be edited by hand" in result.stderr
    assert "2405.99999.md:1: papers are added by the daily fetch" in result.stderr
    assert "'tags'" not in result.stderr
    assert result.stdout.strip().endswith("2 problems")
    paper.write_text(text.replace("\nfeatured:", "\ntags:\n- robotics\nfeatured:", 1), encoding="utf-8")
    (where / "papers" / "2405" / "2405.99999.md").unlink()
    assert run("--config", str(where / "mkdocs.yml"), "check", "--base", "main").exit_code == 0
    bad = run("--config", str(where / "mkdocs.yml"), "check", "--base", "no-such-branch", expect=1)
    assert "no-such-branch" in bad.output


def test_the_daily_fetch_never_touches_a_note(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "import", str(FIXTURES / "hf_2024-05-27.json"))
    paper = where / "papers" / "2405" / "2405.15738.md"  # the fixture's paper
    note = add_note(where, paper.stem, "2026-11-24-octocat.md", NOTE)
    before, stamp = note.read_bytes(), note.stat().st_mtime_ns
    day = (FIXTURES / "hf_2024-05-27.json").read_text(encoding="utf-8")
    newer = tmp_path / "2024-05-28.json"  # the same papers seen again a day later, with more upvotes
    newer.write_text(day.replace('"upvotes": ', '"upvotes": 1'), encoding="utf-8")
    result = run("--config", config, "import", str(newer))
    assert "updated" in result.output and " 0 updated" not in result.output
    assert note.read_bytes() == before and note.stat().st_mtime_ns == stamp
    run("--config", config, "build", "--strict")
    built = where / "site" / "papers" / paper.parent.name / paper.stem / "index.html"
    html = lxml.html.fromstring(built.read_bytes())
    assert html.xpath('//*[@id="note-2026-11-24-octocat"]')
