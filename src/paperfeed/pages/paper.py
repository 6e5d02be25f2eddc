"""A paper's page: the paper, its AI summary and abstract, its notes, related papers and a citation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import escape

from paperfeed.pages import annotations, latex
from paperfeed.pages import render as r
from paperfeed.pages.paths import day_md, paper_md, rel
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.model import Paper
    from paperfeed.pages.context import Context


def paper_page(ctx: Context, paper: Paper) -> str:
    here = paper_md(paper.id)
    days = ", ".join(f'<a href="{rel(here, day_md(d))}">{d.isoformat()}</a>' for d in paper.featured)
    facts = [f"Published on arXiv {paper.published.isoformat()}" if paper.published else "",
             f"Featured {days}" if paper.featured else "",
             f"▲ {paper.upvotes} upvote{'s' if paper.upvotes != 1 else ''}" if paper.upvotes is not None else "",
             str(escape(paper.organization)) if paper.organization else "",
             str(r.submitter(paper, linked=True)),
             str(escape(" · ".join(paper.categories))) if paper.categories else ""]
    out = [front_matter(paper.title, description=r.excerpt(latex.plain(paper.abstract or paper.title), 150),
                        feeds="none"),
           f'<header class="pf-paper">\n<h1>{ctx.title(paper)}</h1>\n'
           f'<p class="pf-paper__authors">{r.authors_full(paper)}</p>\n'
           f'<p class="pf-paper__facts">{" · ".join(f for f in facts if f)}</p>\n'
           f'<p class="pf-paper__links">{r.paper_links(paper)}</p>\n'
           f'<p class="pf-card__tags">{ctx.tag_chips(paper, here)}</p>\n</header>\n\n']
    # the summary first, as the cards show it
    if paper.ai_summary:
        out.append(f'<h2 id="ai-summary">AI summary</h2>\n\n<div class="pf-summary">\n'
                   f'<p>{r.rich_text(paper.ai_summary)}</p>\n</div>\n\n')
    if paper.abstract:
        out.append(f'<h2 id="abstract">Abstract</h2>\n\n<div class="pf-abstract">\n'
                   f'<p>{r.rich_text(paper.abstract)}</p>\n</div>\n\n')
    out.append(annotations.notes_section(ctx.notes.get(paper.id, []), annotations.add_note_url(
        ctx.options.repo_url, ctx.options.branch, paper.id)))
    out.append(ctx.related_rows(paper, here))
    # Plain <pre>: no Pygments spans (they double the block's bytes and fail contrast checks).
    out.append(f'<h2 id="cite">Cite</h2>\n\n<pre class="pf-bibtex"><code>{escape(r.bibtex(paper))}</code></pre>\n')
    return "".join(out)
