"""Skip Markdown for generated pages whose body is already finished HTML.

A paper page without notes is nothing but HTML blocks separated by blank lines
(``prerendered: true`` in its front matter). Python-Markdown passes such blocks
through unchanged, but only after parsing every one of them with its HTML
block extractor, and building a Markdown instance with every extension for the
page: at 10,000 papers that was a third of the build. For these pages this
plugin skips Markdown and hands MkDocs the same HTML.

``paperfeed build`` adds the plugin to the loaded config; MkDocs or Zensical
building ``mkdocs.yml`` directly convert the same blocks to the same HTML (a test
compares the two builds byte for byte).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin
from mkdocs.structure.toc import get_toc

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_ID = re.compile(r'\sid="([^"]+)"')


def as_markdown_would(body: str) -> str:
    """The HTML Python-Markdown makes of HTML blocks separated by blank lines: the same text."""
    return body.strip()


def _render(page: Page, body: str, config: MkDocsConfig, files: Files) -> None:
    """What ``Page.render`` leaves on a page whose body is finished HTML."""
    page.content = as_markdown_would(body)
    page.toc = get_toc([])
    page.present_anchor_ids = set(_ID.findall(body))


class PrerenderedPlugin(BasePlugin):
    """Pass ``prerendered`` pages' HTML straight through."""

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.meta.get("prerendered") is True:
            page.render = functools.partial(_render, page, markdown)  # type: ignore[method-assign]
        return markdown


def install(config: MkDocsConfig) -> None:
    """Register the plugin on an already loaded MkDocs config."""
    config.plugins["paperfeed/prerendered"] = PrerenderedPlugin()
