"""Community notes on the site: under a paper's abstract, counted on its cards, and the
"Recently annotated" page. Notes arrive as files under notes/ (see archive/notes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import escape

from paperfeed.archive import notes as notes_mod
from paperfeed.archive.notes import Note
from paperfeed.pages import render as r
from paperfeed.pages.paths import ANNOTATED, paper_md, rel
from paperfeed.pages.render import front_matter

if TYPE_CHECKING:
    from paperfeed.pages.context import Context

PAGE = ANNOTATED
RECENT = 50
#: The new note's name and front matter, filled into GitHub's editor by the page's script
#: (assets/paperfeed/search.js, ``NOTE_QUERY``): every paper's page would pay 125 bytes
#: for them (12 MB at 100,000 papers). Without the script the editor opens in the right
#: folder, and the contributing guide says what to write.
FILENAME = "YYYY-MM-DD-your-github-handle.md"
TEMPLATE = "---\nauthor: your-github-handle\ndate: YYYY-MM-DD\n---\n\n"


def add_note_url(repo_url: str | None, branch: str, paper_id: str) -> str | None:
    """GitHub's "create a new file" editor, in this paper's notes folder (the page's script
    adds ``note_query``)."""
    if not repo_url or "github.com" not in repo_url:
        return None
    folder = "notes/" + notes_mod.note_dir(paper_id)
    return f"{repo_url.rstrip('/')}/new/{quote(branch)}/{quote(folder)}"


def note_query() -> dict[str, str]:
    """What the page's script adds to the "Add a note" link: the file's name and template."""
    return {"filename": FILENAME, "value": TEMPLATE}


def note_html(note: Note) -> str:
    who = escape(note.author)
    return (f'<section class="pf-note" id="{note.anchor}">\n<p class="pf-note__meta">'
            f'<a href="https://github.com/{who}">@{who}</a> · <time datetime="{note.date.isoformat()}">'
            f'{note.date.isoformat()}</time></p>\n<div class="pf-note__body">{notes_mod.render(note.body)}</div>\n'
            "</section>\n\n")


def notes_section(notes: list[Note], add_url: str | None) -> str:
    """The Notes section of a paper page: each note, and the "Add a note" link."""
    out = [f'<h2 id="notes">Notes ({len(notes)})</h2>\n\n' if notes else '<h2 id="notes">Notes</h2>\n\n']
    out += [note_html(n) for n in notes]
    if not notes:
        out.append("<p>No notes yet.</p>\n\n")
    if add_url:
        out.append(f'<p class="pf-add-note"><a href="{escape(add_url)}">Add a note</a> (a pull request on '
                   "GitHub)</p>\n\n")
    return "".join(out)


def recent_page(ctx: Context) -> str:
    """The latest notes, newest first, each with its paper."""
    by_id = {p.id: p for p in ctx.papers}
    latest = sorted((n for ns in ctx.notes.values() for n in ns),
                    key=lambda n: (n.date, n.author.lower(), n.paper_id), reverse=True)[:RECENT]
    out = [front_matter("Recently annotated", description="The latest notes readers added to papers, newest first."),
           "<h1>Recently annotated</h1>\n\n",
           "<p>The latest notes readers added to papers, newest first. Add yours from any paper page.</p>\n\n"]
    if not latest:
        out.append("<p>No notes yet.</p>\n")
    items = []
    for note in latest:
        paper = by_id[note.paper_id]
        href = rel(PAGE, paper_md(paper.id))
        plain = escape(r.excerpt(r.visible_text(notes_mod.render(note.body)), 240))
        items.append(f'<li><a href="{href}#{note.anchor}">{ctx.title(paper)}</a> '
                     f'<small>@{escape(note.author)} · {note.date.isoformat()}</small>'
                     f"<br>{plain}</li>\n")
    if items:
        out.append('<ul class="pf-rows">\n' + "".join(items) + "</ul>\n")
    return "".join(out)
