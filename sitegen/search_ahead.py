"""Making, while a rebuild renders its lists, the search shards of the story pages it changed.

A rebuild that renders few stories renders them first (render.site.render_files),
and their pages' search entries are then known. Pagefind runs in a process of its
own, so the shards that hold those pages can be made on the second core while this
process renders the front page and the lists that show the stories: a shard is
Pagefind's longest job of a one-story edit (2 s for its 150-200 pages).

Which pages the shards hold is a guess at that point: the previous build's indexed
pages, with the pages rendered so far in place. The search stage (build._search_into)
takes a shard made ahead only when the key it was made under is the key of that
shard over the pages the build indexes in the end, so a wrong guess (a list page a
theme indexes changed too, a story was deleted) costs the Pagefind run and nothing
else: the shard is then made again as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .pagefind_reads import SearchInput
from .pagefind_service import PagefindService
from .search import (
    SearchEntry,
    pagefind_executable,
    shard_count,
    shard_key,
    shard_of,
)

# Shards made ahead at most: a one-story edit changes one or two. A rebuild that
# changes more is left to the search stage, which gives Pagefind every core.
MAX_AHEAD = 2

Result = dict[str, bytes] | str  # the files of a shard, or what went wrong


@dataclass
class ShardsAhead:
    """The shards being made ahead, by the shard key they are made under."""

    _made: dict[str, Future[Result]] = field(default_factory=dict)
    _services: list[PagefindService] = field(default_factory=list)
    _pool: ThreadPoolExecutor | None = None

    def start(self, executable: Path, key: str, pages: list[tuple[str, SearchInput]]) -> None:
        """Start Pagefind on a shard's pages, in a process of its own."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(MAX_AHEAD)
        service = PagefindService(executable)
        self._services.append(service)
        self._made[key] = self._pool.submit(service.index, pages)

    def result(self, key: str) -> Callable[[], Result] | None:
        """What waits for the shard made under `key`, if one is being made."""
        future = self._made.get(key)
        return future.result if future is not None else None

    def stop(self) -> None:
        """Stop what is under way (a failed or interrupted build) and wait for it to end."""
        for service in self._services:
            service.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def index_ahead(
    indexed_before: Mapping[str, str],
    rendered: Mapping[str, str | None],
    previous_key: Callable[[int, int, str], bool],
    entries: Callable[[list[str]], dict[str, SearchEntry]],
) -> ShardsAhead:
    """Start making the shards that the pages rendered so far change.

    `indexed_before` maps each page the previous build indexed to its entry's name,
    and `rendered` each page rendered so far to its entry's name (None: not
    indexed). `previous_key(count, shard, key)` tells whether the previous build
    made that shard of a `count`-shard index under that key; `entries(names)` gives
    the kept entries among these names. Shards whose pages' entries are not all
    kept are left to the search stage.
    """
    indexed = dict(indexed_before)
    for path, name in rendered.items():
        if name is None:
            indexed.pop(path, None)
        else:
            indexed[path] = name
    count = shard_count(len(indexed))
    pages: dict[int, list[str]] = {}
    for path in sorted(indexed):
        pages.setdefault(shard_of(path, count), []).append(path)
    touched = sorted({shard_of(path, count) for path in rendered if path in indexed})
    ahead = ShardsAhead()
    jobs: list[tuple[str, list[tuple[str, str]]]] = []
    for shard in touched:
        named = [(path, indexed[path]) for path in pages[shard]]
        key = shard_key(named)
        if not previous_key(count, shard, key):
            jobs.append((key, named))
    executable = pagefind_executable()
    if not jobs or len(jobs) > MAX_AHEAD or executable is None:
        return ahead
    for key, named in jobs:
        found = entries([name for _, name in named])
        if len(found) == len(named):
            ahead.start(executable, key, [(path, found[name].input) for path, name in named])
    return ahead
