"""Links made by the one URL function work under any base_url prefix."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from sitegen import urls

BASES = ["https://user.github.io/repo/", "https://news.example.org/", "https://x.org/a/b/c/"]
PAGES = ["", "stories/one/", "tags/nato/page/2/", "sources/up/"]
TARGETS = ["", "stories/two/", "static/style.css", "feed.xml", "tags/україна/"]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("target", TARGETS)
def test_relative_links_resolve_to_the_target_under_the_prefix(
    base: str, page: str, target: str
) -> None:
    site_urls = urls.Urls(base)
    assert urljoin(base + page, site_urls.href(target, page)) == site_urls.absolute(target)


@pytest.mark.parametrize("base", BASES)
def test_pages_served_anywhere_link_by_absolute_path_with_the_prefix(base: str) -> None:
    site_urls = urls.Urls(base)
    for target in TARGETS:
        href = site_urls.href(target, None)
        assert urljoin(base + "deep/missing/page", href) == site_urls.absolute(target)


def test_base_url_without_a_trailing_slash_is_a_folder() -> None:
    assert urls.Urls("https://user.github.io/repo").absolute("feed.xml") == (
        "https://user.github.io/repo/feed.xml"
    )


def test_paths_and_files() -> None:
    assert urls.page("tags/nato/", 1) == "tags/nato/"
    assert urls.page("tags/nato/", 3) == "tags/nato/page/3/"
    assert urls.page("", 2) == "page/2/"
    assert urls.file_for("") == "index.html"
    assert urls.file_for("stories/a/") == "stories/a/index.html"
    assert urls.file_for("feed.xml") == "feed.xml"
