"""A stage run beside the others (src/paperfeed/publish/background.py): its value, its
failures and its process; and the daily update that uses it gives the clean build's site."""

from __future__ import annotations

import os
import re
import signal
import time
import types

import pytest

from paperfeed.publish import background, workers

from .conftest import project, tree
from .test_site import NEW_PAPER, build


@pytest.fixture
def can_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork on any machine the tests run on (one core, or pytest's helpers holding a thread)."""
    monkeypatch.setattr(workers, "cores", lambda: 2)
    monkeypatch.setattr(workers, "threading", types.SimpleNamespace(active_count=lambda: 1))


def pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value


def test_the_value_comes_from_another_process(can_fork: None) -> None:
    with background.beside("a stage", lambda: pid_and(42)) as job:
        assert job.forked
        pid, value = job.result()
    assert value == 42 and pid != os.getpid()


def test_unwanted_it_runs_in_place_when_its_value_is_asked_for(can_fork: None) -> None:
    ran: list[int] = []
    with background.beside("a stage", lambda: ran.append(1) or pid_and(7), wanted=False) as job:
        assert not job.forked and ran == []
        assert job.result() == (os.getpid(), 7) and ran == [1]
    with background.beside("a stage never asked for", lambda: ran.append(2), wanted=False):
        pass
    assert ran == [1]


def test_a_stage_forks_no_workers_of_its_own(can_fork: None) -> None:
    with background.beside("a stage", workers.can_fork) as job:
        assert job.result() is False
    assert workers.can_fork()


def test_where_forking_is_unsafe_it_runs_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "threading", types.SimpleNamespace(active_count=lambda: 2))  # paperfeed serve
    with background.beside("a stage", lambda: pid_and(7)) as job:
        assert not job.forked and job.result() == (os.getpid(), 7)


class Broken(Exception):
    pass


def broken() -> None:
    raise Broken("the stage's own error")


def test_what_the_stage_raises_is_raised_where_its_value_is_asked_for(can_fork: None) -> None:
    with background.beside("a stage", broken) as job, pytest.raises(Broken, match="the stage's own error"):
        job.result()


def test_a_process_that_dies_is_named_in_the_error(can_fork: None) -> None:
    with background.beside("build the search index", lambda: os._exit(9)) as job:
        with pytest.raises(background.BackgroundError, match=r"build the search index: .*exit code 9"):
            job.result()


class TwoArguments(Exception):
    """Pickles, but does not unpickle (as ArchiveError): its own __init__ wants two arguments."""

    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where}: {why}")


def two_arguments() -> None:
    raise TwoArguments("papers/2401/x.md", "no title")


def test_an_error_that_does_not_unpickle_reaches_the_parent_as_text(can_fork: None) -> None:
    with background.beside("a stage", two_arguments) as job:
        with pytest.raises(background.BackgroundError, match=r"(?s)a stage: .*TwoArguments: papers/2401/x.md: no title"):
            job.result()


def stubborn() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(60)


def test_a_stage_that_ignores_being_stopped_is_killed(can_fork: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_GRACE", 0.5)
    start = time.monotonic()
    with background.beside("a stage", stubborn) as job:
        process = job._process
        time.sleep(0.3)  # it has ignored SIGTERM by now
    assert process is not None and not process.is_alive() and time.monotonic() - start < 10


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not this one")


def unpicklable() -> None:
    raise Unpicklable("held a socket")


def test_an_error_that_does_not_pickle_still_reaches_the_parent_as_text(can_fork: None) -> None:
    with background.beside("a stage", unpicklable) as job:
        with pytest.raises(background.BackgroundError, match="Unpicklable: held a socket"):
            job.result()


def test_a_build_that_fails_meanwhile_stops_the_process(can_fork: None) -> None:
    with pytest.raises(RuntimeError, match="elsewhere"):
        with background.beside("a stage", lambda: time.sleep(60)) as job:
            process = job._process
            raise RuntimeError("the build failed elsewhere")
    assert process is not None and not process.is_alive()


def test_a_daily_update_indexes_and_saves_on_the_other_core_and_gives_the_clean_site(
        run, tmp_path, can_fork: None) -> None:
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    first = run("--config", config, "build", "--strict", "--timings").output
    assert "clean build" in first and "meanwhile" not in first  # every file parsed: stages in place
    (where / "papers" / "2503").mkdir(exist_ok=True)
    (where / "papers" / "2503" / "2503.99999.md").write_text(NEW_PAPER, encoding="utf-8")
    result = run("--config", config, "build", "--strict", "--timings")
    assert re.search(r"build the search index \(on the other core, meanwhile\)", result.output), result.output
    assert re.search(r"save the build cache \(on the other core, meanwhile\)", result.output), result.output
    search = where / "docs" / "search" / "index.bin"
    assert search.is_file() and (where / "site" / "search" / "index.bin").read_bytes() == search.read_bytes()
    # the next build finds what the other core saved: nothing changed, nothing written
    assert "(0 written" in run("--config", config, "build", "--strict").output
    run("--config", config, "build", "--strict", "--clean", "--site-dir", str(tmp_path / "clean"))
    daily, clean = tree(where / "site"), tree(tmp_path / "clean")
    assert [name for name in sorted(set(clean) | set(daily)) if daily.get(name) != clean.get(name)] == []


def test_a_search_index_whose_process_dies_fails_the_build_cleanly(run, tmp_path, can_fork: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from paperfeed.publish import stages

    where = project(tmp_path)
    build(run, where)
    (where / "papers" / "2503").mkdir(exist_ok=True)
    (where / "papers" / "2503" / "2503.99999.md").write_text(NEW_PAPER, encoding="utf-8")
    monkeypatch.setattr(stages, "index_stage", lambda *args: os._exit(3))  # killed, say, for memory
    result = build(run, where, expect=1)
    assert "build the search index: its process ended without a result (exit code 3)" in result.output
    assert "Traceback" not in result.output
    monkeypatch.undo()
    assert "only what changed rebuilt" in build(run, where).output  # the next build mends it


def test_a_lost_cache_save_or_git_answer_costs_only_time(run, tmp_path, can_fork: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from paperfeed import site
    from paperfeed.publish import blobs

    where = project(tmp_path)
    build(run, where)
    monkeypatch.setattr(site, "_save", lambda cache: os._exit(4))
    monkeypatch.setattr(blobs, "tracked", lambda folder: os._exit(5))
    (where / "papers" / "2503").mkdir(exist_ok=True)
    (where / "papers" / "2503" / "2503.99999.md").write_text(NEW_PAPER, encoding="utf-8")
    result = build(run, where)
    assert "note: the build cache could not be saved (save the build cache: its process ended" in result.output
    assert (where / "site" / "days" / "2025-03-15" / "index.html").is_file()


def test_the_cache_is_saved_only_once_the_stamp_says_the_site_may_be_half_built(
        run, tmp_path, can_fork: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build stopped after the cache is saved must be followed by a clean MkDocs build:
    the saved cache calls the pages it wrote unchanged, which a dirty build would then skip."""
    from paperfeed.publish.cache import BuildCache

    where = project(tmp_path)
    build(run, where)
    stamp = where / ".cache" / "paperfeed" / "build.json"
    assert stamp.is_file()
    seen = tmp_path / "stamp-when-saved"  # the save may run in another process: it tells through a file
    real = BuildCache.save

    def save(self: BuildCache) -> None:
        seen.write_text(str(stamp.exists()))
        real(self)

    monkeypatch.setattr(BuildCache, "save", save)
    build(run, where)
    assert seen.read_text() == "False" and stamp.is_file()
