"""Render the site's pages on every core.

MkDocs renders one page after another: at 100,000 papers, more than half of a clean
build is Jinja filling Material's templates and minify-html shrinking the result, one
core busy and the other idle. Once every page is read (the ``env`` event, after
which MkDocs only renders and writes), this plugin forks one process per other core;
each renders its share of the pages (every n-th, so the shares are alike) with the
very same state and writes them, while MkDocs' own loop renders the rest and skips
the shares through an empty template (MkDocs writes nothing for empty output). Every
page is rendered exactly as a single process would render it; a test compares the
two builds byte for byte.

A worker's failure or warning fails the build as MkDocs' would (its messages are
printed as it logs them; ``--strict`` counts its warnings). ``paperfeed serve`` and
other threaded callers render in one process: forking a process with threads is not
safe.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from typing import TYPE_CHECKING

from jinja2 import ChoiceLoader, DictLoader, Environment
from mkdocs.commands.build import _build_page
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from paperfeed.publish import workers as _workers

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation

#: The template MkDocs' loop renders for pages a worker renders: nothing, so it writes nothing.
SKIP = "paperfeed/rendered-elsewhere.html"
#: What MkDocs logs for such a page.
SKIPPED = "Page skipped: "
#: A worker's exit status when it logged warnings.
WARNED = 3
#: Fewer pages than this are rendered in one process: a fork costs more than they take.
LEAST = 500
#: Processes rendering at most: each touches (so copies) much of the parent's memory, and a
#: runner with many cores rarely has memory to match.
MAX_WORKERS = 4

log = logging.getLogger("mkdocs.plugins.paperfeed.parallel")


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(SKIPPED)


class ParallelPlugin(BasePlugin):
    """Fork workers that render a share of the pages each."""

    def __init__(self, *, changed: frozenset[str] | None, workers: int) -> None:
        self.changed = changed
        self.workers = workers
        self.nav: Navigation | None = None
        self.children: list[int] = []
        self._quiet = _Quiet()

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    @event_priority(-100)  # after every other plugin has shaped the environment
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        env.loader = ChoiceLoader([DictLoader({SKIP: ""}), env.loader])
        doc_files = files.documentation_pages()
        # a dirty build renders the pages paperfeed wrote (and hand-written ones that changed, which
        # MkDocs' loop finds): asking each of 100,000 files its mtime would cost more than it saves
        todo = [f for f in doc_files if self.changed is None or f.src_uri in self.changed]
        if self.workers < 2 or len(todo) < LEAST or threading.active_count() > 1 or self.nav is None:
            return env
        sys.stdout.flush()
        sys.stderr.flush()
        for worker in range(1, self.workers):
            share = todo[worker::self.workers]
            pid = os.fork()
            if pid == 0:  # the worker: render its share, then leave without running MkDocs' rest
                os._exit(_render(share, config, doc_files, self.nav, env))
            self.children.append(pid)
            for file in share:
                assert file.page is not None
                file.page.meta["template"] = SKIP
        logging.getLogger("mkdocs.commands.build").addFilter(self._quiet)
        return env

    @event_priority(100)  # before anything that reads the site
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        failed, warned = self._wait()
        if failed:
            raise PluginError(f"{failed} of the processes rendering pages failed (see the messages above)")
        if warned:
            log.warning("the processes rendering pages logged warnings (see the messages above)")

    def on_build_error(self, *, error: Exception) -> None:
        self._wait()

    def _wait(self) -> tuple[int, int]:
        failed = warned = 0
        for pid in self.children:
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
            failed += code not in (0, WARNED)
            warned += code == WARNED
        self.children = []
        logging.getLogger("mkdocs.commands.build").removeFilter(self._quiet)
        return failed, warned


def _render(share: list[File], config: MkDocsConfig, doc_files: list[File], nav: Navigation,
            env: Environment) -> int:
    """A worker's life: render and write ``share``; its exit status."""
    counter = _Count()
    logging.getLogger("mkdocs").addHandler(counter)
    try:
        for file in share:
            assert file.page is not None
            _build_page(file.page, config, doc_files, nav, env, dirty=False, excluded=file.inclusion.is_excluded())
        status = WARNED if counter.count else 0
    except BaseException:  # noqa: BLE001 - reported, then the worker's status fails the build
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return status


def install(config: MkDocsConfig, *, changed: frozenset[str] | None, workers: int | None = None) -> None:
    """Register the plugin on an already loaded MkDocs config: ``changed``, the docs paths a
    dirty build must render (None: a clean build renders every page)."""
    workers = workers or min(_workers.cores(), MAX_WORKERS)
    config.plugins["paperfeed/parallel"] = ParallelPlugin(changed=changed, workers=workers)
