"""What each page and each shard gives the search index, kept between builds.

The search index is made from every page's search input and words
(search.search_entry), so a rebuild that reuses a page still needs them when
the page's shard is made again. Reading them back from the page would mean
parsing it again; instead each page's entry is kept in `.sitegen/search.sqlite`
under the digest of the page's bytes, and the words of each shard under the
digest of its list of pages: a rebuild reads only the entries of the shards it
makes again, and the words of the others in a row each. A build adds each page's
entry as the page is rendered, and reads them back a shard at a time as the
shard is indexed, so that no process holds the search inputs of the whole site
(400 MB at 5,000 stories). A lost or unreadable store only costs time: an entry
is then made again from the page in the output folder.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .search import SearchEntry, ShardWords, Words

STORE_PATH = Path(".sitegen") / "search.sqlite"
VERSION = 4  # SQLite's user_version: a store of another layout is emptied


class SearchInputs:
    """A store of search entries by page digest, and of words by shard; a context manager."""

    def __init__(self, project: Path) -> None:
        self._connection: sqlite3.Connection | None = None
        # Shards are indexed from threads, each reading its pages: one at a time.
        self._lock = threading.Lock()
        with contextlib.suppress(sqlite3.Error, OSError):
            path = project / STORE_PATH
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, check_same_thread=False)
            if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                with connection:
                    for table in ("inputs", "entries", "shards"):
                        connection.execute(f"DROP TABLE IF EXISTS {table}")
                    connection.execute(
                        "CREATE TABLE entries"
                        " (digest TEXT PRIMARY KEY, input TEXT, language TEXT, words TEXT)"
                    )
                    connection.execute("CREATE TABLE shards (digest TEXT PRIMARY KEY, words TEXT)")
                    connection.execute(f"PRAGMA user_version = {VERSION}")
            self._connection = connection

    def __enter__(self) -> SearchInputs:
        return self

    def __exit__(self, *exception: object) -> None:
        if self._connection is not None:
            self._connection.close()

    def entries(self, digests: Iterable[str]) -> dict[str, SearchEntry]:
        """The kept entries among these page digests (those not kept are left out)."""
        return {
            digest: SearchEntry(value, language, words)
            for digest, value, language, words in self._rows(
                "entries", "input, language, words", digests
            )
        }

    def words(self, digests: Iterable[str]) -> dict[str, Words]:
        """The kept words of the pages with these digests."""
        return {
            digest: {language: frozenset(words.split())}
            for digest, language, words in self._rows("entries", "language, words", digests)
        }

    def shard_words(self, digests: Iterable[str]) -> dict[str, ShardWords]:
        """The kept words of the shards whose lists of pages have these digests."""
        found = {}
        for digest, words in self._rows("shards", "words", digests):
            if (decoded := _decode(words)) is not None:
                found[digest] = decoded
        return found

    def add(self, digest: str, entry: SearchEntry) -> None:
        """Add a page's entry, to keep once the build is done (`keep`); readable at once."""
        if self._connection is None:
            return
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._connection.execute(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                (digest, entry.input, entry.language, entry.words),
            )

    def keep(
        self,
        shards: Mapping[str, ShardWords],
        live_entries: Iterable[str],
        live_shards: Iterable[str],
    ) -> None:
        """Keep the entries added and these shards' words; forget those not live."""
        if self._connection is None:
            return
        with self._lock, contextlib.suppress(sqlite3.Error), self._connection as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO shards VALUES (?, ?)",
                [(d, json.dumps(words)) for d, words in sorted(shards.items())],
            )
            for table, live in (("entries", live_entries), ("shards", live_shards)):
                connection.execute("CREATE TEMP TABLE IF NOT EXISTS live (digest TEXT)")
                connection.execute("DELETE FROM live")
                connection.executemany("INSERT INTO live VALUES (?)", [(d,) for d in live])
                connection.execute(
                    f"DELETE FROM {table} WHERE digest NOT IN (SELECT digest FROM live)"
                )

    def _rows(self, table: str, columns: str, digests: Iterable[str]) -> Iterator[tuple[str, ...]]:
        if self._connection is None:
            return
        wanted = list(digests)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT digest, {columns} FROM {table} WHERE digest IN ({marks})"
            rows = []
            with self._lock, contextlib.suppress(sqlite3.Error):
                rows = self._connection.execute(query, chunk).fetchall()
            yield from (row for row in rows if all(isinstance(value, str) for value in row))


def _decode(text: str) -> ShardWords | None:
    """The words `keep` wrote, or None when the row is not what it wrote."""
    try:
        data = json.loads(text)
        decoded = {int(bucket): dict(found) for bucket, found in data.items()}
    except (ValueError, AttributeError, TypeError):
        return None
    if not all(isinstance(words, str) for found in decoded.values() for words in found.values()):
        return None
    return decoded
