"""Bad input, one case at a time: what a hostile feed, a broken server, a careless edit or a
hostile pull request gets (docs/bad-input.md has the table). Each case leaves papers/ and
notes/ as they were unless it saves good items, and ends in a clear line naming the file,
line, item or field, never a traceback.

The numbers are those of the issue that listed the cases (#11). The invariant comes first:
whatever ``import`` writes passes ``check`` and builds, for any API item (Hypothesis).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperfeed.archive import lock
from paperfeed.archive.check import check
from paperfeed.archive.store import path_for, read_entry
from paperfeed.config import Settings
from paperfeed.site import generate

from .apiserver import Answer, ApiServer
from .conftest import FIXTURES, ROOT, project, tree
from .searchindex import inflated

GOOD = {"paper": {"id": "2405.15738", "title": "ConvLLaVA: Hierarchical Backbones", "summary": "An abstract.",
                  "authors": [{"name": "Chunjiang Ge"}], "upvotes": 32, "publishedAt": "2024-05-24T00:00:00Z"}}
# Text a feed can send: lone surrogates, controls, markup, RTL overrides, zero-width characters.
NASTY = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
    st.sampled_from(["Broken \ud800 title", "\u202egnp.exe", "a\u200bb\u2066c", "<script>alert(1)</script>",
                     "'\"&<>", "\x00\x07\x1b[31m", "$^2$FM", "x" * 1_000_000, "é" * 300_000, "2401.0000\uff11",
                     "https://github.com/a/b\"><script>", "javascript:alert(1)", "  ", ""]))
VALUE = st.one_of(NASTY, st.integers(-5, 10**40), st.none(), st.booleans(), st.floats(allow_nan=True),
                  st.lists(NASTY, max_size=3), st.dictionaries(NASTY, NASTY, max_size=2))
AUTHORS = st.one_of(st.lists(st.fixed_dictionaries({"name": NASTY}), max_size=4), VALUE,
                    st.just([{"name": f"Author {i}"} for i in range(10_000)]))
ITEM = st.fixed_dictionaries(
    {"paper": st.fixed_dictionaries({
        "id": st.one_of(st.just("2405.15738"), st.just("2401.00001v2"), NASTY),
        "title": NASTY, "summary": NASTY, "authors": AUTHORS, "upvotes": VALUE, "ai_summary": VALUE,
        "ai_keywords": st.one_of(st.lists(NASTY, max_size=4), VALUE), "githubRepo": VALUE, "projectPage": VALUE,
        "publishedAt": st.one_of(NASTY, st.just("2024-05-24T00:00:00Z")), "githubStars": VALUE,
        "organization": st.one_of(st.fixed_dictionaries({"fullname": NASTY}), VALUE),
        "submittedOnDailyBy": st.one_of(st.fixed_dictionaries({"user": NASTY}), VALUE)})},
    optional={"title": NASTY, "summary": NASTY, "numComments": VALUE, "submittedBy": VALUE})


def write_day(folder: Path, day: str, items: list[object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day}.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the property test leaves every archive it made, to be built by a real MkDocs build."""
    return tmp_path_factory.mktemp("hostile") / "papers"


# -- the invariant: what import writes, check accepts ----------------------------------------

