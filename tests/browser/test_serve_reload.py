"""`sitegen serve` in a real browser: the open page reloads by itself after a save, shows
the errors with file and line while the content is broken, and the page again once fixed.

The theme's Content-Security-Policy stays on: the reload script must obey it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sitegen.serve import DevServer
from tests.support.projects import copy_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MINIMAL = Path(__file__).resolve().parents[1] / "sites" / "minimal"
WAIT_MS = 15_000


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[DevServer, Path]]:
    project = tmp_path / "project"
    copy_project(MINIMAL, project)
    server = DevServer(project, port=0, log=lambda line: None)
    server.start()
    try:
        yield server, project
    finally:
        server.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_open_page_reloads_after_a_save_and_shows_errors_until_fixed(
    chromium: Browser, served: tuple[DevServer, Path]
) -> None:
    from playwright.sync_api import expect

    server, project = served
    story = project / "content" / "stories" / "one.yaml"
    context = chromium.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text))
        page.goto(server.url + "stories/one/", wait_until="load")
        time.sleep(0.3)  # the deferred script opens its event stream

        edit(story, "title: Council raises the river tax", "title: Council doubles it")
        expect(page.locator("h1")).to_contain_text("Council doubles it", timeout=WAIT_MS)

        edit(story, "date: 2025-05-21", "date: 2025-13-40")
        problems = page.locator("ol.problems")
        expect(problems).to_contain_text("content/stories/one.yaml:2:7", timeout=WAIT_MS)

        edit(story, "date: 2025-13-40", "date: 2025-05-21")
        expect(page.locator("h1")).to_contain_text("Council doubles it", timeout=WAIT_MS)
        assert page.locator("mark").count() >= 3
        assert not [error for error in errors if "Content Security Policy" in error]
    finally:
        context.close()
