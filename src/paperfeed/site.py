"""``paperfeed build`` and ``serve``: archive → Markdown pages → MkDocs + Material → site/.

Pelican's pipeline: read and validate everything, then generate (each page
written as it is made). Nothing is written when any paper file is broken. A build redoes only what
changed since the last one: the build cache (publish/cache.py) keeps what each
paper file gave, generated pages are written only when their bytes change, and
MkDocs renders only those (publish/incremental.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from paperfeed import related, search
from paperfeed.archive.check import Report, check
from paperfeed.publish.tree import Tree
from paperfeed.config import Settings, read_mkdocs_yml
from paperfeed.model import Paper
from paperfeed.feeds.build import Feeds
from paperfeed.pages import plan
from paperfeed.pages.context import Context, Options
from paperfeed.pages.paths import GENERATED
from paperfeed.pages.render import shown
from paperfeed.tagging import Taxonomy
from paperfeed.publish import compact, incremental, lean, parallel, prerendered, sitemap, workers
from paperfeed.publish.cache import BuildCache


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


def peak_mb() -> int:
    """This process's peak memory so far, in MB (0 where the system does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak >> 20 if sys.platform == "darwin" else peak >> 10  # bytes on macOS, KB elsewhere


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


_WORDS = "search words"
_BUNDLES = "search result files"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _slugs(value: object) -> bool:
    """Tags as a cache may hand them back: slugs, which become file names."""
    return isinstance(value, list) and all(isinstance(v, str) and len(v) <= 64 and _SLUG.fullmatch(v) for v in value)


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _features(value: object) -> bool:
    """Related-paper features as a cache may hand them back (related/vectors.py): checked for
    every paper of every build, so plain loops, not sets."""
    if type(value) is not dict:
        return False
    keys, weights, authors, topic, places = value.get("k"), value.get("n"), value.get("a"), value.get("t"), \
        value.get("r", [])
    if not (type(keys) is list and type(weights) is list and type(authors) is list and type(places) is list
            and type(topic) is str and type(value.get("d")) is str and len(keys) == len(weights) <= 64
            and len(authors) <= 64 and len(places) <= 8 and _BASE64.fullmatch(topic)
            and len(topic) // 4 * 3 - topic.count("=", -2) <= related.DIMS):
        return False
    for number in keys + authors:
        if type(number) is not int or not -1 << 63 <= number < 1 << 63:
            return False
    for weight in weights:
        if type(weight) is not int or not 0 < weight <= 1000:
            return False
    return all(type(r) is int and -1 <= r < 1 << 15 for r in places)


def _features_of(paper: Paper, table: related.WordTable) -> dict:
    return related.features(paper, table, authors=related.AUTHORS_COMPARED)


def _tags_of(paper: Paper, taxonomy: Taxonomy) -> list[str]:
    return taxonomy.tags_for(paper)


def _impacts_of(doc: search.Doc, _: None) -> list[str]:
    return search.packed(doc)


def _packed(docs: list[search.Doc]) -> list[list[str]]:
    return workers.map_all(_impacts_of, docs, None)


def _search_index(indexed: list[search.Doc], ctx: Context, cache: BuildCache | None, path_of: dict[str, Path],
                  taxonomy_key: str, docs: Path) -> dict[str, str | bytes]:
    """The search index's files. With a cache, only the papers whose file, tags or notes
    changed have their words computed, and only the result files they are in are made;
    the others come from what the last build kept."""
    tags = search.tag_names(ctx)
    if cache is None:
        words = search.gather(indexed, [""] * len(indexed), kept=None, compute=_packed)
        return search.build(indexed, tags, words=words)
    keys = [plan.digest(cache.digest(path_of[d.paper.id]), taxonomy_key, d.tags, d.notes) for d in indexed]
    kept = cache.take(_WORDS)
    bundles = search.Bundles.loads(docs, cache.take(_BUNDLES))
    try:
        words = search.gather(indexed, keys, kept=search.Words.loads(kept) if kept else None, compute=_packed)
        files = search.build(indexed, tags, words=words, bundles=bundles)
    except ValueError:  # kept words that are not what a build keeps: every paper's words computed again
        words = search.gather(indexed, keys, kept=None, compute=_packed)
        bundles = search.Bundles(docs)
        files = search.build(indexed, tags, words=words, bundles=bundles)
    cache.keep(_WORDS, words.dumps())
    cache.keep(_BUNDLES, bundles.dumps())
    return files


def _title_of(paper: Paper, _: None) -> str:
    return search.title_text(paper)


def _text(value: object) -> bool:
    """A result's title as a cache may hand it back: text, which the search box shows as text."""
    return isinstance(value, str)


def _related(settings: Settings, ctx: Context, cache: BuildCache | None, path_of: dict[str, Path]) -> related.Outcome:
    """Each paper's related papers: in a build with its cache, only what the day changed."""
    try:
        table = related.WordTable.load(settings.root / settings.related_words) if settings.related_words \
            else related.WordTable.default()
    except related.WordTableError as exc:
        raise BuildError(str(exc)) from None

    key = (table.digest, related.AUTHORS_COMPARED)
    features_of = None
    if cache is not None:
        found = dict(zip((p.id for p in ctx.papers), cache.derive_all(
            "related", ((path_of[p.id], key, p) for p in ctx.papers), _features_of, table, valid=_features)))

        def features_of(paper: Paper) -> dict:
            return found[paper.id]

    return related.find(ctx.papers, ctx.tags, tag_order=[t.slug for t in ctx.taxonomy.tags], k=settings.related,
                        table=table, features_of=features_of, state=cache)


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
            tags = dict(zip((p.id for p in papers), cache.derive_all(
                "tags", ((path_of[p.id], taxonomy_key, p) for p in papers), _tags_of, taxonomy, valid=_slugs)))
        generator = Context(papers, taxonomy, options, report.notes, tags=tags)
    with out.timed("find related papers"):
        found = _related(settings, generator, cache, path_of)
        generator.related, out.related = found.lists, (found.computed, found.changed)
    with out.timed("generate the pages"):
        planned = plan.plan(generator, {p.id: cache.digest(path_of[p.id]) for p in papers} if cache else None,
                            trending_items=settings.trending_items)
        # a page is left alone when what it shows is unchanged and nobody else wrote it since
        # (paperfeed serve regenerates docs/ without the cache)
        folder = str(docs)
        mtimes = {path: _mtime(os.path.join(folder, path)) for path, (key, _) in planned.items()
                  if key is not None and cache is not None and path in cache.pages}
        unchanged = frozenset(path for path, mtime in mtimes.items() if cache.pages[path] == (planned[path][0], mtime))
        todo = [(path, make) for path, (_, make) in planned.items() if path not in unchanged]
        tree = Tree(docs)  # each page written as it is made: 100,000 pages' text is never held at once
        for path, make in todo:
            if not path.startswith("trending/"):
                tree.put(path, make())
    with out.timed("generate the trending pages"):
        for path, make in todo:
            if path.startswith("trending/"):
                tree.put(path, make())

    with out.timed("make the feeds"):
        tree.update(Feeds(generator, site_url=site_url, items=settings.feed_items, digest_days=settings.digest_days,
                           trending_items=settings.trending_items).files())
    with out.timed("build the search index"):
        titles = None
        if cache is not None:  # typesetting 100,000 titles' math is a second of every build
            titles = dict(zip((p.id for p in generator.papers), cache.derive_all(
                "title", ((path_of[p.id], "", p) for p in generator.papers), _title_of, None, valid=_text)))
        indexed = search.order(search.documents(generator, titles=titles))
        tree.update(_search_index(indexed, generator, cache, path_of, taxonomy_key, docs))
    tree.update(assets)
    with out.timed("remove what is stale from docs/"):
        deleted = tree.prune(owned=GENERATED, keep=unchanged)
    out.pages, out.written, out.deleted, out.papers = len(tree.paths) + len(unchanged), len(tree.written), \
        len(deleted), report.papers
    out.changed, out.unchanged = frozenset(tree.written), unchanged
    out.keys = {**{path: ("", 0) for path in tree.paths},
                **{path: (key, mtimes[path] if path in unchanged else _mtime(os.path.join(folder, path)))
                   if key else ("", 0) for path, (key, _) in planned.items()}}
    out.latest = generator.day_list[-1] if generator.day_list else None
    return out


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
    with collector_paused() as resume:
        try:
            cache = BuildCache(settings.cache_dir / "build.sqlite", fresh=clean, root=settings.root)
        except OSError as exc:
            raise BuildError(f"{settings.cache_dir}: the build cache cannot be kept there ({exc.strerror})") from None
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
            if serve_url:
                config.site_url = serve_url
            site = Path(config.site_dir)
            custom = config.theme.custom_dir
            stamp = incremental.Stamp(settings.cache_dir / "build.json", incremental.signature(
                config_file=config_file, docs_dir=Path(config.docs_dir), custom_dir=Path(custom) if custom else None,
                site_dir=site, generated=GENERATED, salt=cache.salt))
            dirty = not clean and stamp.matches(site)
            stamp.clear()
            prerendered.install(config)
            sitemap.install(config)
            if settings.compact:
                compact.install(config)
            if not serve_url:  # a preview serves while it builds: threads, which a fork must not copy
                parallel.install(config, changed=generated.changed if dirty else None)
                if dirty:
                    incremental.install(config, unchanged=generated.unchanged)
            with incremental.mkdocs_build_env(generated.latest), generated.timed("MkDocs: render and write"):
                mkdocs_build(config, dirty=dirty, serve_url=serve_url)
        except (Abort, ConfigurationError) as exc:
            raise BuildError(f"mkdocs build failed: {exc}") from None
        if dirty:
            gone = set(cache.pages) - set(generated.keys)
            incremental.remove_outputs(site, sorted(gone), directory_urls=config.use_directory_urls)
        cache.pages = generated.keys
        with generated.timed("save the build cache"):
            try:
                cache.save()
            except (OSError, sqlite3.Error) as exc:  # the site is built; only the next build is slower
                generated.notices.append(f"the build cache could not be saved ({exc}): the next build reads everything")
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
