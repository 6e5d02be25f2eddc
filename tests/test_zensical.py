"""The same project builds with Zensical, Material's successor, which reads the same mkdocs.yml.

Material 9.x reaches its end of life in 2027; a fork must be able to switch
builders without rewriting its site. Zensical does not run paperfeed's in-process
plugins (they only make pages smaller and builds faster), so the pages it builds
are the plain Markdown rendering of the same generated files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from .conftest import project

ZENSICAL = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")


@pytest.mark.skipif(ZENSICAL is None, reason="zensical is not installed (pip install -e '.[test]' installs it)")
def test_zensical_builds_the_generated_site(run, tmp_path: Path) -> None:
    where = project(tmp_path)
    config = str(where / "mkdocs.yml")
    run("--config", config, "build")  # generates docs/ (and builds with MkDocs)
    shutil.rmtree(where / "site")
    done = subprocess.run([ZENSICAL, "build", "--config-file", config], cwd=where, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    site = where / "site"
    home = lxml.html.fromstring((site / "index.html").read_bytes())
    assert len(home.xpath('//article[@class="pf-card"]')) == 51
    paper = lxml.html.fromstring((site / "papers" / "2308" / "2308.07686" / "index.html").read_bytes())
    assert paper.xpath("//h1")[0].text_content().startswith("Boosting Multi-modal Model Performance")
    assert (site / "tags" / "robotics" / "index.html").exists() and (site / "archive" / "index.html").exists()
    # the template overrides apply: paperfeed's search box, no api.github.com lookups
    assert home.xpath('//div[@class="md-search"][@data-pf-search]')
    assert not home.xpath('//*[@data-md-component="source"]')
    # the feeds are copied, and every page still names them for autodiscovery
    feeds = home.xpath('//head/link[@rel="alternate"]/@href')
    assert len(feeds) == 4 and all((site / href).is_file() for href in feeds)
    assert (site / "feeds" / "index.html").exists() and (site / "feeds" / "tags.opml").exists()
    # lean pages (template: lean.html) and the search index and its script
    uses = paper.xpath("//header//*[local-name()='use']/@href")
    assert uses and all(u.split("#")[0].endswith("assets/paperfeed/icons.svg") for u in uses)
    assert (site / "assets" / "paperfeed" / "icons.svg").is_file() and (site / "search" / "index.bin").is_file()
    assert paper.xpath('//div[@data-pf-search]') and paper.xpath('//script[contains(@src, "search.js")]')
    assert [a.text for a in paper.xpath('//nav[@class="md-tabs"]//a')][:4] == ["Today", "Trending", "Archive", "Tags"]
