"""Lighthouse scores of the example site's front page and a story, served under its subpath.

Run by hand (not in CI: a Lighthouse run takes ~15 s a page and its
performance score moves with the machine's load):

    npm ci --prefix bench/lighthouse        # once: Lighthouse itself
    python3 bench/lighthouse.py             # mobile, Lighthouse's default
    python3 bench/lighthouse.py --desktop

It builds the example site into a temporary folder, serves it the way GitHub
Pages serves a project site (under /<repo>/, via tests/support), and runs
Lighthouse with Debian's chromium (CHROME_PATH=/usr/bin/chromium; it never
downloads a browser). It prints the four category scores of each page, and
each scored audit that is not perfect, so a drop says what to fix.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.build import build  # noqa: E402
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.subpath_server import SubpathServer  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {"front page": "", "story": "stories/trump-eu-sanctions/"}


def run_lighthouse(url: str, report: Path, desktop: bool) -> dict[str, object]:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    if desktop:
        command.append("--preset=desktop")
    environment = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    subprocess.run(command, check=True, env=environment)
    result: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
    return result


def imperfect_audits(result: dict[str, object]) -> list[str]:
    audits = result["audits"]
    categories = result["categories"]
    assert isinstance(audits, dict) and isinstance(categories, dict)
    found = []
    for category in categories.values():
        for reference in category["auditRefs"]:
            audit = audits[reference["id"]]
            if reference["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                found.append(f"{category['id']}: {audit['id']} {audit['score']}{shown}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset")
    arguments = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: npm ci --prefix bench/lighthouse", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        report = build(ROOT, site)
        if not report.ok:
            print("the example site did not build", file=sys.stderr)
            return 1
        search_files = [name for name in report.files if name.startswith("pagefind/")]
        search_bytes = sum(len(report.files[name]) for name in search_files)
        seconds = dict(report.timings).get("search", 0.0)
        print(
            f"search index: {len(search_files)} files, {search_bytes / 1024:.0f} KiB, "
            f"made in {seconds * 1000:.0f} ms"
        )
        base_url = (ROOT / "content/site.yaml").read_text(encoding="utf-8")
        prefix = next(
            urlsplit(line.split(":", 1)[1].strip()).path
            for line in base_url.splitlines()
            if line.startswith("base_url:")
        )
        mode = "desktop" if arguments.desktop else "mobile"
        print(f"Lighthouse ({mode}), site served under {prefix}")
        print(f"{'page':<12} " + " ".join(f"{name:>15}" for name in CATEGORIES))
        with SubpathServer(site, prefix) as server:
            for name, path in PAGES.items():
                result = run_lighthouse(
                    server.url_for(path), Path(scratch) / f"{name}.json", arguments.desktop
                )
                categories = result["categories"]
                assert isinstance(categories, dict)
                scores = [round(categories[c]["score"] * 100) for c in CATEGORIES]
                print(f"{name:<12} " + " ".join(f"{score:>15}" for score in scores))
                for line in imperfect_audits(result):
                    print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
