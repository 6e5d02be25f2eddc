"""The helpers that make dirty MkDocs builds exact (src/paperfeed/publish/incremental.py).

test_site.py proves the whole: an incremental build gives the same site as a clean one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from paperfeed.publish.incremental import OnlyChanged, output_of, remove_outputs, signature

from .conftest import ROOT


def test_output_of() -> None:
    assert output_of("papers/2405/2405.1.md", directory_urls=True) == "papers/2405/2405.1/index.html"
    assert output_of("index.md", directory_urls=True) == "index.html"
    assert output_of("tags/agents/index.md", directory_urls=True) == "tags/agents/index.html"
    assert output_of("papers/2405/2405.1.md", directory_urls=False) == "papers/2405/2405.1.html"
    assert output_of("search/t/ab.bin", directory_urls=True) == "search/t/ab.bin"


def test_remove_outputs_and_their_empty_folders(tmp_path: Path) -> None:
    page = tmp_path / "papers" / "no-id" / "a-title" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("x")
    (tmp_path / "papers" / "2405").mkdir()
    assert remove_outputs(tmp_path, ["papers/no-id/a-title.md", "papers/gone.md"], directory_urls=True) == 1
    assert not (tmp_path / "papers" / "no-id").exists() and (tmp_path / "papers" / "2405").exists()


def test_the_signature_covers_what_shapes_every_page_but_not_generated_pages(tmp_path: Path) -> None:
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("papers", "search", "days"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")

    def sign() -> str:
        return signature(config_file=tmp_path / "mkdocs.yml", docs_dir=tmp_path / "docs",
                         custom_dir=tmp_path / "overrides", site_dir=tmp_path / "site",
                         generated=("papers", "index.md"), salt="v1")

    first = sign()
    (tmp_path / "docs" / "papers").mkdir()
    (tmp_path / "docs" / "papers" / "x.md").write_text("a generated page")
    (tmp_path / "docs" / "index.md").write_text("the generated home page")
    assert sign() == first
    for change in (tmp_path / "docs" / "about.md", tmp_path / "overrides" / "lean.html", tmp_path / "mkdocs.yml"):
        old = change.read_bytes()
        change.write_bytes(old + b"\n")
        assert sign() != first, change
        change.write_bytes(old)
    assert sign() == first


def test_a_dirty_build_shows_mkdocs_only_the_generated_pages_that_changed(tmp_path: Path) -> None:
    """MkDocs' page loops see the hand-written pages, the generated pages paperfeed did not leave
    alone and those whose HTML is missing; every file stays in the list, so links to the others
    resolve."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nnav:\n  - about.md\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    names = ["about.md", "index.md", "papers/2401/2401.1.md", "papers/2401/2401.2.md", "days/2024-01-02.md",
             "search/t/ab.bin"]
    files = Files([File(n, config.docs_dir, config.site_dir, config.use_directory_urls) for n in names])
    for name in ("index.html", "papers/2401/2401.1/index.html", "days/2024-01-02/index.html"):
        (Path(config.site_dir) / name).parent.mkdir(parents=True, exist_ok=True)
        (Path(config.site_dir) / name).write_text("built", encoding="utf-8")
    plugin = OnlyChanged(unchanged=frozenset({"index.md", "papers/2401/2401.1.md", "papers/2401/2401.2.md"}))
    seen = plugin.on_files(files, config=config)
    # home and 2401.1 unchanged and built: hidden; 2401.2 has no HTML: shown; the day was made again
    # (written now, or found rewritten by someone else); about is hand-written
    assert [f.src_uri for f in seen.documentation_pages()] == ["about.md", "papers/2401/2401.2.md",
                                                              "days/2024-01-02.md"]
    assert seen.get_file_from_path("papers/2401/2401.1.md") is not None and len(seen) == len(names)
    config.nav = None  # a nav made from the files lists every page: nothing is hidden
    assert len(plugin.on_files(files, config=config).documentation_pages()) == 5
