"""Per-paper work of a big build on every core.

A clean build tags, places and indexes every paper, each on its own: pure functions
of one paper, a tenth of a millisecond or more each, so 100,000 papers keep one core
busy for a minute. Here they run in forked processes, a slice of the list each: a
child inherits the list and what the function needs (nothing is pickled on the way
in), and sends back only the values, in order, so the result is the same as a loop's.

Small batches (a daily build's), a machine with one core, or a process that already
runs threads (``paperfeed serve``; forking those is unsafe) take the plain loop.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
S = TypeVar("S")

#: Below this many items, starting processes costs more than it saves.
LEAST = 2_000
#: Slices per process: some papers take longer than others, so no process waits long for another.
SLICES = 4

#: Set in a stage's own process (background.py), which forks no workers of its own.
IN_STAGE = False
_job: tuple[Callable[[Any, Any], Any], Sequence[Any], Any] | None = None


def cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def peak_mb() -> int:
    """This process's peak memory so far, in MB (0 where the system does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak >> 20 if sys.platform == "darwin" else peak >> 10  # bytes on macOS, KB elsewhere


def can_fork() -> bool:
    """Whether work may go to forked processes here: a second core, Linux (fork is its
    default and its copy-on-write makes it cheap), no thread running (forking those is
    unsafe), and not inside a daemonic process (which may have no children) or a stage run
    beside the build (stopping it must stop all of its work)."""
    return (cores() >= 2 and threading.active_count() == 1 and sys.platform == "linux"
            and not multiprocessing.current_process().daemon and not IN_STAGE)


def _slice(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None  # set before the fork
    function, items, shared = _job
    return [function(item, shared) for item in items[bounds[0]:bounds[1]]]


def map_all(function: Callable[[T, S], Any], items: Sequence[T], shared: S, *, least: int | None = None) -> list[Any]:
    """``[function(item, shared) for item in items]``, on every core when ``items`` are many
    (``least``, by default ``LEAST``). ``function`` must be a module-level function whose
    values pickle."""
    global _job
    workers = min(cores(), 8)
    if len(items) < (LEAST if least is None else least) or not can_fork():
        return [function(item, shared) for item in items]
    step = -(-len(items) // (workers * SLICES))
    bounds = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]
    _job = (function, items, shared)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [value for part in pool.map(_slice, bounds) for value in part]
    finally:
        _job = None
