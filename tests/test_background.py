"""A stage run beside the others (src/paperfeed/publish/background.py): its value, its
failures and its process; and the daily update that uses it gives the clean build's site."""

from __future__ import annotations

import os
import re
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


def test_unwanted_it_runs_in_place(can_fork: None) -> None:
    with background.beside("a stage", lambda: pid_and(7), wanted=False) as job:
        assert not job.forked
        assert job.result() == (os.getpid(), 7)


def test_where_forking_is_unsafe_it_runs_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "threading", types.SimpleNamespace(active_count=lambda: 2))  # paperfeed serve
    with background.beside("a stage", lambda: pid_and(7)) as job:
        assert not job.forked and job.result() == (os.getpid(), 7)


class Broken(Exception):
    pass


def broken() -> None:
    raise Broken("the stage's own error")


def test_what_the_stage_raises_is_raised_where_its_value_is_asked_for(can_fork: None) -> None:
    with background.beside("a stage", broken) as job:
        with pytest.raises(Broken, match="the stage's own error"):
            job.result()


def test_a_process_that_dies_is_named_in_the_error(can_fork: None) -> None:
    with background.beside("build the search index", lambda: os._exit(9)) as job:
        with pytest.raises(background.BackgroundError, match=r"build the search index: .*exit code 9"):
            job.result()


class Unpicklable(Exception):
    def __reduce__(self):  # noqa: ANN204
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
        run, tmp_path, can_fork: None) -> None:  # noqa: ANN001
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    build(run, where)
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
