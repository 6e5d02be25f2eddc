"""Skip Markdown for generated pages whose body is already finished HTML.

A paper page without notes is nothing but HTML blocks separated by blank lines
(``prerendered: true`` in its front matter). Python-Markdown passes such blocks
through unchanged, but only after parsing every one of
them with its HTML block extractor, and Material's search plugin parses the
result again to index it: at 10,000 papers those two passes were a third of the
build. For these pages this plugin skips Markdown and hands MkDocs the same HTML,
and adds the page to Material's search index as one entry of title and text.

``paperfeed build`` adds the plugin to the loaded config; MkDocs or Zensical
building ``mkdocs.yml`` directly convert the same blocks to the same HTML (a test
compares the two builds byte for byte).
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING, Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.toc import get_toc

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_ID = re.compile(r'\sid="([^"]+)"')
_TAG = re.compile(r"<[^>]*>")
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_MATH = re.compile(r"<math\b.*?</math>", re.S)


def as_markdown_would(body: str) -> str:
    """The HTML Python-Markdown makes of HTML blocks separated by blank lines: the same text."""
    return body.strip()


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, escaped again as Material's search index expects."""
    # MathML reads as its symbols run together; drop the markup but keep the letters
    text = html.unescape(_TAG.sub(" ", _MATH.sub(lambda m: _TAG.sub("", m.group(0)), fragment)))
    return html.escape(" ".join(text.split()), quote=False)


def _render(page: Page, body: str, config: MkDocsConfig, files: Files) -> None:
    """What ``Page.render`` leaves on a page whose body is finished HTML."""
    page.content = as_markdown_would(body)
    page.toc = get_toc([])
    page.present_anchor_ids = set(_ID.findall(body))


class PrerenderedPlugin(BasePlugin):
    """Pass ``prerendered`` pages' HTML straight through; index them in one cheap entry."""

    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}
        self.indexed: set[str] = set()

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.meta.get("prerendered") is not True:
            return markdown
        search = page.meta.get("search") or {}
        # Material's search would parse the page again; on_page_context indexes it instead
        self.bodies[page.file.src_uri] = markdown
        if not search.get("exclude"):
            self.indexed.add(page.file.src_uri)
        page.meta["search"] = {**search, "exclude": True}
        # Page.render would build a new Markdown instance with every extension for this page
        # (a tenth of a 10,000-paper build) only to return the HTML unchanged.
        page.render = functools.partial(_render, page, markdown)  # type: ignore[method-assign]
        return markdown

    def on_page_context(self, context: dict[str, Any], /, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        body = self.bodies.pop(page.file.src_uri, None)
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        wanted = page.file.src_uri in self.indexed
        if body is not None and wanted and index is not None and hasattr(index, "entries"):
            title = _H1.search(body)
            index.entries.append({"location": page.url,
                                  "title": plain_text(title.group(1)) if title else html.escape(page.title or ""),
                                  "text": plain_text(_H1.sub("", body, count=1))})
        return context


def install(config: MkDocsConfig) -> None:
    """Register the plugin on an already loaded MkDocs config."""
    config.plugins["paperfeed/prerendered"] = PrerenderedPlugin()
