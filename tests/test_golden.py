"""The example site's output, diffed against its reviewed golden copy.

A failure here means the output changed. If the change is intended, run
`python3 tests/update_golden.py`, review `git diff tests/golden`, and commit.
"""

from __future__ import annotations

import difflib
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "example"


UNPINNED = ("pagefind", "static")  # Pagefind's binary index; the theme's files as they are


def files(folder: Path) -> dict[str, bytes]:
    """Every file the build writes, but those of UNPINNED (other tests cover them)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] not in UNPINNED
    }


def test_example_site_matches_its_golden_copy(example_site: Path) -> None:
    expected, actual = files(GOLDEN), files(example_site)
    assert sorted(actual) == sorted(expected), "the set of output files changed"
    for name, data in expected.items():
        if actual[name] != data:
            diff = difflib.unified_diff(
                data.decode("utf-8", "replace").splitlines(),
                actual[name].decode("utf-8", "replace").splitlines(),
                f"golden/{name}",
                f"built/{name}",
                lineterm="",
                n=1,
            )
            raise AssertionError(
                f"{name} differs from its golden copy "
                "(if intended: python3 tests/update_golden.py):\n" + "\n".join(list(diff)[:40])
            )
