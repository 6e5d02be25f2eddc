"""One stage of a build run beside the others, on the second core.

A daily update spends seconds on the search index with one core idle, while the
related papers, the pages and the feeds wait for it, though none of them needs it:
the index reads only the papers, their tags and notes. :func:`beside` runs such a
stage in a forked process (it inherits everything, so nothing is pickled on the
way in) and hands back its value, pickled, when the build asks for it (``result``).
Where forking is not for this process (workers.py: one core, a thread running, not
Linux), or the caller would rather not (a clean build, whose stages fill every
core already), the stage runs in place, at once, as it would without this module.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from paperfeed.publish import workers

T = TypeVar("T")


class BackgroundError(Exception):
    """The process running a stage ended without handing back its value."""


class Job(Generic[T]):
    """A stage started by :func:`beside`: ``result()`` is its value, or raises what it raised."""

    def __init__(self, stage: str, function: Callable[[], T], *, fork: bool) -> None:
        self.stage = stage
        self.forked = fork
        self._process: multiprocessing.process.BaseProcess | None = None
        if not fork:
            self._value = function()
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(function, send), name=f"paperfeed: {stage}")
        self._process.start()
        send.close()  # the child's end: EOF here if the child dies

    def result(self) -> T:
        """The stage's value, once it is done."""
        if self._process is None:
            return self._value
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise BackgroundError(f"{self.stage}: its process ended without a result "
                                  f"(exit code {self._process.exitcode})") from None
        finally:
            self._receive.close()
        self._process.join()
        self._process = None
        if isinstance(value, BackgroundError):
            raise BackgroundError(f"{self.stage}: {value}")
        if not ok:
            raise value
        self._value = value
        return value

    def cancel(self) -> None:
        """Stop the stage's process, if it still runs (the build failed elsewhere)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._receive.close()
            self._process = None


def _run(function: Callable[[], object], send: Connection) -> None:
    told = ""
    try:
        outcome: tuple[bool, object] = (True, function())
    except BaseException as exc:  # noqa: BLE001 -- handed to the parent, which raises it where it asks
        outcome, told = (False, exc), traceback.format_exc()
    try:
        send.send(outcome)
    except Exception:  # noqa: BLE001 -- what does not pickle still reaches the parent, as text
        send.send((False, BackgroundError(told or f"its value cannot be handed back:\n{traceback.format_exc()}")))
    send.close()


@contextmanager
def beside(stage: str, function: Callable[[], T], *, wanted: bool = True) -> Iterator[Job[T]]:
    """Start ``function()`` (the ``stage``) in a forked process when ``wanted`` and forking is
    possible, else run it now; the block's code runs meanwhile and takes ``job.result()``.
    A block that raises stops the process."""
    job = Job(stage, function, fork=wanted and workers.can_fork())
    try:
        yield job
    except BaseException:
        job.cancel()
        raise
    job.cancel()  # a block that never asked for the value does not leave the process behind
