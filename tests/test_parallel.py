"""Work on every core (src/paperfeed/publish/workers.py and parallel.py): the same bytes
as one process, and a worker's failure fails the build.

The bundled archive is far below the sizes where a build forks, so these tests lower
the thresholds, and count forks to be sure the workers ran."""

from __future__ import annotations

import os
import shutil
import types
from pathlib import Path

import pytest

from paperfeed.publish import parallel, workers

from .conftest import project, tree


def square(n: int, offset: int) -> int:
    return n * n + offset


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fork on any machine the tests run on, and count the forks."""
    counted: list[int] = []
    real = os.fork

    def fork() -> int:
        counted.append(1)
        return real()

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    # pytest's own helpers may hold a thread: these tests fork regardless
    calm = types.SimpleNamespace(active_count=lambda: 1)
    monkeypatch.setattr(workers, "threading", calm)
    monkeypatch.setattr(parallel, "threading", calm)
    monkeypatch.setattr(workers, "LEAST", 1)
    monkeypatch.setattr(parallel, "LEAST", 1)
    return counted


def test_map_all_gives_what_a_loop_gives(forks: list[int]) -> None:
    items = list(range(1, 1001))
    assert workers.map_all(square, items, 7, least=10) == [square(n, 7) for n in items]
    assert forks  # it did run in processes
    assert workers.map_all(square, [3], 1, least=10) == [10]  # few: a plain loop


def test_pages_rendered_on_every_core_are_the_pages_of_one_process(run, tmp_path: Path,
                                                                    forks: list[int]) -> None:
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "build", "--strict", "--clean", "--site-dir", str(tmp_path / "parallel"))
    assert len(forks) >= 2  # the per-paper work and the pages
    monkeypatch_workers = pytest.MonkeyPatch()
    monkeypatch_workers.setattr(workers, "cores", lambda: 1)
    try:
        shutil.rmtree(where / ".cache")
        run("--config", config, "build", "--strict", "--clean", "--site-dir", str(tmp_path / "serial"))
    finally:
        monkeypatch_workers.undo()
    one, many = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert sorted(one) == sorted(many)
    assert [name for name in one if one[name] != many[name]] == []


def in_workers(monkeypatch: pytest.MonkeyPatch, action) -> None:  # noqa: ANN001
    """Run ``action()`` before each page a forked worker (not the parent) renders."""
    real, parent = parallel._build_page, os.getpid()

    def build_page(page, *args, **kwargs) -> None:  # noqa: ANN001
        if os.getpid() != parent:
            action()
        real(page, *args, **kwargs)

    monkeypatch.setattr(parallel, "_build_page", build_page)


def broken_template() -> None:
    raise RuntimeError("a template that breaks")


def test_a_worker_that_fails_fails_the_build(run, tmp_path: Path, forks: list[int],
                                             monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    where = project(tmp_path)
    in_workers(monkeypatch, broken_template)
    result = run("--config", str(where / "mkdocs.yml"), "build", "--clean", expect=1)
    assert "mkdocs build failed" in result.output
    assert "1 of the processes rendering pages failed" in caplog.text  # MkDocs logs it as the error


def test_a_workers_warning_fails_a_strict_build(run, tmp_path: Path, forks: list[int],
                                                monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    where = project(tmp_path)
    in_workers(monkeypatch, lambda: logging.getLogger("mkdocs.test").warning("a page a worker renders warns"))
    config = str(where / "mkdocs.yml")
    run("--config", config, "build", "--clean")  # not strict: a warning is only a warning
    assert "processes rendering pages logged warnings" in caplog.text
    result = run("--config", config, "build", "--clean", "--strict", expect=1)
    assert "mkdocs build failed" in result.output
