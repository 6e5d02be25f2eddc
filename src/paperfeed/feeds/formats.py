"""Feeds as bytes: RSS 2.0 and Atom with feedgen, JSON Feed 1.1 and OPML 2.0.

feedgen stamps "now" on a feed and on every entry unless told otherwise, and
``add_entry`` prepends: every date is set here from the data, and entries are
appended, so the same archive gives the same bytes and the newest item first.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from feedgen.feed import FeedGenerator
from markupsafe import escape

from paperfeed import __version__
from paperfeed.feeds.items import FeedInfo, xml_safe

GENERATOR = ("paperfeed", __version__, "https://github.com/paperfeed/paperfeed")


def _generator(info: FeedInfo, *, site_url: str, ext: str, rss: bool) -> FeedGenerator:
    fg = FeedGenerator()
    if rss:
        fg.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS's <author> must be an email
    feed_url = site_url + info.path + ext
    fg.id(feed_url)
    fg.title(xml_safe(info.title))
    fg.subtitle(xml_safe(info.description))  # also the RSS <description>
    # feedgen gives RSS's <link> the last link set: the page, not the feed itself
    fg.link(href=feed_url, rel="self", type="application/rss+xml" if rss else "application/atom+xml")
    fg.link(href=info.page_url, rel="alternate")
    fg.language("en")
    if info.author and not rss:  # RSS's managingEditor would need an email address
        fg.author(name=xml_safe(info.author))
    fg.generator(*GENERATOR)
    fg.updated(info.updated)
    fg.lastBuildDate(info.updated)
    for item in info.items:
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.guid(item.id, permalink=False)
        fe.title(item.title)
        fe.link(href=item.url)
        fe.published(item.moment)
        fe.updated(item.moment)
        if item.summary:
            # RSS's <description> is HTML (readers render it), Atom's <summary> plain text: the
            # summary's text, "Let's <think>" included, must reach the reader as it is
            fe.summary(str(escape(item.summary)) if rss else item.summary)
        fe.content(item.content_html, type="html")
        for name in item.authors:
            if rss:
                fe.dc.dc_creator(name)
            else:
                fe.author(name=name)
        for slug, name in item.tags:
            fe.category(term=slug, label=name, scheme=site_url + "tags/")
    return fg


def rss(info: FeedInfo, *, site_url: str) -> bytes:
    return _generator(info, site_url=site_url, ext=".rss.xml", rss=True).rss_str(pretty=True)


def atom(info: FeedInfo, *, site_url: str) -> bytes:
    return _generator(info, site_url=site_url, ext=".atom.xml", rss=False).atom_str(pretty=True)


def json_feed(info: FeedInfo, *, site_url: str) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    items = []
    for item in info.items:
        entry: dict[str, object] = {"id": item.id, "url": item.url, "title": item.title,
                                    "content_html": item.content_html}
        if item.external_url:
            entry["external_url"] = item.external_url
        if item.summary:
            entry["summary"] = item.summary
        entry["date_published"] = item.moment.isoformat().replace("+00:00", "Z")
        if item.authors:
            entry["authors"] = [{"name": name} for name in item.authors]
        if item.tags:
            entry["tags"] = [name for _, name in item.tags]
        items.append(entry)
    feed: dict[str, object] = {"version": "https://jsonfeed.org/version/1.1", "title": info.title,
                               "home_page_url": info.page_url, "feed_url": site_url + info.path + ".json",
                               "description": info.description, "language": "en"}
    if info.author:
        feed["authors"] = [{"name": info.author}]
    feed["items"] = items
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def opml(title: str, feeds: list[FeedInfo], *, site_url: str, updated: str) -> bytes:
    """OPML 2.0 listing ``feeds`` (their RSS versions), for subscribing to many at once."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = xml_safe(title)
    ET.SubElement(head, "dateModified").text = updated
    body = ET.SubElement(root, "body")
    for info in feeds:
        ET.SubElement(body, "outline", type="rss", text=xml_safe(info.title), title=xml_safe(info.title),
                      description=xml_safe(info.description), xmlUrl=site_url + info.path + ".rss.xml",
                      htmlUrl=info.page_url)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
