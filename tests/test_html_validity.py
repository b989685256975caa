"""Every page of the example site passes the Nu Html Checker (vnu) with zero errors.

vnu comes from the npm package vnu-jar (package.json; `npm ci` installs it)
and runs with Java. Without them the test is skipped, except in CI, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

VNU = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"


def test_every_page_and_the_stylesheet_are_valid(example_site: Path) -> None:
    java = shutil.which("java")
    if not (java and VNU.is_file()):
        if os.environ.get("CI"):
            pytest.fail("the Nu Html Checker needs java and `npm ci` (vnu-jar)")
        pytest.skip("the Nu Html Checker needs java and `npm ci` (vnu-jar)")
    pages = sorted(str(p) for p in example_site.rglob("*.html"))
    stylesheets = sorted(str(p) for p in example_site.rglob("*.css"))
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--also-check-css",
            *pages,
            *stylesheets,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert len(pages) >= 10
    assert errors == []
