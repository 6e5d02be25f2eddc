"""``paperfeed build`` and ``serve``: archive → Markdown pages → MkDocs + Material → site/.

Pelican's pipeline: read and validate everything, then generate (each page
written as it is made). Nothing is written when any paper file is broken. A build redoes only what
changed since the last one: the build cache (publish/cache.py) keeps what each
paper file gave, generated pages are written only when their bytes change, and
MkDocs renders only those (publish/incremental.py). In such a build (few papers
changed), three stages that need nothing from those after them run on the other
core meanwhile (publish/background.py): asking git which files changed, while
the cache loads; the search index, while related papers, pages and feeds are
made; saving the cache, while MkDocs renders.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from paperfeed import related
from paperfeed.archive.check import Report, check
from paperfeed.config import Settings, read_mkdocs_yml
from paperfeed.feeds.build import Feeds
from paperfeed.pages import plan
from paperfeed.pages.context import Context, Options
from paperfeed.pages.paths import GENERATED
from paperfeed.pages.render import shown
from paperfeed.publish import (
    background,
    blobs,
    compact,
    incremental,
    lean,
    parallel,
    prerendered,
    sitemap,
    stages,
    workers,
)
from paperfeed.publish.cache import BuildCache
from paperfeed.publish.tree import Tree
from paperfeed.publish.workers import peak_mb
from paperfeed.tagging import Taxonomy


class BuildError(Exception):
    """The archive or the site settings stop the build; the message says where."""


@dataclass
class Generated:
    pages: int
    written: int
    deleted: int
    papers: int
    #: every generated docs path, with the key of what it shows and the file's mtime once written
    keys: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: the archive's last featured day: the site's build date
    latest: dt.date | None = None
    #: whether MkDocs rebuilt only what changed
    incremental: bool = False
    #: whether the build changed few papers, so that some stages ran on the other core (background.py)
    beside: bool = False
    #: seconds spent in each stage (``paperfeed build --timings``)
    timings: dict[str, float] = field(default_factory=dict)
    #: the process's peak memory (MB) when each stage ended
    peaks: dict[str, int] = field(default_factory=dict)
    #: what the build wants said (a build cache it could not read)
    notices: list[str] = field(default_factory=list)
    #: related papers: the lists computed in full, and the lists that changed
    related: tuple[int, int] = (0, 0)
    #: the docs paths this build wrote
    changed: frozenset[str] = frozenset()
    #: the generated pages left alone: what they show and their file are as the last build left them
    unchanged: frozenset[str] = frozenset()

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start
            self.peaks[stage] = peak_mb()


@contextmanager
def collector_paused() -> Iterator[Callable[[], None]]:
    """Python's cycle collector off while paperfeed reads the archive and makes its pages: what
    it builds holds no cycles, and at 100,000 papers each pass of the collector walks millions
    of live records (5 s of loading the build cache alone). The callable it gives turns the
    collector back on for MkDocs (whose pages hold cycles), with what the build holds by then
    frozen (``gc.freeze``): a pass would walk all of it again (4 s of a daily update), and
    none of it is garbage yet. When the block ends it is handed back to the collector, for
    ``paperfeed serve``, which builds again."""
    was = gc.isenabled()
    gc.disable()

    def resume() -> None:
        gc.freeze()
        if was:
            gc.enable()
    try:
        yield resume
    finally:
        gc.unfreeze()
        if was:
            gc.enable()


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return -1


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _read(settings: Settings, cache: BuildCache | None) -> Report:
    report = check(settings.papers_dir, settings.notes_dir, read=cache.read_entry if cache else None,
                   read_all=cache.read_all if cache else None, missing_ok=True)
    if report.problems:
        listing = "\n".join(str(p) for p in report.problems[:20])
        raise BuildError(f"{plural(len(report.problems), 'problem')} in the archive or its notes "
                         f"(run 'paperfeed check'); nothing was written:\n{listing}")
    return report


def _index(indexing: background.Job[stages.Index]) -> stages.Index:
    try:
        return indexing.result()
    except background.BackgroundError as exc:
        raise BuildError(f"{exc}; the site was left as it was: build again") from None


def _took(out: Generated, stage: str, index: stages.Index) -> stages.Index:
    out.timings[stage], out.peaks[stage] = index.seconds, index.peak
    return index


def _pages(out: Generated, settings: Settings, generator: Context, cache: BuildCache | None,
           path_of: dict[str, Path], tree: Tree, docs: Path) -> tuple[plan.Plan, dict[str, int], frozenset[str]]:
    """Find the related papers and write the pages whose bytes changed; returns the plan,
    the mtimes of the pages the last build made, and the pages left alone."""
    with out.timed("find related papers"):
        try:
            found = stages.related_lists(settings, generator, cache, path_of)
        except related.WordTableError as exc:
            raise BuildError(str(exc)) from None
        generator.related, out.related = found.lists, (found.computed, found.changed)
    with out.timed("generate the pages"):
        planned = plan.plan(generator, {i: cache.digest(path) for i, path in path_of.items()} if cache else None,
                            trending_items=settings.trending_items)
        # a page is left alone when what it shows is unchanged and nobody else wrote it since
        # (paperfeed serve regenerates docs/ without the cache)
        folder = str(docs)
        mtimes = {path: _mtime(os.path.join(folder, path)) for path, (key, _) in planned.items()
                  if key is not None and cache is not None and path in cache.pages}
        unchanged = frozenset(path for path, mtime in mtimes.items() if cache.pages[path] == (planned[path][0], mtime))
        todo = [(path, make) for path, (_, make) in planned.items() if path not in unchanged]
        for path, make in todo:
            if not path.startswith("trending/"):
                tree.put(path, make())
    with out.timed("generate the trending pages"):
        for path, make in todo:
            if path.startswith("trending/"):
                tree.put(path, make())
    return planned, mtimes, unchanged


def generate(*, settings: Settings, config_file: Path, cache: BuildCache | None = None) -> Generated:
    """Read the archive, check it, and write the generated pages, feeds and search index into docs/."""
    out = Generated(0, 0, 0, 0)
    with out.timed("read and check the archive"):
        report = _read(settings, cache)
    taxonomy_file = settings.root / settings.taxonomy
    taxonomy = Taxonomy.load(taxonomy_file)
    mkdocs = read_mkdocs_yml(config_file)
    edit = str(mkdocs.get("edit_uri") or "edit/main/").strip("/").split("/")
    options = Options(site_name=str(mkdocs.get("site_name") or "paperfeed"), home_days=settings.home_days,
                      description=str(mkdocs.get("site_description") or ""),
                      repo_url=mkdocs.get("repo_url"), branch=edit[1] if len(edit) > 1 else "main")
    site_url = str(mkdocs.get("site_url") or "")
    if not site_url.startswith(("http://", "https://")):
        raise BuildError(f"{config_file}: site_url must be the site's address (https://owner.github.io/repo/): "
                         "feeds need absolute links")
    papers = [shown(e.paper) for e in report.entries]  # what pages show: tagging never reads a 1 MB abstract
    path_of = {e.paper.id: e.path for e in report.entries}
    docs = config_file.parent / str(mkdocs.get("docs_dir") or "docs")
    try:  # before anything is written: a wrong icon in mkdocs.yml stops the build here
        assets = {lean.SPRITE: lean.sprite(mkdocs, config_file.parent), lean.PALETTE: lean.palette_script(mkdocs)}
    except lean.IconError as exc:
        raise BuildError(f"{config_file}: {exc}") from None

    # What each paper gives (its tags, its search words, its pages) is redone only when
    # its file, its notes, the taxonomy or the options changed.
    taxonomy_key = plan.digest(taxonomy_file.read_bytes() if taxonomy_file.is_file() else b"")
    with out.timed("tag the papers"):
        tags = None
        if cache is not None:
            tags = stages.tags(papers, cache, path_of, taxonomy, taxonomy_key)
        generator = Context(papers, taxonomy, options, report.notes, tags=tags)
    titles = None
    if cache is not None:
        with out.timed("the search results' titles"):
            titles = stages.titles(generator.papers, cache, path_of)
    # The index needs only the papers, their tags and notes. In a build that parsed few paper
    # files it is made on the other core, meanwhile (a clean build's stages fill every core already).
    out.beside = cache is not None and cache.parsed < min(workers.LEAST, report.papers)
    with background.beside("build the search index", lambda: stages.index_stage(
            generator, cache, path_of, taxonomy_key, docs, titles), wanted=out.beside) as indexing:
        if not indexing.forked:
            index = _took(out, "build the search index", _index(indexing))
        tree = Tree(docs)  # each page written as it is made: 100,000 pages' text is never held at once
        planned, mtimes, unchanged = _pages(out, settings, generator, cache, path_of, tree, docs)
        with out.timed("make the feeds"):
            tree.update(Feeds(generator, site_url=site_url, items=settings.feed_items,
                              digest_days=settings.digest_days, trending_items=settings.trending_items).files())
        if indexing.forked:
            with out.timed("wait for the search index"):
                index = _index(indexing)
            _took(out, "build the search index (on the other core, meanwhile)", index)
    tree.paths |= index.paths
    tree.written += index.written
    for name, value in index.kept.items():
        if cache is not None:
            cache.keep(name, value)
    tree.update(assets)
    with out.timed("remove what is stale from docs/"):
        deleted = tree.prune(owned=GENERATED, keep=unchanged)
    folder = str(docs)
    out.pages, out.written, out.deleted, out.papers = len(tree.paths) + len(unchanged), len(tree.written), \
        len(deleted), report.papers
    out.changed, out.unchanged = frozenset(tree.written), unchanged
    out.keys = {**{path: ("", 0) for path in tree.paths},
                **{path: (key, mtimes[path] if path in unchanged else _mtime(os.path.join(folder, path)))
                   if key else ("", 0) for path, (key, _) in planned.items()}}
    out.latest = generator.day_list[-1] if generator.day_list else None
    return out


def _save(cache: BuildCache) -> tuple[str | None, float, int]:
    """Save ``cache``: what went wrong, if anything (the site is built; only the next build is
    slower), the seconds it took and the peak memory by then."""
    start, notice = time.perf_counter(), None
    try:
        cache.save()
    except (OSError, sqlite3.Error) as exc:
        notice = f"the build cache could not be saved ({exc}): the next build reads everything"
    return notice, time.perf_counter() - start, peak_mb()


def _saved(generated: Generated, stage: str, saving: background.Job[tuple[str | None, float, int]]) -> None:
    try:
        notice, generated.timings[stage], generated.peaks[stage] = saving.result()
    except background.BackgroundError as exc:  # the site is built; only the next build is slower
        notice = f"the build cache could not be saved ({exc}): the next build reads everything"
    generated.notices += [notice] if notice else []


def build(*, settings: Settings, config_file: Path, strict: bool = False, site_dir: Path | None = None,
          clean: bool = False, allow_empty: bool = False, serve_url: str | None = None) -> Generated:
    """Generate the pages, then run the MkDocs build into ``site_dir``: only the pages
    that changed, when the last build's signature still holds (or everything, ``clean``).
    An archive that is missing or holds no paper is refused unless ``allow_empty``: a
    wrong ``--papers`` must not replace a good site with an empty one. ``serve_url`` is the
    local address of a preview (``paperfeed serve``), whose pages link there."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    if not allow_empty and not settings.papers_dir.is_dir():
        raise BuildError(f"{settings.papers_dir}: no such folder, so no papers: nothing was built "
                         "(check --papers or extra.paperfeed.papers; --allow-empty builds an empty site)")
    refuse_links(config_file)
    start = time.perf_counter()
    # git is asked which paper files it vouches for (a fresh checkout's are all new to their
    # stat) on the other core, while the cache loads
    with collector_paused() as resume, background.beside("ask git which files changed", functools.partial(
            blobs.tracked, settings.root), wanted=not clean) as asking:
        try:
            cache = BuildCache(settings.cache_dir / "build.sqlite", fresh=clean, root=settings.root)
        except OSError as exc:
            raise BuildError(f"{settings.cache_dir}: the build cache cannot be kept there ({exc.strerror})") from None
        cache.asked_git = None if clean else asking.result  # a clean build reads every file anyway
        loaded, peak = time.perf_counter() - start, peak_mb()
        generated = generate(settings=settings, config_file=config_file, cache=cache)
        resume()
        generated.notices += [cache.notice] if cache.notice else []
        # in the order the stages ran
        generated.timings = {"load the build cache": loaded, **generated.timings}
        generated.peaks = {"load the build cache": peak, **generated.peaks}
        if generated.papers == 0 and not allow_empty:
            raise BuildError(f"{settings.papers_dir} holds no papers: nothing was built, so the last site stays "
                             "(--allow-empty builds an empty site)")
        overrides = {"site_dir": str(site_dir)} if site_dir else {}
        try:
            config = load_config(str(config_file), strict=strict, **overrides)
        except (Abort, ConfigurationError) as exc:
            raise BuildError(f"mkdocs build failed: {exc}") from None
        if serve_url:
            config.site_url = serve_url
        site = Path(config.site_dir)
        custom = config.theme.custom_dir
        stamp = incremental.Stamp(settings.cache_dir / "build.json", incremental.signature(
            config_file=config_file, docs_dir=Path(config.docs_dir), custom_dir=Path(custom) if custom else None,
            site_dir=site, generated=GENERATED, salt=cache.salt))
        dirty = not clean and stamp.matches(site)
        # cleared before the cache is saved: a build that stops from here on is followed by a clean one
        stamp.clear()
        gone = sorted(set(cache.pages) - set(generated.keys))
        cache.pages = generated.keys
        # the cache describes docs/, which is written by now: it is saved while MkDocs renders
        with background.beside("save the build cache", functools.partial(_save, cache),
                               wanted=generated.beside) as saving:
            if not saving.forked:
                _saved(generated, "save the build cache", saving)
            prerendered.install(config)
            sitemap.install(config)
            if settings.compact:
                compact.install(config)
            if not serve_url:  # a preview serves while it builds: threads, which a fork must not copy
                parallel.install(config, changed=generated.changed if dirty else None)
                if dirty:
                    incremental.install(config, unchanged=generated.unchanged)
            try:
                with incremental.mkdocs_build_env(generated.latest), generated.timed("MkDocs: render and write"):
                    mkdocs_build(config, dirty=dirty, serve_url=serve_url)
            except (Abort, ConfigurationError) as exc:
                raise BuildError(f"mkdocs build failed: {exc}") from None
            if dirty:
                incremental.remove_outputs(site, gone, directory_urls=config.use_directory_urls)
            if saving.forked:
                with generated.timed("wait for the build cache to be saved"):
                    _saved(generated, "save the build cache (on the other core, meanwhile)", saving)
        stamp.write()
        generated.incremental = dirty
        return generated


def refuse_links(config_file: Path) -> None:
    """A build never follows a symbolic link: MkDocs would copy what one points at (a file
    from outside the repository) into the site. The archive's own folders are checked
    with the rest of the archive; here, the hand-written pages and the templates."""
    root = config_file.parent
    mkdocs = read_mkdocs_yml(config_file)
    theme = mkdocs.get("theme") if isinstance(mkdocs.get("theme"), dict) else {}
    folders = [root / str(mkdocs.get("docs_dir") or "docs")]
    if theme.get("custom_dir"):
        folders.append(root / str(theme["custom_dir"]))
    generated = {(folders[0] / g).resolve() for g in GENERATED}
    for folder in folders:
        for where, subfolders, names in os.walk(folder):
            base = Path(where)
            subfolders[:] = [d for d in subfolders if (base / d).resolve() not in generated or (base / d).is_symlink()]
            for name in subfolders + names:
                if (base / name).is_symlink():
                    raise BuildError(f"{base / name}: a symbolic link; the site is built from plain files only "
                                     "(a link could publish a file from outside the repository)")
