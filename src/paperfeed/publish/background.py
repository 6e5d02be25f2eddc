"""One stage of a build run beside the others, on the second core.

A daily update spends seconds on the search index with one core idle, while the
related papers, the pages and the feeds wait for it, though none of them needs it:
the index reads only the papers, their tags and notes. :func:`beside` runs such a
stage in a forked process (it inherits everything, so nothing is pickled on the
way in) and hands back its value, pickled, when the build asks for it (``result``).
Where forking is not for this process (workers.py: one core, a thread running, not
Linux), or the caller would rather not (a clean build, whose stages fill every
core already), the stage runs in place when its value is first asked for, as it
would without this module.

A stage's process forks no workers of its own (``workers.can_fork`` is false in it),
so stopping it stops all of its work; its failure reaches the parent as the
exception it raised or, when that cannot cross, as a :class:`BackgroundError`
holding its traceback.
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

from paperfeed.publish import workers

T = TypeVar("T")
#: How long a stopped stage may take to end before it is killed.
_GRACE = 5.0
#: The parent's ends of the pipes of the stages running: a child closes the copies it inherits,
#: so that it learns of the parent's death from its own end of the pipe.
_OPEN: set[Connection] = set()


class BackgroundError(Exception):
    """The process running a stage ended without handing back its value."""


class Job(Generic[T]):
    """A stage started by :func:`beside`: ``result()`` is its value, or raises what it raised."""

    def __init__(self, stage: str, function: Callable[[], T], *, fork: bool) -> None:
        self.stage = stage
        self.forked = fork
        self._function: Callable[[], T] | None = function
        self._process: multiprocessing.process.BaseProcess | None = None
        if not fork:
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(function, send), name=f"paperfeed: {stage}")
        self._process.start()
        send.close()  # the child's end: only the child holds it now
        _OPEN.add(self._receive)
        self._function = None

    def result(self) -> T:
        """The stage's value, once it is done (run now, when it runs in place)."""
        if self._function is not None:  # in place: run when first asked for
            function, self._function = self._function, None
            self._value = function()
        if self._process is None:
            return self._value
        process, self._process = self._process, None
        try:
            # the pipe, or the process's end: a child that dies without a word must not hang the build
            wait([self._receive, process.sentinel])
            if not self._receive.poll():
                raise EOFError
            ok, value = self._receive.recv()
        except EOFError:
            process.join()
            raise BackgroundError(f"{self.stage}: its process ended without a result "
                                  f"(exit code {process.exitcode})") from None
        except (OSError, TypeError, pickle.UnpicklingError) as exc:
            process.join()
            raise BackgroundError(f"{self.stage}: its result could not be read ({type(exc).__name__}: {exc}; "
                                  f"exit code {process.exitcode})") from None
        finally:
            _OPEN.discard(self._receive)
            self._receive.close()
        process.join()
        if isinstance(value, BackgroundError):
            raise BackgroundError(f"{self.stage}: {value}")
        if not ok:
            raise value
        self._value = value
        return value

    def cancel(self) -> None:
        """Stop the stage, if it still runs (the build failed elsewhere), or never start it."""
        self._function = None
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        process.join(_GRACE)
        if process.exitcode is None:
            process.kill()
            process.join()
        _OPEN.discard(self._receive)
        self._receive.close()


def _run(function: Callable[[], object], send: Connection) -> None:
    for inherited in list(_OPEN):  # other stages' pipes: the parent's, not this process's
        inherited.close()
    _OPEN.clear()
    workers.IN_STAGE = True  # no workers of its own: stopping this process stops all its work
    told = ""
    try:
        outcome: tuple[bool, object] = (True, function())
    except BaseException as exc:  # noqa: BLE001 -- handed to the parent, which raises it where it asks
        outcome, told = (False, exc), traceback.format_exc()
        try:  # an exception whose class pickles but does not unpickle (arguments of its own) goes as text
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001
            outcome = (False, BackgroundError(told))
    try:
        send.send(outcome)
    except OSError:  # the parent is gone: nobody to tell
        return
    except Exception:  # noqa: BLE001 -- what does not pickle still reaches the parent, as text
        try:
            send.send((False, BackgroundError(told or f"its value cannot be handed back:\n{traceback.format_exc()}")))
        except OSError:
            return
    send.close()


@contextmanager
def beside(stage: str, function: Callable[[], T], *, wanted: bool = True) -> Iterator[Job[T]]:
    """Start ``function()`` (the ``stage``) in a forked process when ``wanted`` and forking is
    possible, else leave it to run in place when ``job.result()`` is first called; the block's
    code runs meanwhile. However the block ends, a stage still running is stopped."""
    job = Job(stage, function, fork=wanted and workers.can_fork())
    try:
        yield job
    finally:
        job.cancel()
