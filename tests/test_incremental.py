"""The helpers that make dirty MkDocs builds exact (src/paperfeed/publish/incremental.py).

test_site.py proves the whole: an incremental build gives the same site as a clean one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from paperfeed.publish.incremental import output_of, remove_outputs, signature

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
