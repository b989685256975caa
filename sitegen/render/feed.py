"""feed.xml (Atom 1.0), sitemap.xml and robots.txt: the site as machines read it."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from .. import urls
from ..model import Site
from .markdown import render_markdown

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _xml(root: ElementTree.Element) -> bytes:
    ElementTree.indent(root)
    data: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _add(parent: ElementTree.Element, tag: str, text: str = "", **attributes: str) -> None:
    element = ElementTree.SubElement(parent, tag, attributes)
    if text:
        element.text = text


def render_feed(site: Site) -> bytes:
    """The newest `feed_size` stories; `updated` is the newest story's date, never the clock."""
    config, site_urls = site.config, urls.Urls(site.config.base_url)
    stories = site.stories[: config.feed_size]
    feed = ElementTree.Element("feed", {"xmlns": ATOM, "xml:lang": config.language})
    _add(feed, "title", config.title)
    if config.description:
        _add(feed, "subtitle", config.description)
    _add(feed, "id", site_urls.absolute(""))
    _add(feed, "link", rel="alternate", type="text/html", href=site_urls.absolute(""))
    _add(feed, "link", rel="self", type="application/atom+xml", href=site_urls.absolute("feed.xml"))
    newest = stories[0].date.isoformat() if stories else "1970-01-01"
    _add(feed, "updated", f"{newest}T00:00:00Z")
    author = ElementTree.SubElement(feed, "author")
    _add(author, "name", config.author or config.title)
    _add(feed, "generator", "sitegen")
    for story in stories:
        entry = ElementTree.SubElement(feed, "entry")
        link = site_urls.absolute(urls.story(story.slug))
        _add(entry, "title", story.title)
        _add(entry, "id", link)
        _add(entry, "link", rel="alternate", type="text/html", href=link)
        _add(entry, "published", f"{story.date.isoformat()}T00:00:00Z")
        _add(entry, "updated", f"{story.date.isoformat()}T00:00:00Z")
        for tag in story.tags:
            _add(entry, "category", term=tag.slug, label=tag.name)
        if story.summary:
            _add(entry, "summary", str(render_markdown(story.summary)), type="html")
    return _xml(feed)


def sitemap_entries(site: Site, pages: list[str]) -> list[tuple[str, str]]:
    """Each page's address and its date ('' for a page without one), in address order:
    all that sitemap.xml says, so a rebuild keys the file by them."""
    site_urls = urls.Urls(site.config.base_url)
    dates = {urls.story(story.slug): story.date.isoformat() for story in site.stories}
    dates.update({urls.digest(d.slug): d.date.isoformat() for d in site.digests})
    return [(site_urls.absolute(page), dates.get(page, "")) for page in sorted(pages)]


def render_sitemap(entries: list[tuple[str, str]]) -> bytes:
    root = ElementTree.Element("urlset", {"xmlns": SITEMAP})
    for address, date in entries:
        entry = ElementTree.SubElement(root, "url")
        _add(entry, "loc", address)
        if date:
            _add(entry, "lastmod", date)
    return _xml(root)


def render_robots(site: Site) -> bytes:
    sitemap = urls.Urls(site.config.base_url).absolute("sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
