"""The search page: where author links lead, and what the search box understands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperfeed.pages.paths import ARCHIVE, SEARCH, TAGS, rel
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.pages.context import Context


def search_page(ctx: Context) -> str:
    here = SEARCH
    return "".join([
        front_matter("Search", description=f"Search the {len(ctx.papers):,} papers of the archive by words, "
                     "author, tag and year."),
        "<h1>Search</h1>\n\n",
        f"<p>The box at the top of every page searches all {len(ctx.papers):,} papers: press <kbd>/</kbd> or "
        "select it, and type.</p>\n\n",
        "<ul>\n<li>Words find the papers that have all of them, in their title, authors, tags, abstract or notes; "
        "titles count most. The word being typed also finds longer words it begins.</li>\n"
        '<li><code>author:"Jane Doe"</code> finds the papers of exactly that author: the whole name, whatever '
        "its case and accents. Every author's name on a paper's page links to such a search. Add words to "
        'search within that author\'s papers: <code>author:"Jane Doe" diffusion</code>.</li>\n'
        "<li>The tag and year menus keep only the papers of one tag or year.</li>\n"
        "<li>A search's address (<code>?q=…</code>) can be shared and bookmarked.</li>\n</ul>\n\n",
        f'<noscript><p>Searching needs JavaScript. Without it, browse the papers <a href="{rel(here, ARCHIVE)}">'
        f'by day</a> or <a href="{rel(here, TAGS)}">by tag</a>.</p></noscript>\n'])
