"""paperfeed: a daily feed of research papers as a fast, searchable static site."""

from __future__ import annotations

__version__ = "0.1.0"
