"""publish/prerendered.py: finished-HTML pages skip Markdown, and MkDocs holds none of their text
between reading them and rendering them."""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin

from paperfeed import site
from paperfeed.publish import prerendered

from .conftest import project


class _Spy(BasePlugin):
    """Keeps every page as MkDocs holds it once all are read (``on_env``), and each page's HTML
    as a template gets it."""

    def __init__(self) -> None:
        self.held: dict[str, tuple[str | None, str | None]] = {}
        self.rendered: dict[str, str] = {}

    def on_env(self, env, /, *, config, files):
        self.held = {f.src_uri: (f.page.markdown, f.page.content) for f in files.documentation_pages() if f.page}
        return env

    def on_page_context(self, context, /, *, page, config, nav):
        self.rendered[page.file.src_uri] = page.content
        return context


class _Editor(BasePlugin):
    """A plugin of a fork's mkdocs.yml that changes one page's HTML (as a hook or glightbox would)."""

    def on_page_content(self, html, /, *, page, config, files):
        return html + "<p>edited</p>" if page.file.src_uri == "papers/2308/2308.07686.md" else html


def _build_with(run, where: Path, monkeypatch, *before: BasePlugin) -> _Spy:
    spy = _Spy()
    install = prerendered.install

    def with_spy(config) -> None:
        for i, plugin in enumerate(before):  # registered as mkdocs.yml's plugins are: before paperfeed's
            config.plugins[f"fork-{i}"] = plugin
        install(config)
        config.plugins["spy"] = spy

    monkeypatch.setattr(prerendered, "install", with_spy)
    monkeypatch.setattr(site.parallel, "install", lambda config, **kw: None)  # one process: the spy sees every page
    run("--config", str(where / "mkdocs.yml"), "build")
    return spy


def test_pages_are_read_again_when_rendered_not_held(run, tmp_path: Path, monkeypatch) -> None:
    where = project(tmp_path)
    spy = _build_with(run, where, monkeypatch)
    paper = "papers/2308/2308.07686.md"
    assert spy.held[paper] == ("", "")  # neither its Markdown nor its HTML waits in memory
    assert spy.held["about.md"][1]  # a hand-written page is MkDocs' own business
    body = (where / "docs" / paper).read_text(encoding="utf-8").split("\n---\n", 1)[1].strip()
    assert spy.rendered[paper] == body and "<h2 id=\"abstract\">" in body
    html = (where / "site" / "papers" / "2308" / "2308.07686" / "index.html").read_text(encoding="utf-8")
    assert "pf-abstract" in html


def test_a_page_another_plugin_changed_keeps_its_html(run, tmp_path: Path, monkeypatch) -> None:
    where = project(tmp_path)
    spy = _build_with(run, where, monkeypatch, _Editor())
    paper = "papers/2308/2308.07686.md"
    assert spy.held[paper][1].endswith("<p>edited</p>") and spy.rendered[paper].endswith("<p>edited</p>")
    assert spy.held["papers/2309/2309.03130.md"] == ("", "")  # the others are let go of as before
    html = (where / "site" / "papers" / "2308" / "2308.07686" / "index.html").read_text(encoding="utf-8")
    assert "<p>edited</article>" in html  # minified: </p> may be left out
