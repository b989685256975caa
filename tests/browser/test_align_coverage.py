"""The coverage view in a real browser: side by side on a desktop, one column on a phone.

Markup (themes/default/templates/_coverage.html): ``<section id="coverage">``
holding ``<li class="coverage-row coverage-{editor,aligned,unique}">`` rows, each
its label (first child), then one cell per column: a ``<div>`` (its first ``<p>``
names the outlet) where the article tells the row, a ``<p class="missing">`` where
it does not.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.browser import DESKTOP, IN_CI, PHONE, OpenPage

try:
    from playwright.sync_api import FloatRect, Locator, Page, expect
except ImportError:  # pragma: no cover - only without the [test] extra
    if IN_CI:
        raise
    pytest.skip("playwright is not installed: pip install -e '.[test]'", allow_module_level=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
SHARED_ROWS = "#coverage .coverage-row:not(.coverage-unique)"


def told_cells(row: Locator) -> list[FloatRect]:
    boxes = []
    for cell in row.locator(":scope > div").all():
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        boxes.append(box)
    return boxes


def wait_for_fragment(page: Page, fragment: str) -> None:
    deadline = time.monotonic() + 5
    while unquote(urlsplit(page.url).fragment) != fragment:
        if time.monotonic() > deadline:
            pytest.fail(f"URL hash is {urlsplit(page.url).fragment!r}, expected {fragment!r}")
        page.wait_for_timeout(25)


def test_passages_that_tell_the_same_thing_stand_side_by_side_on_a_desktop(
    open_page: OpenPage, story_path: str
) -> None:
    page = open_page(story_path, viewport=DESKTOP)
    rows = page.locator(SHARED_ROWS)
    assert rows.count() >= 5
    heads = [h.bounding_box() for h in page.locator("#coverage .coverage-column-head").all()]
    for row in rows.all():
        first, second = told_cells(row)
        assert abs(first["y"] - second["y"]) <= 2, f"cells of a row not level: {first} {second}"
        assert second["x"] >= first["x"] + first["width"], "cells of a row overlap"
        # Each cell stands under its outlet's column head.
        assert heads[0] and heads[1]
        assert abs(first["x"] - heads[0]["x"]) <= 2 and abs(second["x"] - heads[1]["x"]) <= 2
    # A column's colour is said once, for the column: each cell has its head's.
    border = "e => getComputedStyle(e).borderLeftColor"
    colors = page.locator("#coverage .coverage-column-head").evaluate_all(
        f"els => els.map({border})"
    )
    assert len(set(colors)) == len(colors) == 2
    for row in page.locator("#coverage .coverage-row").all():
        cells = row.locator(":scope > :not(:first-child)")
        assert cells.count() == len(colors)
        for column, color in enumerate(colors):
            cell = cells.nth(column)
            if cell.evaluate("e => e.tagName") == "DIV":
                assert cell.evaluate(border) == color
            else:  # the article does not tell the row, and the cell says so
                expect(cell).to_be_visible()
                expect(cell).to_have_text(re.compile(r"^Not in "))


def test_on_a_phone_the_columns_become_one_and_each_row_keeps_its_pair(
    open_page: OpenPage, story_path: str
) -> None:
    page = open_page(story_path, viewport=PHONE)
    rows = page.locator(SHARED_ROWS)
    for row in rows.all():
        row_box = row.bounding_box()
        first, second = told_cells(row)
        assert second["y"] >= first["y"] + first["height"] - 1, "cells not stacked"
        for box in (first, second):
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
            # Both in the row's own block: the pair stays together.
            assert row_box and row_box["y"] <= box["y"] <= row_box["y"] + row_box["height"]
        for label in row.locator(":scope > div > p:first-child").all():
            expect(label).to_be_visible()  # the columns' heads are gone: each cell names its outlet
    expect(page.locator("#coverage .coverage-row > .missing").first).to_be_hidden()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width}"


def test_quotations_link_across_outlets_without_javascript(
    open_page: OpenPage, story_path: str
) -> None:
    page = open_page(story_path, viewport=DESKTOP, javascript=False)
    expect(page.locator("#coverage")).to_be_visible()
    linked = page.locator("#coverage .quotation-linked").first
    links = linked.locator("a[href^='#coverage-']")
    assert links.count() == 2, "a quotation both outlets carry links to both"
    target = (links.nth(1).get_attribute("href") or "#")[1:]
    links.nth(1).click()
    wait_for_fragment(page, target)
    cell = page.locator(f'[id="{target}"]')
    expect(cell).to_be_in_viewport()
    # From the quotation in the cell back to the list.
    reference = cell.locator("sup a").first
    back = (reference.get_attribute("href") or "#")[1:]
    reference.click()
    wait_for_fragment(page, back)
    help_text = page.locator("#coverage .coverage-help p")
    expect(help_text).to_be_hidden()
    page.locator("#coverage .coverage-help summary").click()
    expect(help_text).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_coverage_view_has_no_accessibility_violations(
    open_page: OpenPage, story_path: str, scheme: Any
) -> None:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci`")
        pytest.skip("axe-core is missing: run `npm ci`")
    page = open_page(story_path, viewport=DESKTOP)
    page.emulate_media(color_scheme=scheme)
    page.locator("#coverage .coverage-help summary").click()  # the legend's colours too
    # Evaluated, not added as a <script>: the pages' Content-Security-Policy refuses inline script.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document.querySelector('#coverage'),"
        " {resultTypes: ['violations']})).violations"
    )
    assert [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found] == []
