"""No script from hostile content runs in a real browser.

Every page of tests/sites/hostile/ is opened in chromium with a dialog handler
(alert, confirm and prompt are what the payloads call) and a report-only
Content-Security-Policy that allows only the site's own script files: any
inline script, event handler or javascript: URL that ran or tried to run is
reported, and the test fails on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen.cli import main
from tests.support.subpath_server import SubpathServer

HOSTILE = Path(__file__).resolve().parents[1] / "sites" / "hostile"
FIRE_EVENTS = """
for (const element of document.querySelectorAll('*')) {
  for (const type of ['mouseover', 'click', 'focus', 'load', 'error']) {
    if (type === 'click' && element.closest('a[href]:not([href^="#"])')) continue;
    element.dispatchEvent(new Event(type));
  }
}
"""
POLICY = "script-src 'self'; object-src 'none'; base-uri 'none'"
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline')
    + ' ' + (event.sample || ''));
});
"""


@pytest.fixture(scope="module")
def hostile_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SubpathServer, Path]]:
    output = tmp_path_factory.mktemp("hostile-browser") / "site"
    assert main(["build", "--source", str(HOSTILE), "--output", str(output)]) == 0
    with SubpathServer(output, "/hostile/") as server:
        yield server, output


def test_no_script_runs_on_any_page(
    chromium: Any, hostile_server: tuple[SubpathServer, Path]
) -> None:
    server, output = hostile_server
    context = chromium.new_context()
    dialogs: list[str] = []
    try:

        def add_policy(route: Any) -> None:
            response = route.fetch()
            headers = {**response.headers, "content-security-policy-report-only": POLICY}
            route.fulfill(response=response, headers=headers)

        context.route("**/*", add_policy)
        context.add_init_script(WATCH_VIOLATIONS)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        paths = sorted(p.relative_to(output).as_posix() for p in output.rglob("index.html"))
        assert len(paths) >= 10
        for path in paths:
            page.goto(server.url_for(path.removesuffix("index.html")), wait_until="load")
            # Give deferred work (event handlers on load, timers) a moment to run.
            page.wait_for_timeout(50)
            # Fire the events the payloads hook, on every element, were any handler to survive.
            page.evaluate(FIRE_EVENTS)
            page.wait_for_timeout(20)
            violations = page.evaluate("window.__violations")
            assert violations == [], f"{path}: {violations}"
        assert dialogs == []
    finally:
        context.close()
