"""Search, as a reader uses it: in chromium, on the site served under its subpath.

The query is taken from an editor's note in the example content, so the test
finds out whether notes really are in the index, and the result must lead to
the note's story. Everything the search loads must come from the site itself
(it works offline), and the page must say something useful without JavaScript.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import PHONE, OpenPage, PageLogs
from tests.support.subpath_server import SubpathServer

SEARCH = "search/"
ROOT = Path(__file__).resolve().parents[2]


def note_query(story: dict[str, Any]) -> str:
    """Two words that only the story's notes hold (not its articles, title or summary).

    So the story can only be found if the notes are in the index.
    """
    elsewhere = " ".join(
        [(ROOT / "seeds" / a["seed"]).read_text("utf-8") for a in story["articles"]]
        + [story["title"], story.get("summary", "")]
    ).lower()
    for highlight in story.get("highlights", []):
        words = [
            word
            for word in dict.fromkeys(re.findall(r"[A-Za-z]{6,}", highlight.get("note", "")))
            if word.lower() not in elsewhere
        ]
        if len(words) >= 2:
            return " ".join(words[:2])
    raise AssertionError("no note of the story has two words of its own to search for")


def results(page: Any) -> list[tuple[str, str]]:
    page.wait_for_selector(".search-result a")
    return [
        (link.inner_text(), link.get_attribute("href"))
        for link in page.query_selector_all(".search-result-title a")
    ]


def test_a_query_from_a_note_finds_its_story(
    open_page: OpenPage,
    page_logs: PageLogs,
    site_server: SubpathServer,
    story: dict[str, Any],
    story_slug: str,
) -> None:
    page = open_page(SEARCH)
    page.fill("input[name=q]", note_query(story))
    found = results(page)
    assert (story["title"], f"{site_server.prefix}stories/{story_slug}/") in found
    # The result leads to the story, under the prefix.
    with page.expect_navigation():
        page.click(f".search-result a[href$='stories/{story_slug}/']")
    assert page.url == site_server.url_for(f"stories/{story_slug}/")
    assert page.locator("h1").first.inner_text() == story["title"]
    assert page_logs[page].problems == []


def test_search_loads_nothing_from_outside_the_site(
    open_page: OpenPage, page_logs: PageLogs, site_server: SubpathServer, story: dict[str, Any]
) -> None:
    page = open_page(SEARCH)
    page.fill("input[name=q]", note_query(story))
    results(page)
    requested = page_logs[page].requests
    assert any("/pagefind/" in request for request in requested), requested
    outside = [r for r in requested if not r.split(" ", 1)[1].startswith(site_server.url)]
    assert outside == []
    # No script was refused by the Content-Security-Policy, no error was logged.
    assert page_logs[page].problems == []


def test_the_status_line_says_how_many_stories_match(
    open_page: OpenPage, story: dict[str, Any]
) -> None:
    page = open_page(SEARCH)
    page.fill("input[name=q]", note_query(story))
    results(page)
    assert re.fullmatch(r"\d+ stor(y matches|ies match) “.+”\.", page.inner_text("[role=status]"))
    page.fill("input[name=q]", "zzxqvzzy")
    page.wait_for_selector("[role=status]:has-text('No story matches')")
    assert page.query_selector_all(".search-result") == []


def test_a_search_address_can_be_shared(
    open_page: OpenPage, story: dict[str, Any], story_slug: str
) -> None:
    query = note_query(story)
    page = open_page(SEARCH)
    page.fill("input[name=q]", query)
    results(page)
    shared = page.url
    assert "?q=" in shared
    again = open_page(SEARCH + shared.split(SEARCH, 1)[1])
    assert again.input_value("input[name=q]") == query
    assert any(href.endswith(f"stories/{story_slug}/") for _, href in results(again))


def test_without_javascript_the_page_explains_and_lists_the_stories(
    open_page: OpenPage, story: dict[str, Any]
) -> None:
    page = open_page(SEARCH, javascript=False)
    assert "needs JavaScript" in page.inner_text("main")
    # The form would do nothing: it is not shown.
    assert not page.is_visible("[role=search]")
    assert page.is_visible(f".search-browse a:text-is({story['title']!r})")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_results_appear_without_moving_the_form(
    open_page: OpenPage, story: dict[str, Any], viewport: Any
) -> None:
    page = open_page(SEARCH, viewport=viewport)
    before = page.locator("[role=search]").bounding_box()
    page.fill("input[name=q]", note_query(story))
    results(page)
    assert page.locator("[role=search]").bounding_box() == before
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], "the results make the page scroll sideways"
