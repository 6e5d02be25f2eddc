"""The site's sitemap: an index of parts, each within the sitemaps protocol's limits.

MkDocs writes one ``sitemap.xml`` with every page, which breaks the protocol's
50,000-URL limit past about 43,000 papers. After the build this plugin writes
``sitemaps/1.xml``, ``sitemaps/2.xml``… (``PART`` URLs each, in the order of the
site's files) and makes ``sitemap.xml`` their index (and ``sitemap.xml.gz`` its
gzip, with no time in its header, as MkDocs writes one). No ``<lastmod>``: a
build date says nothing about a page. Parts are rewritten only when their bytes
change, so an incremental build leaves the others alone.

A site at a domain root (a custom domain, ``owner.github.io``) also gets a
``robots.txt`` that points crawlers at the index; under a sub-path, where
crawlers never look for one, it gets none.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from mkdocs.plugins import BasePlugin

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

#: URLs per part (the protocol allows 50,000 and 50 MB; a part of 40,000 is about 3 MB).
PART = 40_000
FOLDER = "sitemaps"
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(urls: list[str]) -> str:
    items = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_NS}">\n{items}</urlset>\n'


def index(parts: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>\n" for u in parts)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_NS}">\n{items}</sitemapindex>\n'


def files_for(site_url: str, urls: list[str], *, part: int = PART) -> dict[str, bytes]:
    """Every sitemap file of a site whose pages are ``urls`` (absolute), by path in the site."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    chunks = [urls[i:i + part] for i in range(0, len(urls), part)] or [[base]]
    out = {f"{FOLDER}/{n}.xml": urlset(chunk).encode("utf-8") for n, chunk in enumerate(chunks, start=1)}
    out["sitemap.xml"] = index([f"{base}{FOLDER}/{n}.xml" for n in range(1, len(chunks) + 1)]).encode("utf-8")
    out["sitemap.xml.gz"] = gzip.compress(out["sitemap.xml"], mtime=0)
    if urlsplit(base).path in ("", "/"):
        out["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n".encode()
    return out


class SitemapPlugin(BasePlugin):
    """Replace MkDocs' single sitemap with an index and its parts."""

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self.files = files
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site_url = config.site_url or ""
        if not site_url:
            return
        base = site_url if site_url.endswith("/") else site_url + "/"
        urls = [f.page.canonical_url if f.page is not None and f.page.canonical_url else base + f.url.removeprefix("./")
                for f in self.files if f.is_documentation_page()]
        site = Path(config.site_dir)
        wanted = files_for(base, urls)
        for rel, data in wanted.items():
            path = site / rel
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        for old in (site / FOLDER).glob("*.xml"):
            if f"{FOLDER}/{old.name}" not in wanted:
                old.unlink()


def install(config: MkDocsConfig) -> None:
    """Register the plugin on an already loaded MkDocs config."""
    config.plugins["paperfeed/sitemap"] = SitemapPlugin()
