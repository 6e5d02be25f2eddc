"""What the lean pages (``overrides/lean.html``) load instead of carrying it: one icon
sprite, and the colour toggle's script with the site's palettes.

Every byte of a lean page is paid 100,000 times at 100,000 papers, against the
1 GB GitHub Pages allows. Material inlines every icon's SVG into every page
(about 4.5 KB); lean pages point at one cached file instead
(``<use href="…/icons.svg#search">``). The sprite is made from the icons
``mkdocs.yml`` chooses (``theme.icon``, the palette toggles), looked up where
Material looks: the custom_dir's ``.icons`` first, then Material's own, so a
fork's icon choices show on lean pages too. The palettes of ``mkdocs.yml`` go
into ``palette.js`` (this folder's script, generated with them) for the same
reason.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

#: Where the sprite and the palette script go, under docs/ (and so in the site).
SPRITE = "assets/paperfeed/icons.svg"
PALETTE = "assets/paperfeed/palette.js"

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
             "close": icon.get("close") or "material/close"}
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


def palettes(mkdocs: dict[str, Any]) -> list[list[str]]:
    """[media, scheme, primary, accent, toggle name] of each palette, with Material's defaults."""
    theme = mkdocs.get("theme") if isinstance(mkdocs.get("theme"), dict) else {}
    found = theme.get("palette")
    out = []
    for option in found if isinstance(found, list) else []:
        if isinstance(option, dict):
            toggle = option.get("toggle") if isinstance(option.get("toggle"), dict) else {}
            out.append([str(option.get("media") or ""), *(str(option.get(k) or d).replace(" ", "-") for k, d in
                        (("scheme", "default"), ("primary", "indigo"), ("accent", "indigo"))),
                        str(toggle.get("name") or "")])
    return out


def palette_script(mkdocs: dict[str, Any]) -> str:
    """palette.js with the site's palettes (an empty list: no toggle, as Material)."""
    source = resources.files("paperfeed.publish").joinpath("palette.js").read_text(encoding="utf-8")
    data = json.dumps(palettes(mkdocs), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return source.replace("/* PALETTES */ []", data, 1)
