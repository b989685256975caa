"""What each page gives the search index, kept between builds.

The search index is made from every page's search input (search.search_input),
so a rebuild that reuses a page still needs that page's input. Reading it back
from the page would mean parsing every page again; instead each input is kept
in `.sitegen/search.sqlite`, under the digest of the page's bytes, and only
the inputs of pages rendered anew are computed. A lost or unreadable store only
costs time: the input is then computed from the page in the output folder.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

STORE_PATH = Path(".sitegen") / "search.sqlite"


class SearchInputs:
    """A store of search inputs by page digest; use as a context manager."""

    def __init__(self, project: Path) -> None:
        self._connection: sqlite3.Connection | None = None
        with contextlib.suppress(sqlite3.Error, OSError):
            path = project / STORE_PATH
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS inputs (digest TEXT PRIMARY KEY, value TEXT)"
            )
            self._connection = connection

    def __enter__(self) -> SearchInputs:
        return self

    def __exit__(self, *exception: object) -> None:
        if self._connection is not None:
            self._connection.close()

    def get(self, digests: Iterable[str]) -> dict[str, str]:
        """The kept inputs among these digests (those not kept are left out)."""
        if self._connection is None:
            return {}
        found: dict[str, str] = {}
        wanted = list(digests)
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT digest, value FROM inputs WHERE digest IN ({marks})"
                for digest, value in self._connection.execute(query, chunk):
                    if isinstance(value, str):
                        found[digest] = value
        except sqlite3.Error:
            return found
        return found

    def keep(self, inputs: dict[str, str], live: Iterable[str]) -> None:
        """Add `inputs` and forget every input whose digest is not in `live`."""
        if self._connection is None:
            return
        with contextlib.suppress(sqlite3.Error), self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO inputs VALUES (?, ?)",
                sorted(inputs.items()),
            )
            self._connection.execute("CREATE TEMP TABLE IF NOT EXISTS live (digest TEXT)")
            self._connection.execute("DELETE FROM live")
            self._connection.executemany(
                "INSERT INTO live VALUES (?)", [(digest,) for digest in live]
            )
            self._connection.execute(
                "DELETE FROM inputs WHERE digest NOT IN (SELECT digest FROM live)"
            )
