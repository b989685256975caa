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
]


def violations(page: Any) -> list[str]:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci`")
        pytest.skip("axe-core is missing: run `npm ci`")
    page.add_script_tag(path=str(AXE))
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
