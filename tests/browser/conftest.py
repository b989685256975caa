"""Fixtures for the real-browser tests.

The example site (this repository's content/ and seeds/) is built once per
session into a temporary folder by calling the generator in-process, served by
``SubpathServer`` under the path of ``base_url`` from content/site.yaml (as
GitHub Pages serves a project site), and opened in Debian's chromium driven by
Playwright.  Playwright's own browser download is never used.

Without /usr/bin/chromium the browser tests are skipped, except in CI
(``CI=true``), where a missing browser is an error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.browser import (  # noqa: E402
    ACTION_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    IN_CI,
    NAVIGATION_TIMEOUT_MS,
    OpenPage,
    PageLogs,
)
from tests.support.subpath_server import SubpathServer, normalize_prefix  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize


def _unavailable(reason: str) -> None:
    """Skip the browser tests locally; in CI the same condition is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------------
# the site project and its content
# ---------------------------------------------------------------------------


def load_yaml(path: Path) -> Any:
    """Load content YAML the way the format reads it: every scalar is text.

    (BaseLoader, so an article id such as ``no`` stays the string "no".)
    """
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=yaml.BaseLoader)


def story_slugs() -> list[str]:
    """The example site's stories (content/stories/*.yaml), found at collection time."""
    return sorted(p.stem for p in (ROOT / "content" / "stories").glob("*.yaml"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "story_slug" in metafunc.fixturenames:
        # The example site builds trump-eu-sanctions; use it if the content
        # folder is not there yet, so the test fails instead of vanishing.
        slugs = story_slugs() or ["trump-eu-sanctions"]
        metafunc.parametrize("story_slug", slugs, scope="session")


@pytest.fixture(scope="session")
def site_config() -> dict[str, Any]:
    config = load_yaml(ROOT / "content" / "site.yaml")
    assert isinstance(config, dict) and config.get("base_url"), "content/site.yaml needs base_url"
    return config


@pytest.fixture(scope="session")
def sources() -> dict[str, Any]:
    data = load_yaml(ROOT / "content" / "sources.yaml")
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="session")
def base_url(site_config: dict[str, Any]) -> str:
    return str(site_config["base_url"])


@pytest.fixture(scope="session")
def site_prefix(base_url: str) -> str:
    """The URL path the site lives under, e.g. '/sitegen/'."""
    return normalize_prefix(urlsplit(base_url).path)


@pytest.fixture(scope="session")
def story(story_slug: str) -> dict[str, Any]:
    """The story's YAML (all scalars as text)."""
    data = load_yaml(ROOT / "content" / "stories" / f"{story_slug}.yaml")
    assert isinstance(data, dict)
    return data


# ---------------------------------------------------------------------------
# build and serve
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once per session by the generator, in-process."""
    from sitegen.cli import main

    out = tmp_path_factory.mktemp("browser-site") / "site"
    code: object
    try:
        code = main(["build", "--source", str(ROOT), "--output", str(out)])
    except SystemExit as exc:  # argparse errors and explicit sys.exit()
        code = exc.code
    assert code == 0, f"sitegen build --source {ROOT} --output {out} returned {code!r}, not 0"
    assert (out / "index.html").is_file(), f"the build wrote no index.html in {out}"
    return out


@pytest.fixture(scope="session")
def site_server(built_site: Path, site_prefix: str) -> Iterator[SubpathServer]:
    """The built site at http://127.0.0.1:<port><prefix> and nowhere else."""
    with SubpathServer(built_site, site_prefix) as server:
        yield server


# ---------------------------------------------------------------------------
# the browser
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright (one per session)."""
    if not CHROMIUM.exists():
        _unavailable(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) "
            "to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"the playwright package is not installed ({exc}); pip install -e '.[test]'")

    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=60_000,
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        manager.stop()


@pytest.fixture
def page_logs() -> PageLogs:
    """Console errors, page errors and failed requests, collected for each page opened."""
    return PageLogs()


@pytest.fixture
def open_page(
    chromium: Browser, site_server: SubpathServer, page_logs: PageLogs
) -> Iterator[OpenPage]:
    """``open_page("stories/x/", viewport=PHONE, javascript=False)`` -> a loaded Page.

    Each call gets a fresh browser context (clean history, storage and
    settings); every page is watched by ``page_logs`` from before it loads.
    """
    contexts: list[BrowserContext] = []

    def _open(
        path: str,
        *,
        viewport: ViewportSize = DESKTOP,
        javascript: bool = True,
        wait_until: str = "load",
    ) -> Page:
        context = chromium.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            reduced_motion="reduce",
            service_workers="block",
        )
        contexts.append(context)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page = context.new_page()
        page_logs.watch(page)
        url = site_server.url_for(path)
        response = page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
        assert response is not None, f"no response for {url}"
        assert response.status == 200, f"{url} answered {response.status}"
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def story_path(story_slug: str) -> str:
    """The story page's path under the site prefix."""
    return f"stories/{story_slug}/"
