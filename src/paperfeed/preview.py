"""``paperfeed serve``: the site built and served on this machine, rebuilt as you edit.

MkDocs' live-reload server, with paperfeed's build as its builder: one build at
a time, in the server's own build loop, so generating the pages and rendering
them never race (MkDocs' own ``serve`` rebuilt while paperfeed was still
writing docs/, and stopped on a file half the search index had just replaced).
It watches the archive, the notes, the taxonomy, the settings, the hand-written
pages and the templates; a build redoes only what changed, with a build cache
of its own (``.cache/paperfeed/serve``), so the published build's stays as it was.
The site is served where ``site_url`` puts it (``/paperfeed/`` for
``https://owner.github.io/paperfeed/``), and says so.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from paperfeed.archive.store import ArchiveError
from paperfeed.config import Settings, read_mkdocs_yml
from paperfeed.site import BuildError, build


def address(dev_addr: str, site_url: str) -> tuple[str, int, str]:
    """Host, port and the URL the site is served at: ``site_url``'s path on ``dev_addr``."""
    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise BuildError(f"--dev-addr {dev_addr!r}: give HOST:PORT, such as 127.0.0.1:8000")
    path = urlsplit(site_url or "/").path or "/"
    path = path if path.endswith("/") else path + "/"
    return host, int(port), f"http://{host}:{port}{path}"


def serve(*, settings: Settings, config_file: Path, dev_addr: str = "127.0.0.1:8000",
          say: Callable[[str], None] = print) -> None:
    """Build, serve, and build again whenever a watched file changes, until Ctrl+C."""
    from mkdocs.livereload import LiveReloadServer

    mkdocs = read_mkdocs_yml(config_file)
    host, port, url = address(dev_addr, str(mkdocs.get("site_url") or ""))
    settings = dataclasses.replace(settings, cache=f"{settings.cache}/serve")
    site_dir = Path(tempfile.mkdtemp(prefix="paperfeed-serve-"))

    def builder() -> None:
        start = time.perf_counter()
        say(f"paperfeed: building the site from {settings.papers_dir} …")
        try:
            done = build(settings=settings, config_file=config_file, site_dir=site_dir, serve_url=url,
                         allow_empty=True)
        except (BuildError, ArchiveError) as exc:  # keep serving the last good site until the next save
            say(f"paperfeed: {exc}")
            return
        say(f"paperfeed: {done.papers:,} papers → {done.pages:,} pages ({done.written:,} written) in "
            f"{time.perf_counter() - start:.1f} s; serving on {url}")

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir),
                              mount_path=urlsplit(url).path)
    server.error_handler = lambda code: (site_dir / "404.html").read_bytes() \
        if code == 404 and (site_dir / "404.html").is_file() else None
    try:
        builder()
        docs = config_file.parent / str(mkdocs.get("docs_dir") or "docs")
        theme = mkdocs.get("theme") if isinstance(mkdocs.get("theme"), dict) else {}
        watched = [settings.papers_dir, settings.notes_dir, settings.root / settings.taxonomy, config_file, docs]
        watched += [config_file.parent / str(theme["custom_dir"])] if theme.get("custom_dir") else []
        for path in watched:
            if path.exists():
                server.watch(str(path))
        say(f"paperfeed: serving on {url} (it rebuilds when papers, notes, taxonomy or pages change; "
            "Ctrl+C stops)")
        try:
            server.serve()
        except KeyboardInterrupt:
            say("paperfeed: stopped")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
