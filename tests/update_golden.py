"""Regenerate tests/golden/example/, the reviewed output of the example site.

Run after an intended change to the output: python3 tests/update_golden.py
Then review `git diff tests/golden` before committing it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "example"

sys.path.insert(0, str(ROOT))

from sitegen.cli import main  # noqa: E402


def update() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "site"
        code = main(["build", "--source", str(ROOT), "--output", str(output)])
        if code != 0:
            return code
        shutil.rmtree(GOLDEN, ignore_errors=True)
        # Not the theme's static files (copied as they are from themes/) nor
        # Pagefind's index (third-party, binary); other tests cover both.
        shutil.copytree(output, GOLDEN, ignore=shutil.ignore_patterns("pagefind", "static"))
    print(f"wrote {GOLDEN.relative_to(ROOT)}; review it with: git diff tests/golden")
    return 0


if __name__ == "__main__":
    sys.exit(update())
