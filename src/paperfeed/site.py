"""``paperfeed build`` and ``serve``: archive → Markdown pages → MkDocs + Material → site/.

Pelican's pipeline: read and validate everything, then generate, then write.
Nothing is written when any paper file is broken.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from paperfeed.archive.check import check
from paperfeed.archive.store import ArchiveError, sync_tree
from paperfeed.config import Settings, read_mkdocs_yml
from paperfeed.feeds.build import Feeds
from paperfeed.pages.generate import GENERATED, Options, Pages
from paperfeed.pages.taxonomy import Taxonomy
from paperfeed.publish import compact, prerendered


class BuildError(Exception):
    """The archive or the site settings stop the build; the message says where."""


@dataclass
class Generated:
    pages: int
    written: int
    deleted: int
    papers: int


def generate(*, settings: Settings, config_file: Path) -> Generated:
    """Read the archive, check it, and write the generated Markdown pages into docs/."""
    report = check(settings.papers_dir, settings.notes_dir)
    if report.problems:
        listing = "\n".join(str(p) for p in report.problems[:20])
        raise BuildError(f"{len(report.problems)} problems in the archive or its notes "
                         f"(run 'paperfeed check'); nothing was written:\n{listing}")
    taxonomy = Taxonomy.load(settings.root / settings.taxonomy)
    mkdocs = read_mkdocs_yml(config_file)
    edit = str(mkdocs.get("edit_uri") or "edit/main/").strip("/").split("/")
    options = Options(site_name=str(mkdocs.get("site_name") or "paperfeed"), home_days=settings.home_days,
                      repo_url=mkdocs.get("repo_url"), branch=edit[1] if len(edit) > 1 else "main")
    site_url = str(mkdocs.get("site_url") or "")
    if not site_url.startswith(("http://", "https://")):
        raise BuildError(f"{config_file}: site_url must be the site's address (https://owner.github.io/repo/): "
                         "feeds need absolute links")
    generator = Pages([e.paper for e in report.entries], taxonomy, options, report.notes)
    pages = generator.all()
    pages.update(Feeds(generator, site_url=site_url, items=settings.feed_items,
                       digest_days=settings.digest_days).files())
    docs = config_file.parent / str(mkdocs.get("docs_dir") or "docs")
    written, deleted = sync_tree(docs, pages, owned=GENERATED)
    return Generated(len(pages), written, deleted, report.papers)


def build(*, settings: Settings, config_file: Path, strict: bool = False, site_dir: Path | None = None) -> Generated:
    """Generate the pages, then run the MkDocs build into ``site_dir``."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    generated = generate(settings=settings, config_file=config_file)
    if strict and generated.papers == 0:
        # the publish job builds strictly: an empty archive must not replace a good site
        raise BuildError(f"{settings.papers_dir} holds no papers: refusing a strict build of an empty site")
    overrides = {"site_dir": str(site_dir)} if site_dir else {}
    try:
        config = load_config(str(config_file), strict=strict, **overrides)
        prerendered.install(config)
        if settings.compact:
            compact.install(config)
        mkdocs_build(config)
    except (Abort, ConfigurationError) as exc:
        raise BuildError(f"mkdocs build failed: {exc}") from None
    return generated


def serve(*, settings: Settings, config_file: Path, address: str = "127.0.0.1:8000") -> None:
    """Generate, then serve with live reload; regenerate when papers/ or the taxonomy change."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    generate(settings=settings, config_file=config_file)
    watched = [settings.papers_dir, settings.notes_dir, settings.root / settings.taxonomy]
    stop = threading.Event()

    def stamp() -> tuple:
        files = [p for w in watched for p in ([w] if w.is_file() else w.rglob("*.md") if w.is_dir() else [])]
        return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in files if p.exists()))

    def watch() -> None:
        # MkDocs watches docs/; rewriting the generated pages there triggers its reload.
        last = stamp()
        while not stop.wait(1.0):
            now = stamp()
            if now != last:
                last = now
                try:
                    generate(settings=settings, config_file=config_file)
                except (BuildError, ArchiveError) as exc:
                    print(f"paperfeed: {exc}")

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        mkdocs_serve(config_file=str(config_file), dev_addr=address, livereload=True)
    finally:
        stop.set()
