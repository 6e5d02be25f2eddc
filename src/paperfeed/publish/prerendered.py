"""Skip Markdown for generated pages whose body is already finished HTML.

A paper page without notes is nothing but HTML blocks separated by blank lines
(``prerendered: true`` in its front matter). Python-Markdown passes such blocks
through unchanged, but only after parsing every one of them with its HTML
block extractor, and building a Markdown instance with every extension for the
page: at 10,000 papers that was a third of the build. For these pages this
plugin skips Markdown and hands MkDocs the same HTML.

MkDocs reads every page before it renders the first, and keeps each page's
Markdown and HTML to the end: at 100,000 papers, gigabytes. Once every other
plugin has seen a prerendered page's HTML (``on_page_content``), this plugin lets
go of both and reads the HTML again from the file when the page is rendered, when
the HTML is the file's text: a page another plugin changed keeps its HTML.

``paperfeed build`` adds the plugin to the loaded config; MkDocs or Zensical
building ``mkdocs.yml`` directly convert the same blocks to the same HTML (a test
compares the two builds byte for byte).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

_ID = re.compile(r'\sid="([^"]+)"')


def as_markdown_would(body: str) -> str:
    """The HTML Python-Markdown makes of HTML blocks separated by blank lines: the same text."""
    return body.strip()


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    """What ``Page.render`` leaves on a page whose body is finished HTML."""
    body = page.markdown or ""  # as every plugin's on_page_markdown left it
    page.content = as_markdown_would(body)
    page.toc = get_toc([])
    page.present_anchor_ids = set(_ID.findall(body))
    del page.render  # Page.render again
    # the page's HTML is its file's text only if the Markdown this plugin saw as read is still the page's
    setattr(page, _AS_READ, getattr(page, _AS_READ, None) is page.markdown)


#: Set on a prerendered page: the Markdown as MkDocs read it, if no plugin changed it before this
#: one's turn; then whether the HTML is exactly the file's text.
_AS_READ = "_paperfeed_as_read"
#: Set on the pages whose HTML is read again from their file when they are rendered.
_LATER = "_paperfeed_html_later"


class PrerenderedPlugin(BasePlugin):
    """Pass ``prerendered`` pages' HTML straight through."""

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.meta.get("prerendered") is True:
            page.render = functools.partial(_render, page)  # type: ignore[method-assign]
            # MkDocs sets page.markdown only after every plugin's turn: the same object is the file's
            # text as read (unless a plugin supplied another source)
            untouched = markdown is page.markdown and not config.plugins.events.get("page_read_source")
            setattr(page, _AS_READ, markdown if untouched else None)
        return markdown

    @event_priority(-100)  # after every other plugin has seen the HTML
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # let go only of HTML that is the file's text: a page another plugin changed (its source, its
        # Markdown or its HTML: macros, a hook) keeps its HTML in memory, as MkDocs would
        if page.meta.get("prerendered") is True and getattr(page, _AS_READ, False) is True and html is page.content:
            setattr(page, _LATER, True)
            page.markdown = ""
            return ""
        return html

    @event_priority(100)  # before any other plugin reads the page
    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        if getattr(page, _LATER, False):
            # as MkDocs read it: the file's text after its front matter (which it parsed as a mapping
            # the first time, as page.meta shows: not parsed again, YAML would cost more than the rest)
            text = page.file.content_string
            found = meta.YAML_RE.match(text)
            page.content = as_markdown_would(text[found.end():].lstrip("\n") if found else text)
        return context

    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if getattr(page, _LATER, False):
            page.content = ""
        return output


def install(config: MkDocsConfig) -> None:
    """Register the plugin on an already loaded MkDocs config."""
    config.plugins["paperfeed/prerendered"] = PrerenderedPlugin()
