"""What the lean pages load instead of carrying it (src/paperfeed/publish/lean.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from paperfeed.config import read_mkdocs_yml
from paperfeed.publish.lean import IconError, palette_script, palettes, sprite, wanted

from .conftest import ROOT


def test_the_sprite_holds_the_configured_icons() -> None:
    config = read_mkdocs_yml(ROOT / "mkdocs.yml")
    svg = etree.fromstring(sprite(config, ROOT).encode())
    symbols = {s.get("id"): s for s in svg.iter("{http://www.w3.org/2000/svg}symbol")}
    assert set(symbols) == {"logo", "search", "previous", "close", "palette-0", "palette-1"}
    assert all(s.get("viewBox") and len(s) for s in symbols.values())


def test_an_icon_keeps_its_own_box_and_attribution() -> None:
    config = {"theme": {"icon": {"logo": "fontawesome/brands/git-alt"}}}
    logo = etree.fromstring(sprite(config, ROOT).encode()).find("{http://www.w3.org/2000/svg}symbol[@id='logo']")
    assert logo.get("viewBox") == "0 0 448 512"  # Font Awesome's own box is kept
    assert "Font Awesome Free" in etree.tostring(logo).decode()  # and its attribution


def test_a_forks_own_icons_come_first(tmp_path: Path) -> None:
    icons = tmp_path / "overrides" / ".icons" / "mine"
    icons.mkdir(parents=True)
    (icons / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="5"/></svg>')
    config = {"theme": {"name": "material", "custom_dir": "overrides", "icon": {"logo": "mine/logo"}}}
    assert wanted(config)["logo"] == "mine/logo"
    assert '<symbol id="logo" viewBox="0 0 10 10"><circle r="5"/></symbol>' in sprite(config, tmp_path)


def test_an_unknown_icon_is_named() -> None:
    with pytest.raises(IconError, match="'material/no-such-icon' \\(for search\\) not found"):
        sprite({"theme": {"icon": {"search": "material/no-such-icon"}}}, ROOT)


def test_the_palette_script_carries_the_sites_palettes() -> None:
    config = read_mkdocs_yml(ROOT / "mkdocs.yml")
    assert palettes(config) == [["(prefers-color-scheme: light)", "default", "indigo", "indigo", "Dark mode"],
                                ["(prefers-color-scheme: dark)", "slate", "indigo", "indigo", "Light mode"]]
    script = palette_script(config)
    assert '[["(prefers-color-scheme: light)","default"' in script and "/* PALETTES */" not in script
    hostile = {"theme": {"palette": [{"scheme": "x", "toggle": {"name": "</script><script>alert(1)"}}]}}
    assert "</script>" not in palette_script(hostile)  # a name cannot end the script it sits in
    assert palettes({"theme": {"palette": {"scheme": "slate"}}}) == []  # a single palette: no toggle
