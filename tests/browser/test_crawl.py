"""A crawl of the built site over HTTP, from the front page, served under its subpath.

Every internal link, stylesheet, script, icon and image a page names must
answer 200 at the address it resolves to under the prefix (no redirect, no
404), every fragment must name an element of its page, and every page of the
build must be reachable from the front page by links alone. This needs no
browser: it reads the HTML as a crawler does, from the same server the
browser tests use (GitHub Pages' layout: the site under /<repo>/, 404.html for
anything else).
"""

from __future__ import annotations

import http.client
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.support.subpath_server import SubpathServer

# What a page can point at: (CSS selector, attribute).
REFERENCES = [
    ("a[href]", "href"),
    ("link[href]", "href"),
    ("script[src]", "src"),
    ("img[src]", "src"),
    ("source[src]", "src"),
    ("form[action]", "action"),
]
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


@dataclass
class Crawl:
    statuses: dict[str, int] = field(default_factory=dict)  # URL (no fragment) -> status
    bodies: dict[str, bytes] = field(default_factory=dict)
    referrers: dict[str, str] = field(default_factory=dict)  # URL -> the first page naming it
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # (page, url, fragment)
    external: set[str] = field(default_factory=set)


def fetch(server: SubpathServer, url: str) -> tuple[int, bytes, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Content-Type", "")
    finally:
        connection.close()


def references(url: str, body: bytes, content_type: str) -> list[str]:
    if content_type.startswith("text/css"):
        return [urljoin(url, found) for found in CSS_URL.findall(body.decode("utf-8"))]
    if not content_type.startswith("text/html"):
        return []
    soup = BeautifulSoup(body.decode("utf-8"), "html.parser")
    found = []
    for selector, attribute in REFERENCES:
        for element in soup.select(selector):
            found.append(urljoin(url, str(element[attribute])))
    return found


def crawl(server: SubpathServer, start: str) -> Crawl:
    result = Crawl()
    queue = deque([start])
    result.referrers[start] = "(start)"
    while queue:
        url = queue.popleft()
        status, body, content_type = fetch(server, url)
        result.statuses[url] = status
        result.bodies[url] = body
        if status != 200:
            continue
        for reference in references(url, body, content_type):
            if not reference.startswith(server.origin):
                if reference.startswith(("http://", "https://")):
                    result.external.add(reference)
                continue
            target, fragment = urldefrag(reference)
            if fragment:
                result.fragments.append((url, target, fragment))
            if target not in result.referrers:
                result.referrers[target] = url
                queue.append(target)
    return result


@pytest.fixture(scope="module")
def site_crawl(site_server: SubpathServer) -> Crawl:
    return crawl(site_server, site_server.url)


def test_every_link_and_asset_answers_200_under_the_subpath(
    site_crawl: Crawl, site_server: SubpathServer
) -> None:
    broken = [
        f"{status} {url} (named on {site_crawl.referrers[url]})"
        for url, status in site_crawl.statuses.items()
        if status != 200
    ]
    assert broken == []
    # Everything the crawl found lives under the prefix: nothing escaped to the domain root.
    outside = [url for url in site_crawl.statuses if not url.startswith(site_server.url)]
    assert outside == []


def test_every_page_of_the_build_is_reachable_from_the_front_page(
    site_crawl: Crawl, site_server: SubpathServer, built_site: Path
) -> None:
    built = {
        site_server.url_for(path.relative_to(built_site).as_posix().removesuffix("index.html"))
        for path in built_site.rglob("*.html")
        if path.name != "404.html"
    }
    assert len(built) >= 10
    assert sorted(built - set(site_crawl.statuses)) == []


def test_the_crawl_reached_every_kind_of_file(site_crawl: Crawl) -> None:
    """Stylesheets, scripts, the icon, the feed, annotations and seeds were all fetched."""
    crawled = " ".join(site_crawl.statuses)
    for part in ("/static/style.css", "/static/search.js", "/static/favicon.svg", "/feed.xml"):
        assert part in crawled, part
    assert "/annotations.jsonld" in crawled
    assert "/seeds/" in crawled


def test_every_fragment_names_an_element_of_its_page(site_crawl: Crawl) -> None:
    missing = []
    for page, target, fragment in site_crawl.fragments:
        soup = BeautifulSoup(site_crawl.bodies[target].decode("utf-8"), "html.parser")
        if soup.find(id=fragment) is None:
            missing.append(f"{page} -> {target}#{fragment}")
    assert missing == []


def test_the_sitemap_names_only_pages_that_answer_200(
    site_crawl: Crawl, site_server: SubpathServer, base_url: str
) -> None:
    sitemap = site_crawl.bodies.get(site_server.url_for("sitemap.xml"))
    if sitemap is None:
        status, sitemap, _ = fetch(site_server, site_server.url_for("sitemap.xml"))
        assert status == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap.decode("utf-8"))
    assert locations
    for location in locations:
        assert location.startswith(base_url), location
        local = site_server.url_for(location.removeprefix(base_url))
        assert fetch(site_server, local)[0] == 200, location


def test_the_not_found_page_links_work_from_any_depth(site_server: SubpathServer) -> None:
    for depth in ("nowhere", "a/b/c/d/"):
        url = site_server.url_for(depth)
        status, body, content_type = fetch(site_server, url)
        assert status == 404 and content_type.startswith("text/html")
        for reference in references(url, body, content_type):
            target = urldefrag(reference)[0]
            if reference.startswith(site_server.origin) and target != url:  # not "#main"
                assert fetch(site_server, target)[0] == 200, f"404 page at {depth}: {reference}"
