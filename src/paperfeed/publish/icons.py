"""The header's icons as one SVG sprite, for the lean pages (``overrides/lean.html``).

Material inlines every icon's SVG into every page: about 4.5 KB a page, which at
100,000 papers is 450 MB of the 1 GB GitHub Pages allows. Lean pages instead
point at the icons in one cached file (``<use href="…/icons.svg#search">``).
The sprite is made from the icons ``mkdocs.yml`` chooses (``theme.icon``, the
palette toggles), looked up where Material looks: the custom_dir's ``.icons``
first, then Material's own, so a fork's icon choices show on lean pages too.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

#: Where the sprite goes, under docs/ (and so in the site).
SPRITE = "assets/paperfeed/icons.svg"

_SVG = re.compile(r"<svg\b([^>]*)>(.*)</svg>\s*$", re.S)
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')


class IconError(Exception):
    """An icon that ``mkdocs.yml`` names cannot be found."""


def wanted(mkdocs: dict[str, Any]) -> dict[str, str]:
    """Symbol id → icon name, with Material's defaults."""
    theme = mkdocs.get("theme") if isinstance(mkdocs.get("theme"), dict) else {}
    icon = theme.get("icon") or {}
    names = {"logo": icon.get("logo") or "material/library",
             "search": icon.get("search") or "material/magnify",
             "previous": icon.get("previous") or "material/arrow-left",
             "close": icon.get("close") or "material/close",
             "repo": icon.get("repo") or "fontawesome/brands/git-alt"}
    palette = theme.get("palette")
    for i, option in enumerate(palette if isinstance(palette, list) else []):
        toggle = option.get("toggle") if isinstance(option, dict) else None
        if isinstance(toggle, dict) and toggle.get("icon"):
            names[f"palette-{i}"] = str(toggle["icon"])
    return names


def _folders(mkdocs: dict[str, Any], root: Path) -> list[Path]:
    theme = mkdocs.get("theme") if isinstance(mkdocs.get("theme"), dict) else {}
    custom = [root / str(theme["custom_dir"]) / ".icons"] if theme.get("custom_dir") else []
    return [*custom, Path(str(resources.files("material") / "templates" / ".icons"))]


def sprite(mkdocs: dict[str, Any], root: Path) -> str:
    """The sprite: one ``<symbol>`` per icon, keeping each icon's own viewBox (and
    its license comment: Font Awesome's icons ask for attribution)."""
    folders = _folders(mkdocs, root)
    symbols = []
    for symbol, name in wanted(mkdocs).items():
        path = next((f / f"{name}.svg" for f in folders if (f / f"{name}.svg").is_file()), None)
        if path is None:
            raise IconError(f"icon {name!r} (for {symbol}) not found in {', '.join(map(str, folders))}")
        match = _SVG.search(path.read_text(encoding="utf-8"))
        box = _VIEWBOX.search(match.group(1)) if match else None
        if not match or not box:
            raise IconError(f"{path}: not an SVG icon with a viewBox")
        symbols.append(f'<symbol id="{symbol}" viewBox="{box.group(1)}">{match.group(2).strip()}</symbol>')
    return '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
