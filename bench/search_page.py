#!/usr/bin/env python3
"""Time the search page of a built site in Chromium, as a reader uses it.

Run by hand, after a build (Debian's chromium and the test extra installed):

    python3 bench/search_page.py /var/tmp/sitegen-bench/n5000/out-sitegen --prefix /bench/
    python3 bench/search_page.py OUTPUT --prefix /bench/ --type-delay 0 "pipeline deliveries"

Serves the output folder under its base_url path (as GitHub Pages does), opens the
search page in a fresh browser and types each query in turn (a key every
--type-delay ms, as a reader types; 0 fills the box at once), then prints how long
the results took to show from the first key, how many files the page asked for and
the status line. The first query pays for loading the index; later ones reuse
what it loaded. Figures move with the machine's load: compare runs made back to
back.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.subpath_server import SubpathServer  # noqa: E402

QUERIES = ["sanctions", "pipeline deliveries", "zzqxnothing", "strasbourg"]
DONE = "[role=status]:not(:empty):not(:has-text('Searching'))"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("site", type=Path, help="a built output folder")
    parser.add_argument("queries", nargs="*", default=QUERIES)
    parser.add_argument("--prefix", default="/", help="the base_url path it is served under")
    parser.add_argument("--type-delay", type=float, default=120, help="ms between keys (120)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    arguments = parser.parse_args()
    with SubpathServer(arguments.site, arguments.prefix) as server, sync_playwright() as play:
        browser = play.chromium.launch(executable_path=arguments.chromium)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(server.url_for("search/"))
        for query in arguments.queries:
            before = len(requests)
            started = time.perf_counter()
            if arguments.type_delay:
                page.type("input[name=q]", query, delay=arguments.type_delay)
            else:
                page.fill("input[name=q]", query)
            page.wait_for_selector(f"{DONE}:has-text('{query}')")
            took = (time.perf_counter() - started) * 1000
            typing = arguments.type_delay * (len(query) - 1)
            print(
                f"{query!r}: {took:.0f} ms from the first key ({took - typing:.0f} ms after"
                f" the last), {len(requests) - before} files: {page.inner_text('[role=status]')}"
            )
            page.fill("input[name=q]", "")
            time.sleep(0.3)
        browser.close()


if __name__ == "__main__":
    main()
