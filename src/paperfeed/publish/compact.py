"""Compact pages: the theme templates' indentation and blank lines go; lean pages are minified.

Material's templates are indented for the people who read them, and that
indentation is copied into every page. Removing it from the template source
once, when Jinja compiles each template, costs nothing per page. Only leading
whitespace goes: line breaks stay, so no two words or inline elements merge, and
the templates hold no ``<pre>`` or ``<textarea>`` whose text it could change.
The lines left empty by template tags go too, after rendering, outside any
``<pre>`` or ``<textarea>`` (a note's code block keeps its blank lines).

Lean pages (one per paper, day and tag month) are paid for 100,000 times: they
lose the markup only Material's script uses, which they do not load (the
drawer's toggle, the empty banner slots, the notification dialog, written by
Material's base template outside any block, and the attributes it finds the
page's parts by), and are minified with minify-html (whitespace between
blocks, attribute quotes, and the closing tags HTML lets a page leave out:
``</li>``, ``</p>``, ``</body>``; 13 MB at 100,000 papers): measured at 0.1 ms
a page for 6% of its bytes, worth it only for the pages that grow with the archive.

And while Material's search plugin is off (paperfeed's search replaces it),
the site leaves out its search scripts (lunr and its worker, 1.2 MB).

``paperfeed build`` adds the plugin to the loaded config, so ``mkdocs.yml``
stays free of paperfeed-only plugins and Zensical can still build it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import minify_html
from jinja2.ext import Extension
from mkdocs.plugins import BasePlugin

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

_INDENT = re.compile(r"^[ \t]+", re.M)
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input [^>]*type="checkbox"[^>]*?) autocomplete="off"')
_MATERIAL_SEARCH = ("assets/javascripts/lunr/", "assets/javascripts/workers/search.")
_BLANK = re.compile(r"\n[ \t]*(?=\n)")
_VERBATIM = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.S | re.I)
# Material 9.x's base.html, verbatim once blank lines are gone: what only its script uses
# (a later version that changes them only keeps these bytes). Plain text, found by str.replace.
_FOR_MATERIAL_SCRIPT = (
    '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">\n',
    '<label class="md-overlay" for="__drawer"></label>\n',
    '<div data-md-component="skip">\n</div>\n',
    '<div data-md-component="announce">\n</div>\n',
    '<div class="md-dialog" data-md-component="dialog">\n<div class="md-dialog__inner md-typeset"></div>\n</div>\n',
    *(f' data-md-component="{part}"' for part in ("header", "container", "main", "content")),
)


class Dedent(Extension):
    """A Jinja extension that strips each template line's leading whitespace before compiling."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _INDENT.sub("", source)


class CompactPlugin(BasePlugin):
    """An MkDocs plugin that adds :class:`Dedent` to the theme's Jinja environment."""

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if not {"search", "material/search"} & set(config.plugins):
            for file in [f for f in files if f.dest_uri.startswith(_MATERIAL_SEARCH)]:
                files.remove(file)
        return files

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        env.add_extension(Dedent)
        return env

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        output = drop_blank_lines(output)
        if page.meta.get("template") == "lean.html":
            for markup in _FOR_MATERIAL_SCRIPT:
                output = output.replace(markup, "", 1)
        output = valid_html(output)
        if page.meta.get("template") == "lean.html":
            output = minify_html.minify(output, keep_closing_tags=False, keep_html_and_head_opening_tags=True)
        return output


    def on_post_template(self, output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        return valid_html(output) if template_name.endswith(".html") else output


def valid_html(html: str) -> str:
    """Two things Material 9.x writes that HTML does not allow (the Nu checker's errors):
    ``autocomplete`` on its checkbox toggles (only text-like inputs take it), and an empty
    ``tabindex`` on a section's label in the navigation."""
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html, count=2).replace(' tabindex=""', "")


def drop_blank_lines(html: str) -> str:
    """``html`` without its empty lines, except inside ``<pre>`` and ``<textarea>``."""
    if "<pre" not in html and "<textarea" not in html:
        return _BLANK.sub("", html)
    parts = _VERBATIM.split(html)
    # split() gives text, then (element, tag name) pairs: only the text between is touched
    return "".join(_BLANK.sub("", part) if i % 3 == 0 else part for i, part in enumerate(parts) if i % 3 != 2)


def install(config: MkDocsConfig) -> None:
    """Register the plugin on an already loaded MkDocs config."""
    config.plugins["paperfeed/compact"] = CompactPlugin()