@settings(max_examples=int(os.environ.get("PAPERFEED_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.function_scoped_fixture])
@given(items=st.lists(ITEM, min_size=1, max_size=3))
def test_whatever_import_writes_passes_check(run, tmp_path: Path, hostile_archive: Path, items: list[dict]) -> None:
    inbox, archive = tmp_path / "in", tmp_path / "papers"
    shutil.rmtree(archive, ignore_errors=True)
    result = run("import", str(write_day(inbox, "2024-05-27", items)), "--papers", str(archive), expect=None)
    assert result.exit_code == 0, result.output  # never a traceback: bad items are reported and skipped
    report = check(archive)
    assert report.problems == [], [str(p) for p in report.problems]
    # and the pages, feeds and search index of what it wrote can be made (a real build follows below)
    shutil.copytree(archive, hostile_archive, dirs_exist_ok=True)


def test_the_hostile_archive_builds_with_bounded_pages(run, tmp_path: Path, hostile_archive: Path) -> None:
    """Case 7 as well: whatever one paper holds, no page, feed or search file grows past a bound."""
    where = project(tmp_path, hostile_archive if hostile_archive.is_dir() else None)
    big = {**GOOD, "paper": {**GOOD["paper"], "id": "2405.15739", "title": "T" * 1_000_000,
                             "summary": "word " * 60_000, "authors": [{"name": f"Author {i}"} for i in range(10_000)],
                             "ai_summary": "y" * 200_000, "ai_keywords": ["k" * 100] * 1000}}
    run("--config", str(where / "mkdocs.yml"), "import", str(write_day(tmp_path / "in", "2024-05-27", [big])))
    run("--config", str(where / "mkdocs.yml"), "build", "--strict")
    site = where / "site"
    assert (site / "papers" / "2405" / "2405.15739" / "index.html").stat().st_size < 60_000
    assert (site / "days" / "2024-05-27" / "index.html").stat().st_size < 60_000
    # what the browser holds once it has inflated them (index.py stores them deflated)
    assert len(inflated((site / "search" / "index.bin").read_bytes())) < 20_000
    assert max(len(inflated(p.read_bytes())) for p in (site / "search").rglob("*.bin")) < 100_000
    assert max(p.stat().st_size for p in (site / "feeds").rglob("*") if p.is_file()) < 600_000
    assert (where / "papers" / "2405" / "2405.15739.md").stat().st_size > 1_500_000  # stored whole


# -- 1. a lone surrogate ----------------------------------------------------------------------

def test_1_a_lone_surrogate_is_stored_as_a_replacement_character(run, tmp_path: Path) -> None:
    item = {"paper": {**GOOD["paper"], "title": "Broken \ud800 title", "authors": [{"name": "Ada \udfff"}]}}
    day = write_day(tmp_path / "in", "2024-05-27", [item])
    run("import", str(day), "--papers", "papers")
    paper = read_entry(path_for(tmp_path / "papers", "2405.15738")).paper
    assert paper.title == "Broken \ufffd title" and paper.authors == ["Ada \ufffd"]
    assert run("check", "--papers", "papers").exit_code == 0


# -- 2. impossible dates ------------------------------------------------------------------------

def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    where = project(tmp_path)
    paper = where / "papers" / "2308" / "2308.07686.md"
    text = paper.read_text(encoding="utf-8")
    assert old in text
    paper.write_text(text.replace(old, new, 1), encoding="utf-8")
    return where


@pytest.mark.parametrize(("old", "new", "message"), [
    ("featured:\n- 2025-03-14", "featured:\n- 2026-13-45", "featured: '2026-13-45' is not a real date"),
    ("published: 2023-08-15", "published: 2026-02-30", "published: '2026-02-30' is not a real date"),
])
def test_2_an_impossible_date_names_file_line_and_field_in_every_command(run, tmp_path: Path, old: str, new: str,
                                                                         message: str) -> None:
    where = broken_copy(tmp_path, old, new)
    config = str(where / "mkdocs.yml")
    line = next(n for n, text in enumerate((where / "papers/2308/2308.07686.md").read_text().splitlines(), 1)
                if "2026-" in text)
    expected = f"papers/2308/2308.07686.md:{line}: {message}"
    for args in (["check"], ["build"], ["tags", "--stats"]):
        result = run("--config", config, *args, expect=1)
        assert expected in result.output and "Traceback" not in result.output, (args, result.output)


# -- 3. unknown and repeated keys, a missing closing fence ----------------------------------------

@pytest.mark.parametrize(("old", "new", "message"), [
    ("\ntitle:", "\ntitel:", "titel: unknown key; did you mean 'title'?"),
    ("\npublished: ", "\npublished: 2023-08-14\npublished: ", "published: 'published' appears twice"),
    ("\n---\n", "\n", "the front matter has no closing '---' line"),
])
def test_3_unknown_or_repeated_keys_and_a_missing_fence_are_errors(run, tmp_path: Path, old: str, new: str,
                                                                  message: str) -> None:
    where = broken_copy(tmp_path, old, new)
    result = run("--config", str(where / "mkdocs.yml"), "check", expect=1)
    assert message in result.output and "1 problem" in result.output


# -- 4. an empty or missing archive does not replace the site -------------------------------------

def test_4_build_refuses_a_missing_or_empty_archive_and_keeps_the_site(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "build")
    before = tree(where / "site")
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "no-such-folder", tmp_path / "empty"):
        result = run("--config", config, "build", "--papers", str(folder), expect=1)
        assert "nothing was built" in result.output and "--allow-empty" in result.output
        assert tree(where / "site") == before
    run("--config", config, "build", "--papers", str(tmp_path / "empty"), "--allow-empty")
    assert "No papers yet" in (where / "site" / "index.html").read_text(encoding="utf-8")


# -- 5. one unreadable file in a folder -----------------------------------------------------------

def test_5_a_folder_with_an_unreadable_file_imports_the_rest(run, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_day(inbox, "2024-05-27", [GOOD])
    (inbox / "README.txt").write_text("Saved API answers, one file a day.\n", encoding="utf-8")
    (inbox / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    result = run("import", str(inbox), "--papers", "papers", expect=1)
    assert "1 new" in result.stdout
    assert "README.txt" in result.stderr and "logo.png: cannot read" in result.stderr
    assert "2 of 3 files could not be read (the others were imported)" in result.stderr
    assert path_for(tmp_path / "papers", "2405.15738").exists()


# -- 6. nested JSON, look-alike ids, invisible characters -----------------------------------------

def test_6_deeply_nested_json_is_an_error_for_that_file(run, tmp_path: Path) -> None:
    deep = tmp_path / "2024-05-27.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run("import", str(deep), "--papers", "papers", expect=1)
    assert "JSON nested too deeply" in result.stderr and "Traceback" not in result.output


def test_6_ids_are_ascii_digits_only(run, tmp_path: Path) -> None:
    lookalike = {"paper": {**GOOD["paper"], "id": "2401.0000\uff11"}}
    result = run("import", str(write_day(tmp_path / "in", "2024-05-27", [lookalike, GOOD])), "--papers", "papers")
    assert "item 0: paper.id '2401.0000１' is not an arXiv id" in result.stderr
    assert [p.name for p in (tmp_path / "papers").rglob("*.md")] == ["2405.15738.md"]


def test_6_bidi_overrides_and_zero_width_characters_are_neutralized(run, tmp_path: Path) -> None:
    spoof = {"paper": {**GOOD["paper"], "title": "Safe\u202e txt.exe\u202c model", "summary": "a\u200bb",
                       "authors": [{"name": "Ada\u2066 Love\u2069lace\ufeff"}]}}
    run("import", str(write_day(tmp_path / "in", "2024-05-27", [spoof])), "--papers", "papers")
    paper = read_entry(path_for(tmp_path / "papers", "2405.15738")).paper
    assert (paper.title, paper.abstract, paper.authors) == ("Safe txt.exe model", "ab", ["Ada Lovelace"])
    path = path_for(tmp_path / "papers", "2405.15738")  # typed in by hand, check refuses them
    path.write_text(path.read_text(encoding="utf-8").replace("Safe txt", "Safe\u202e txt"), encoding="utf-8")
    result = run("check", "--papers", "papers", expect=1)
    assert "title: holds an invisible character (U+202E) at character 5" in result.stderr


# -- 7. no caps (see also the hostile build above) -------------------------------------------------

def test_7_feeds_list_at_most_a_hundred_authors(tmp_path: Path) -> None:
    from paperfeed.feeds.items import paper_item
    from paperfeed.model import Links, Paper

    many = Paper(id="2405.15738", title="T", authors=[f"Author {i}" for i in range(10_000)], links=Links())
    item = paper_item(many, page_url="https://example.org/p/", tags=[], day=dt.date(2024, 5, 27))
    assert len(item.authors) == 100 and "and 9,900 more" in item.content_html


# -- 8. a hand-added tag that cannot be a file name --------------------------------------------------

def test_8_a_300_character_hand_tag_is_refused_not_a_crash(run, tmp_path: Path) -> None:
    where = broken_copy(tmp_path, "\nsources:", "\ntags:\n- " + "x" * 300 + "\nsources:")
    for args in (["check"], ["build"]):
        result = run("--config", str(where / "mkdocs.yml"), *args, expect=1)
        assert "tags: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx': a tag is 1 to 64 characters" in result.output
        assert "File name too long" not in result.output


# -- 9. text in a paper file's body ---------------------------------------------------------------------

def test_9_a_body_in_a_paper_file_is_refused_and_pointed_to_notes(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    paper = where / "papers" / "2308" / "2308.07686.md"
    lines = len(paper.read_text(encoding="utf-8").splitlines())
    paper.write_text(paper.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n" + "x" * 100_000 + "\n",
                     encoding="utf-8")
    result = run("--config", str(where / "mkdocs.yml"), "check", expect=1)
    assert f"2308.07686.md:{lines + 2}: body: a paper file holds front matter only: write a note" in result.stderr
    assert "notes/" in result.stderr


# -- 10. servers that never finish ----------------------------------------------------------------

FAST = """site_name: test
extra:
  paperfeed:
    timeout: 2
    retries: 1
    backoff: 0.0
    fetch_deadline: 4
    max_response_bytes: 1000000
"""


@pytest.fixture
def api(tmp_path: Path):
    (tmp_path / "mkdocs.yml").write_text(FAST, encoding="utf-8")
    with ApiServer() as server:
        yield server


def fetch(run, api: ApiServer, *args: str, expect: int = 1):
    return run("fetch", "--api-url", f"{api.url}/api", "--papers", "papers", *args, expect=expect)


def test_10_a_dripping_server_is_given_up_at_the_deadline(run, api: ApiServer, tmp_path: Path) -> None:
    body = (FIXTURES / "hf_2024-05-27.json").read_bytes()
    api.script("/api/daily_papers?date=2024-05-27", Answer(body=body, drip=0.5))  # each byte within the timeout
    api.script("/api/daily_papers?date=2024-05-28", Answer(body=body))
    start = time.monotonic()
    result = fetch(run, api, "--since", "2024-05-27", "--until", "2024-05-28")
    assert time.monotonic() - start < 30  # the deadline is 4 s; without it, this took minutes
    assert "gave up on 2024-05-27: no complete answer within the fetch's deadline (4 s" in result.stderr
    assert "gave up on 2024-05-28: the fetch's deadline (4 s) passed" in result.stderr
    assert not (tmp_path / "papers" / "2405").exists() or tree(tmp_path / "papers") == {}


def test_10_a_huge_answer_is_refused_before_it_is_read(run, api: ApiServer, tmp_path: Path) -> None:
    api.script("/api/daily_papers?date=2024-05-27", Answer(body=b"[", length=2_000_000_000))
    api.script("/api/daily_papers?date=2024-05-28", Answer(stream=50_000_000))  # no Content-Length
    api.script("/api/daily_papers?date=2024-05-29", Answer(body=(FIXTURES / "hf_2024-05-27.json").read_bytes()))
    result = fetch(run, api, "--since", "2024-05-27", "--until", "2024-05-29")
    assert "gave up on 2024-05-27: GET" in result.stderr and "2,000,000,000 bytes, more than 1,000,000" in result.stderr
    assert "gave up on 2024-05-28: GET" in result.stderr and "passed 1,000,000 bytes" in result.stderr
    assert path_for(tmp_path / "papers", "2405.15738").exists()  # the good day is saved


def test_10_a_retry_after_past_the_limit_gives_up_at_once(run, api: ApiServer) -> None:
    api.script("/api/daily_papers?date=2024-05-27", Answer(status=429, headers={"Retry-After": "100000"}))
    start = time.monotonic()
    result = fetch(run, api, "--date", "2024-05-27")
    assert time.monotonic() - start < 10
    assert "gave up on 2024-05-27: GET" in result.stderr
    assert "asked to retry after 100000 s, more than 120 s" in result.stderr


# -- 11. two writers at once, and what a killed one leaves -----------------------------------------------

def test_11_a_second_import_waits_for_the_first_and_loses_nothing(tmp_path: Path) -> None:
    archive, inbox = tmp_path / "papers", tmp_path / "in"
    first = write_day(inbox, "2024-05-27", [GOOD])
    second = write_day(inbox, "2024-05-28", [GOOD])
    command = [str(Path(sys.executable).parent / "paperfeed"), "import", "--papers", str(archive)]
    with lock.writing(archive):  # the first import, holding the archive
        waiting = subprocess.Popen([*command, str(second)], cwd=tmp_path, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert waiting.poll() is None  # still waiting
        from paperfeed.archive.update import Workspace
        ws = Workspace.load(archive, ids=["2405.15738"])
        from paperfeed.sources import read_file
        ws.add(read_file(first).papers[0])
        ws.save()
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "another command is writing" in err
    featured = read_entry(path_for(archive, "2405.15738")).paper.featured
    assert featured == [dt.date(2024, 5, 27), dt.date(2024, 5, 28)]  # both days: no update lost
    assert not (archive / lock.LOCK_NAME).exists()


def test_11_temp_files_of_a_killed_writer_are_reported_removed_and_ignored(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    stray = where / "papers" / "2308" / ".2308.07686.md.k2j3h4.tmp"
    stray.write_text("half a file", encoding="utf-8")
    result = run("--config", str(where / "mkdocs.yml"), "check", expect=1)
    assert ".2308.07686.md.k2j3h4.tmp: left by a command that was killed while writing" in result.stderr
    names = ["papers/2308/.x.md.abc.tmp", "papers/.paperfeed.lock"]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == names  # never committed by the daily job's `git add papers`
    day = write_day(tmp_path / "in", "2024-05-27", [GOOD])
    result = run("--config", str(where / "mkdocs.yml"), "import", str(day))
    assert "removed" in result.stderr and not stray.exists()
    assert run("--config", str(where / "mkdocs.yml"), "check").exit_code == 0


def test_11_pages_show_nothing_a_check_would_refuse(tmp_path: Path) -> None:
    """``generate`` reads through the same check as ``paperfeed check``: a build never shows a stray."""
    where = project(tmp_path)
    (where / "papers" / "2308" / "notes.txt").write_text("stray", encoding="utf-8")
    settings_ = Settings(root=where)
    with pytest.raises(Exception, match="not a paper file"):
        generate(settings=settings_, config_file=where / "mkdocs.yml")
    os.remove(where / "papers" / "2308" / "notes.txt")


# -- 12-15. pull requests -------------------------------------------------------------------------------

NOTE = "---\nauthor: {who}\ndate: 2026-11-2{day}\n---\n\n{text}\n"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def add_note(where: Path, who: str, day: int, text: str = "Worth reading.") -> Path:
    path = where / "notes" / "2308" / "2308.07686" / f"2026-11-2{day}-{who}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NOTE.format(who=who, day=day, text=text), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The site as its main branch has it: two notes, by alice and bob, and maintainer carol."""
    where = project(tmp_path)
    config = where / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "maintainers: []" in text
    config.write_text(text.replace("maintainers: []", "maintainers: [carol]"), encoding="utf-8")
    add_note(where, "alice", 1)
    add_note(where, "bob", 2)
    git(where, "init", "-q", "-b", "main")
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "base")
    return where


def check_pr(run, where: Path, author: str | None = "mallory", expect: int = 1):
    args = ["--config", str(where / "mkdocs.yml"), "check", "--base", "main"]
    return run(*args, *(["--author", author] if author else []), expect=expect)


def test_12_a_paper_replaced_by_a_symbolic_link_is_refused(run, repo: Path, tmp_path: Path) -> None:
    paper = repo / "papers" / "2308" / "2308.07686.md"
    fake = tmp_path / "fake.md"
    fake.write_text(paper.read_text(encoding="utf-8").replace("\nfeatured:", "\nupvotes: 99999\nfeatured:"),
                    encoding="utf-8")
    paper.unlink()
    paper.symlink_to(fake)  # git status T: a file became a link
    result = check_pr(run, repo)
    assert "2308.07686.md: a symbolic link" in result.stderr
    assert run("--config", str(repo / "mkdocs.yml"), "build", expect=1).exit_code == 1
    assert not (repo / "site").exists()


def test_12_renamed_and_copied_papers_are_refused(run, repo: Path) -> None:
    papers = repo / "papers"
    git(repo, "mv", "papers/2308/2308.07686.md", "papers/2308/2308.07687.md")
    shutil.copy(papers / "2309" / "2309.03130.md", papers / "2309" / "2309.03131.md")
    git(repo, "add", "-A")
    result = check_pr(run, repo)
    assert "2308.07687.md: papers are not moved or renamed by hand (was papers/2308/2308.07686.md)" in result.stderr
    assert "2309.03131.md:1: papers are added by the daily fetch" in result.stderr


def test_12_a_symbolic_link_in_notes_or_docs_is_never_followed(run, repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("---\nauthor: alice\ndate: 2026-11-23\n---\n\nA secret from outside.\n", encoding="utf-8")
    link = repo / "notes" / "2308" / "2308.07686" / "2026-11-23-alice.md"
    link.symlink_to(secret)
    assert "2026-11-23-alice.md: a symbolic link" in run("--config", str(repo / "mkdocs.yml"), "check",
                                                        expect=1).stderr
    link.unlink()
    (repo / "docs" / "leak.md").symlink_to(secret)
    result = run("--config", str(repo / "mkdocs.yml"), "build", expect=1)
    assert "leak.md: a symbolic link" in result.stderr and not (repo / "site").exists()


def test_13_a_pull_request_changes_only_its_own_notes(run, repo: Path) -> None:
    notes = repo / "notes" / "2308" / "2308.07686"
    add_note(repo, "alice", 1, "Edited by someone else.")
    (notes / "2026-11-22-bob.md").unlink()
    add_note(repo, "carol", 4)  # signed with a third handle
    add_note(repo, "mallory", 5)  # her own: fine
    config = repo / "mkdocs.yml"  # and she cannot make herself a maintainer in her own pull request
    config.write_text(config.read_text(encoding="utf-8").replace("[carol]", "[carol, mallory]"), encoding="utf-8")
    err = check_pr(run, repo).stderr
    assert "2026-11-21-alice.md: this pull request by @mallory edits a note signed by @alice" in err
    assert "2026-11-22-bob.md: this pull request by @mallory deletes a note signed by @bob" in err
    assert "2026-11-24-carol.md:2: this note is signed by @carol, but the pull request is by @mallory" in err
    assert "mallory.md" not in err and err.count("@mallory") == 3
    # a maintainer of the base branch may moderate: edit or delete anyone's note
    config.write_text(config.read_text(encoding="utf-8").replace("[carol, mallory]", "[carol]"), encoding="utf-8")
    (notes / "2026-11-24-carol.md").unlink()
    (notes / "2026-11-25-mallory.md").unlink()
    assert check_pr(run, repo, author="carol", expect=0).exit_code == 0


def test_14_the_check_runs_the_base_branch_s_code_on_the_pull_request(tmp_path: Path, repo: Path) -> None:
    """The pull-request workflow's check job, rehearsed: the base branch's Makefile and paperfeed
    (here, this test run's) check a pull request that switched its own checker off."""
    pr = repo
    (pr / "Makefile").write_text("check-pr:\n\ttrue\ncheck:\n\ttrue\n", encoding="utf-8")
    paper = pr / "papers" / "2308" / "2308.07686.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("\nfeatured:", "\nupvotes: 99999\nfeatured:"),
                     encoding="utf-8")
    git(pr, "add", "-A")
    git(pr, "commit", "-q", "-m", "a pull request")
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    shutil.copy(ROOT / "Makefile", trusted / "Makefile")
    env = {**os.environ, "PR_DIR": str(pr), "BASE_SHA": git(pr, "rev-parse", "HEAD~1").strip(),
           "AUTHOR": "mallory"}
    done = subprocess.run(["make", "--no-print-directory", "-C", str(trusted), f"BIN={Path(sys.executable).parent}",
                           "check-pr"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode != 0
    assert "'upvotes' is written by the daily fetch and may not be edited by hand" in done.stderr


def test_15_annotations_cannot_inject_workflow_commands(run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = repo / "notes" / "2308" / "2308.07686"
    (folder / "2026-11-24-x\n::warning::injected.md").write_text("x", encoding="utf-8")
    paper = repo / "papers" / "2309" / "2309.03130.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("\nfeatured:", '\n"a\\n::stop-commands::t": 1\n'
                                                               "featured:"), encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("--config", str(repo / "mkdocs.yml"), "check", expect=1)
    commands = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == 2 and all(line.startswith("::error file=") for line in commands)
    assert "2026-11-24-x%0A%3A%3Awarning%3A%3Ainjected.md" in result.stdout
    assert "a%0A::stop-commands::t: unknown key" in result.stdout
    assert "the name holds a control character" in result.stdout
    assert "\n::warning" not in result.stdout + result.stderr and "\n::stop-commands" not in result.stdout


# -- 16-18. what the site and the workflows hand on ------------------------------------------------------

def test_16_feed_readers_see_exactly_the_source_text(tmp_path: Path) -> None:
    import feedparser
    import lxml.html

    from paperfeed.feeds.build import Feeds
    from paperfeed.model import Links, Paper
    from paperfeed.pages.context import Context, Options
    from paperfeed.tagging import Taxonomy

    title = "Let's <think> about LLM Reasoning & <img src=x onerror=alert(1)>"
    summary = "We <think> & then answer: 3 < 4 > 2."
    paper = Paper(id="2405.15738", title=title, authors=["Ada <b>Lovelace</b>"], abstract="An abstract.",
                  ai_summary=summary, featured=[dt.date(2024, 5, 27)], links=Links(arxiv="https://arxiv.org/abs/2405.15738"))
    pages = Context([paper], Taxonomy.load(FIXTURES / "taxonomy.yml"), Options(site_name="S"))
    files = Feeds(pages, site_url="https://example.org/").files()
    def seen(detail) -> str:
        """What a reader shows of a value: HTML is rendered, plain text is shown as it is."""
        if detail.type == "text/html":
            return lxml.html.fragment_fromstring(detail.value, create_parent="div").text_content()
        return detail.value

    for name in ("feeds/papers.rss.xml", "feeds/papers.atom.xml"):
        entry = feedparser.parse(files[name].encode("utf-8")).entries[0]
        assert (seen(entry.title_detail), seen(entry.summary_detail)) == (title, summary), name
        assert [a.name for a in entry.authors] == ["Ada <b>Lovelace</b>"], name
    item = json.loads(files["feeds/papers.json"])["items"][0]
    assert (item["title"], item["summary"], item["authors"][0]["name"]) == (title, summary, "Ada <b>Lovelace</b>")


def test_17_search_results_link_only_to_pages_of_the_site(run, tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    from .siteserver import serve
    from .test_browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    where = project(tmp_path)
    run("--config", str(where / "mkdocs.yml"), "build")
    bundles = sorted((where / "site" / "search" / "d").glob("*.bin"))
    tampered = 0
    for bundle in bundles:
        fragments = json.loads(inflated(bundle.read_bytes()))
        for fragment in fragments:
            if "MyoDex" in fragment["t"]:
                fragment["u"] = "javascript:alert(document.domain)//"
                tampered += 1
            elif "HyperInterval" in fragment["t"]:
                fragment["u"] = "//evil.example/phish/"
                tampered += 1
        bundle.write_bytes(zlib.compress(json.dumps(fragments).encode("utf-8")))
    assert tampered == 2
    with serve(where / "site") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "?q=manipulation")
        page.wait_for_function("() => document.querySelector('[data-pf-search]').dataset.pfShown === 'manipulation'")
        hrefs = page.locator(".md-search-result__link[href]").evaluate_all("links => links.map(a => a.href)")
        titles = page.locator(".md-search-result__article h1").all_inner_texts()
        browser.close()
    assert hrefs and all(h.startswith(base + "papers/") for h in hrefs), hrefs
    assert not any("MyoDex" in t for t in titles) and dialogs == []


def test_18_a_corrupt_or_poisoned_build_cache_means_a_clean_build(run, tmp_path: Path) -> None:
    import pickle

    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "build")
    before = tree(where / "site")
    cache = where / ".cache" / "paperfeed" / "build.sqlite"
    assert cache.is_file()
    proof = tmp_path / "code-ran"

    class Poison:
        def __reduce__(self):
            return (Path.touch, (proof,))

    cache.write_bytes(pickle.dumps(Poison()))  # what a poisoned actions/cache entry could hold
    result = run("--config", config, "build")
    assert result.stderr.count("\n") == 1 and "cannot be read" in result.stderr  # one line says so
    assert "every paper file is read again" in result.stderr and not proof.exists()
    assert tree(where / "site") == before and "0 written" in run("--config", config, "build").stdout


# -- a second hostile pass: what an outside reviewer found after the first round -----------------------

def test_a_scraped_paper_that_learns_its_id_takes_its_notes_along(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    scrape = tmp_path / "scrape.txt"
    scrape.write_text("A Made Up Paper About Zebra Crossings\n\nAn abstract long enough to be an abstract, "
                      "about zebra crossings for robots.\n", encoding="utf-8")
    run("--config", config, "import", str(scrape), "--date", "2025-03-15")
    slug = "a-made-up-paper-about-zebra-crossings"
    note = where / "notes" / "no-id" / slug / "2025-03-16-alice.md"
    note.parent.mkdir(parents=True)
    note.write_text("---\nauthor: alice\ndate: 2025-03-16\n---\n\nNice.\n", encoding="utf-8")
    assert run("--config", config, "check").exit_code == 0
    item = {"paper": {**GOOD["paper"], "id": "2503.12345", "title": "A Made Up Paper About Zebra Crossings"}}
    run("--config", config, "import", str(write_day(tmp_path / "in", "2025-03-17", [item])))
    assert not note.exists() and (where / "notes" / "2503" / "2503.12345" / "2025-03-16-alice.md").is_file()
    assert run("--config", config, "check").exit_code == 0


def test_different_titles_that_make_one_slug_are_not_merged(run, tmp_path: Path) -> None:
    scrape = tmp_path / "scrape.txt"
    scrape.write_text("C++ Is Fast\n\nThe first abstract, which must not be lost to the second one.\n\n"
                      "C Is Fast\n\nThe second abstract, about another paper with a look-alike title.\n",
                      encoding="utf-8")
    result = run("import", str(scrape), "--date", "2025-03-15", "--papers", "papers")
    assert "'C Is Fast' would take the id 'c-is-fast' of 'C++ Is Fast'; skipped" in result.stderr
    assert "1 skipped" in result.stdout
    assert "The first abstract" in (tmp_path / "papers" / "no-id" / "c-is-fast.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("featured:\n- 2025-03-14", "featured:\n- 2107-01-01", "featured: days must be between 1991-01-01 and 2099-12-31"),
    ("\nauthors:\n- Hong Li", "\nauthors:\n- &a Hong Li\n- *a", "anchors and aliases (&name, *name) are not allowed"),
    ("published: 2023-08-15", "published: 2023-08-15\nupvotes: " + "9" * 5000, "the number 99999999999999999999… is too long"),
])
def test_values_yaml_reads_but_no_build_could_use_are_refused(run, tmp_path: Path, old: str, new: str,
                                                              message: str) -> None:
    where = broken_copy(tmp_path, old, new)
    for args in (["check"], ["build"]):
        result = run("--config", str(where / "mkdocs.yml"), *args, expect=1)
        assert message in result.output and "Traceback" not in result.output, result.output


@pytest.mark.parametrize(("front", "message"), [
    ("author: alice\ndate: 2024-02-30", "date: '2024-02-30' is not a real date"),
    ("author: alice\ndate: 2024-02-28\n1: x", "unknown key '1'"),
    ("author: alice\nauthor: mallory\ndate: 2024-02-28", "'author' appears twice"),
])
def test_a_broken_note_is_a_located_problem(run, repo: Path, front: str, message: str) -> None:
    bad = repo / "notes" / "2308" / "2308.07686" / "2024-02-28-alice.md"
    bad.write_text(f"---\n{front}\n---\n\nText.\n", encoding="utf-8")
    result = run("--config", str(repo / "mkdocs.yml"), "check", expect=1)
    assert message in result.stderr and "Traceback" not in result.output


def test_a_note_s_link_cannot_hide_its_scheme_in_entities(run, repo: Path) -> None:
    add_note(repo, "dan", 6, "[y](JaVa&#x53;cript:alert(1))")
    assert "links must be http(s); this one is JaVaScript:" in run("--config", str(repo / "mkdocs.yml"), "check",
                                                                  expect=1).stderr


def test_a_note_with_a_byte_order_mark_reads_like_any_other(run, repo: Path) -> None:
    note = add_note(repo, "dan", 6)
    note.write_bytes(b"\xef\xbb\xbf" + note.read_bytes())
    assert run("--config", str(repo / "mkdocs.yml"), "check").exit_code == 0


def test_a_cache_record_that_is_not_a_valid_paper_is_never_trusted(run, tmp_path: Path) -> None:
    import sqlite3

    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "build")
    cache = where / ".cache" / "paperfeed" / "build.sqlite"
    db = sqlite3.connect(cache)
    (key, paper), = db.execute("SELECT path, paper FROM records WHERE path LIKE '%2308.07686.md'")
    data = json.loads(paper)
    data["links"]["project"] = "javascript:alert(document.domain)"
    db.execute("UPDATE records SET paper = ? WHERE path = ?", (json.dumps(data), key))
    db.execute("UPDATE records SET derived = ? WHERE path LIKE '%2309.03130.md'",
               (json.dumps({"tags": ["x", ["../../escape"]]}),))
    db.commit()
    db.close()
    run("--config", config, "build")
    site = where / "site"
    assert "javascript:" not in (site / "papers" / "2308" / "2308.07686" / "index.html").read_text(encoding="utf-8")
    assert not (where / "escape").exists() and not (site / "escape").exists()


def test_search_words_a_cache_keeps_are_used_only_when_they_are_what_a_build_keeps(run, tmp_path: Path) -> None:
    """The build cache keeps every paper's search words as arrays (search/postings.py
    ``Words``): garbage, or arrays that do not fit together, mean the words are computed
    again, and the index is the clean build's."""
    import sqlite3

    from paperfeed.search import Words

    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "build", "--site-dir", str(tmp_path / "clean"))
    cache = where / ".cache" / "paperfeed" / "build.sqlite"
    with sqlite3.connect(cache) as db:
        (blob,), = db.execute("SELECT value FROM kept WHERE name = 'search words'")
    words = Words.loads(blob)
    twice = Words(words.vocabulary, words.papers, words.counts, words.ids.copy(), words.weights)
    twice.ids[1] = twice.ids[0]  # a paper holding one word twice: only cutting the index sees it
    for poison in (b"\x80garbage", blob[:-1], twice.dumps()):
        with sqlite3.connect(cache) as db:
            db.execute("UPDATE kept SET value = ? WHERE name = 'search words'", (poison,))
        run("--config", config, "build")
        built, clean = tree(where / "docs" / "search"), tree(tmp_path / "clean" / "search")
        assert {n: d for n, d in built.items() if n.endswith(".bin")} == \
            {n: d for n, d in clean.items() if n.endswith(".bin")}


def test_related_features_a_cache_holds_are_used_only_when_they_are_what_a_build_makes(run, tmp_path: Path) -> None:
    """A paper's related-paper features come back from the build cache as JSON: a place in
    the topic space that is not base64, or longer than the space, regions or numbers that
    are not what a build writes, are computed again, and the related lists are the clean
    build's."""
    import sqlite3

    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "build", "--site-dir", str(tmp_path / "clean"))
    cache = where / ".cache" / "paperfeed" / "build.sqlite"
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT path, derived FROM records ORDER BY path").fetchall()
        poisons = [("t", "not base64!"), ("t", "A" * 400), ("t", 7), ("t", "A" * 344), ("r", ["0", "1"]), ("r", [1 << 40, 0]),
                   ("k", [1 << 70]), ("n", [0]), ("a", "x")]
        assert len(rows) >= len(poisons)
        for (path, derived), (name, poison) in zip(rows, poisons):
            data = json.loads(derived)
            data["related"][1][name] = poison
            db.execute("UPDATE records SET derived = ? WHERE path = ?", (json.dumps(data), path))
        db.execute("DELETE FROM related")  # so every list is computed from the features
    run("--config", config, "build")
    related = {n: d for n, d in tree(where / "site" / "papers").items() if n.endswith("index.html")}
    assert related == {n: d for n, d in tree(tmp_path / "clean" / "papers").items() if n.endswith("index.html")}


def test_a_file_named_after_an_impossible_day_does_not_stop_the_others(run, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_day(inbox, "2024-05-27", [GOOD])
    write_day(inbox, "2024-02-30", [GOOD])
    (inbox / "link.json").symlink_to(inbox / "2024-05-27.json")
    result = run("import", str(inbox), "--papers", "papers", expect=1)
    assert "2024-02-30.json: the name says 2024-02-30, which is not a real day" in result.stderr
    assert "link.json: a symbolic link, not read" in result.stderr
    assert path_for(tmp_path / "papers", "2405.15738").exists()


def test_a_lookup_table_that_is_not_utf8_or_has_a_byte_order_mark(run, tmp_path: Path) -> None:
    table = tmp_path / "lookup.tsv"
    table.write_bytes("title\tarxiv_id\nCaf\xe9\t2405.15738\n".encode("latin-1"))
    assert "lookup.tsv: not UTF-8 text" in run("enrich", "--lookup", str(table), "--papers", "papers",
                                               expect=1).stderr
    table.write_bytes(b"\xef\xbb\xbftitle\tarxiv_id\nA title\t2405.15738\n")
    assert run("enrich", "--lookup", str(table), "--papers", "papers").exit_code == 0


def test_an_unknown_charset_does_not_lose_the_other_days(run, api: ApiServer, tmp_path: Path) -> None:
    body = (FIXTURES / "hf_2024-05-27.json").read_bytes()
    api.script("/api/daily_papers?date=2024-05-27", Answer(body=body, content_type="application/json; charset=idna"))
    result = fetch(run, api, "--date", "2024-05-27", expect=0)
    assert "1 new" in result.stdout


def test_check_base_reads_what_a_pull_request_cannot_hide(run, repo: Path) -> None:
    paper = repo / "papers" / "2308" / "2308.07686.md"
    paper.write_bytes(paper.read_bytes().replace(b"Boosting", b"Boost\xffing"))
    sub = git(repo, "rev-parse", "HEAD").strip()  # a submodule entry pointing at any commit
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sub},notes/2308/2308.07686/2026-11-30-mallory.md")
    err = check_pr(run, repo).stderr
    assert "2308.07686.md: cannot be read as UTF-8 text" in err or "2308.07686.md: not UTF-8 text" in err
    assert "2026-11-30-mallory.md: a submodule" in err and "Traceback" not in err


@pytest.mark.parametrize(("setting", "message"), [
    ("fetch_deadline: .nan", "is not between 1 and 21600"), ("fetch_deadline: .inf", "is not between"),
    ("timeout: -1", "is not between 0.1 and 600"), ("fetch_days: 100000000", "is not between 1 and 366"),
    ("home_days: -1", "is not between 1 and 31"), ("feed_items: 2.5", "expected a whole number"),
    ("papers: ''", "expected text"),
])
def test_a_setting_out_of_range_is_a_clear_error(run, tmp_path: Path, setting: str, message: str) -> None:
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\nextra:\n  paperfeed:\n    {setting}\n", encoding="utf-8")
    result = run("check", expect=1)
    assert message in result.output and "Traceback" not in result.output


def test_import_escapes_what_it_prints_under_github_actions(run, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "in"
    write_day(inbox, "2024-05-27", [GOOD])
    (inbox / "x\n::error file=README.md::Injected").write_text("not json {", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("import", str(inbox), "--papers", "papers", expect=1)
    assert not any(line.startswith("::") for line in result.output.splitlines())
    assert "x\\n::error file=README.md::Injected" in result.stderr


def test_check_reports_a_missing_archive(run, tmp_path: Path) -> None:
    assert "no such folder" in run("check", "--papers", str(tmp_path / "nope"), expect=1).stderr


@pytest.mark.parametrize("char", ["\U000e0041", "\u3164", "\u115f", "\u034f", "\ufe0f"])
def test_more_invisible_characters_are_neutralized(char: str) -> None:
    from paperfeed.model import clean_text, text_problem

    assert clean_text(f"a{char}b") == "ab" and text_problem(f"a{char}b") is not None
