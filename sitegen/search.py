"""Full-text search: a Pagefind index of the rendered pages, made during the build.

Pagefind indexes HTML files on disk, so the rendered pages are written to a
scratch folder, indexed there, and the index comes back as more files of the
site under `pagefind/`. Only the parts of pages marked `data-pagefind-body`
are indexed (in the default theme: each story's articles, highlights, notes
and comparisons). The theme's own small script (`static/search.js`) loads
`pagefind/pagefind.js` by a relative URL and makes result links relative to
the site's root, so search works under any base_url prefix and needs nothing
but the site itself: no CDN, no server code.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, Problem
from .output import WriteFailed

SEARCH_FOLDER = "pagefind"
# Pagefind's ready-made interfaces and highlighter: the theme talks to pagefind.js
# directly, so these would only add 400 kB that no page loads.
UNUSED_FILES = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    }
)
TIMEOUT_SECONDS = 300  # indexing 10,000 pages takes Pagefind well under a minute


@dataclass(frozen=True)
class SearchIndex:
    files: dict[str, bytes]  # output path (under pagefind/) -> bytes


def pagefind_executable() -> Path | None:
    """The Pagefind binary that `pagefind[bin]` ships, or the one PAGEFIND_BINARY_PATH names."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    return get_executable()


def build_search_index(site_files: dict[str, bytes]) -> SearchIndex | Problem:
    """The search index of the site's pages, or the problem that kept Pagefind from making it.

    Raises output.WriteFailed when the scratch copy of the pages cannot be written.
    """
    executable = pagefind_executable()
    if executable is None:
        return Problem(
            Location(f"{SEARCH_FOLDER}/"),
            "the search index needs Pagefind, which is not installed",
            "install it with: python3 -m pip install 'pagefind[bin]'",
        )
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as scratch:
        site = Path(scratch) / "site"
        try:
            for name, data in site_files.items():
                if name.endswith(".html") and name != "404.html":
                    path = site / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
        except OSError as error:
            # A full disk or no permission, as in the write stage: nothing is written.
            raise WriteFailed(
                f"could not write the pages to index in {scratch}: {error.strerror or error}"
            ) from error
        bundle = Path(scratch) / SEARCH_FOLDER
        command = [str(executable), "--site", str(site), "--output-path", str(bundle), "--quiet"]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return _failed(str(error))
        if result.returncode != 0:
            return _failed(result.stderr or result.stdout)
        files = {
            f"{SEARCH_FOLDER}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
            for path in sorted(bundle.rglob("*"))
            if path.is_file() and path.name not in UNUSED_FILES
        }
    return SearchIndex(files)


def _failed(output: str) -> Problem:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return Problem(
        Location(f"{SEARCH_FOLDER}/"),
        "Pagefind could not build the search index",
        "\n".join(lines[-10:]) or "Pagefind gave no reason",
    )
