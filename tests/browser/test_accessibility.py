"""axe-core finds no accessibility violations, at any impact, on any kind of page.

axe-core comes from the npm package (package.json; `npm ci` installs it) and is
injected into Debian's chromium. Without it the test is skipped, except in CI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import PHONE, OpenPage

AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
PAGES = [
    "",
    "stories/trump-eu-sanctions/",
    "stories/",
    "sources/",
    "sources/up/",
    "tags/",
    "tags/nato/",
    "digests/week-21/",
    "search/",
]


def violations(page: Any) -> list[str]:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci`")
        pytest.skip("axe-core is missing: run `npm ci`")
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy refuses inline script.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['impact']}: {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
    ]


@pytest.mark.parametrize("path", PAGES)
def test_no_violations_on_a_desktop(open_page: OpenPage, path: str) -> None:
    assert violations(open_page(path)) == []


@pytest.mark.parametrize("path", ["", "stories/trump-eu-sanctions/"])
def test_no_violations_on_a_phone(open_page: OpenPage, path: str) -> None:
    assert violations(open_page(path, viewport=PHONE)) == []


def test_no_violations_on_the_not_found_page(chromium: Any, site_server: Any) -> None:
    context = chromium.new_context()
    try:
        page = context.new_page()
        response = page.goto(site_server.url_for("no/such/page/"))
        assert response is not None and response.status == 404
        assert violations(page) == []
    finally:
        context.close()


def is_dark(page: Any) -> bool:
    """Whether the page's background is dark: what the dark scheme is meant to change."""
    rgb = page.evaluate(
        "getComputedStyle(document.documentElement).backgroundColor.match(/\\d+/g).map(Number)"
    )
    return sum(rgb[:3]) < 3 * 64


@pytest.mark.parametrize("path", PAGES)
def test_no_violations_in_dark_mode(open_page: OpenPage, path: str) -> None:
    page = open_page(path)
    page.emulate_media(color_scheme="dark")
    assert is_dark(page), "the page did not switch to its dark colours"
    assert violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_violations_on_the_search_page_showing_results(open_page: OpenPage, scheme: str) -> None:
    page = open_page("search/")
    page.emulate_media(color_scheme=scheme)
    page.fill("input[name=q]", "Putin")
    page.wait_for_selector(".search-result a")
    assert violations(page) == []


def test_no_violations_on_the_not_found_page_in_dark_mode(chromium: Any, site_server: Any) -> None:
    context = chromium.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        response = page.goto(site_server.url_for("no/such/page/"))
        assert response is not None and response.status == 404
        assert is_dark(page)
        assert violations(page) == []
    finally:
        context.close()
