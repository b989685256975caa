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

Pagefind does two thirds of a shard's work as it is given each page, and pages are
given in path order. So a shard can start sooner still (`index_early`): once the
story files to validate again are known and read without a problem, before the
rest of the site is put together, each shard that holds their pages is given the
pages that come before them, as the previous build indexed them. When only story
files were edited, their shards begin sooner again, before the project is read: a
story's page is named by its file. Once the stories are rendered, the rest follows
if those first pages are still the shard's; else the early run is dropped. The
pages of a few stories read anew are rendered as soon as they are read, from a site
of those stories alone (build), and `index_sooner` gives their shards the rest of
their pages then, before the render stage begins.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .pagefind_reads import SearchInput
from .pagefind_service import More, PagefindService
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


Named = list[tuple[str, str]]  # (page, its entry's name in the store), in path order
Pages = list[tuple[str, SearchInput]]  # (page, what Pagefind reads of it)


@dataclass
class _Early:
    """A shard begun before its pages were all rendered: `first` given to Pagefind, the
    rest to come through `rest` (None: dropped)."""

    count: int
    shard: int
    first: Named
    rest: Future[Pages | None]
    made: Future[Result]


@dataclass
class ShardsAhead:
    """The shards being made ahead, by the shard key they are made under."""

    _made: dict[str, Future[Result]] = field(default_factory=dict)
    _early: list[_Early] = field(default_factory=list)
    _services: list[PagefindService] = field(default_factory=list)
    _pool: ThreadPoolExecutor | None = None

    def start(self, executable: Path, key: str, pages: Pages) -> None:
        """Start Pagefind on a shard's pages, in a process of its own."""
        self._made[key] = self._submit(executable, pages)

    def start_early(
        self, executable: Path, count: int, shard: int, first: Named, pages: Pages
    ) -> None:
        """Start Pagefind on the first pages of a shard (`first`, read as `pages`)."""
        rest: Future[Pages | None] = Future()
        made = self._submit(executable, pages, rest.result)
        self._early.append(_Early(count, shard, first, rest, made))

    def finish_early(
        self, key: str, count: int, shard: int, named: Named, pages: Callable[[Named], Pages | None]
    ) -> bool:
        """Give an early shard the rest of its pages, if its first pages are those of
        `named` (the shard's pages now, whose key is `key`); `pages` reads them."""
        for early in self._early:
            if (early.count, early.shard) == (count, shard):
                self._early.remove(early)
                rest = None
                if named[: len(early.first)] == early.first:
                    rest = pages(named[len(early.first) :])
                early.rest.set_result(rest)
                if rest is not None:
                    self._made[key] = early.made
                return rest is not None
        return False

    def begun(self) -> set[tuple[int, int]]:
        """The shards begun early and not finished, as (count, shard): that shard of a
        `count`-shard index."""
        return {(early.count, early.shard) for early in self._early}

    def drop_early(self) -> None:
        """Drop the early shards not finished: their Pagefind runs end at once."""
        for early in self._early:
            early.rest.set_result(None)
        self._early.clear()

    def _submit(self, executable: Path, pages: Pages, more: More | None = None) -> Future[Result]:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(MAX_AHEAD)
        service = PagefindService(executable)
        self._services.append(service)
        return self._pool.submit(service.index, pages, more)

    def result(self, key: str) -> Callable[[], Result] | None:
        """What waits for the shard made under `key`, if one is being made."""
        future = self._made.get(key)
        return future.result if future is not None else None

    def __enter__(self) -> ShardsAhead:
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop what is under way (a failed or interrupted build) and wait for it to end."""
        self.drop_early()
        for service in self._services:
            service.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def index_early(
    ahead: ShardsAhead,
    indexed_before: Mapping[str, str],
    changing: Collection[str],
    entries: Callable[[list[str]], dict[str, SearchEntry]],
) -> None:
    """Begin, into `ahead`, the shards that hold the pages `changing` (to be rendered
    again) with the pages before them, as the previous build indexed them
    (`indexed_before`: page -> its entry's name; `entries` as for `index_ahead`). The
    site is taken to have the pages the previous build indexed: an edit's. A shard
    begun early already is not begun again; when the shards begun and to begin are
    more than MAX_AHEAD, those begun are dropped and none is begun."""
    count = shard_count(len(indexed_before))
    begun = ahead.begun()
    first_changing: dict[int, str] = {}
    for path in changing:
        shard = shard_of(path, count)
        if (count, shard) not in begun:
            first_changing[shard] = min(first_changing.get(shard, path), path)
    if len(begun) + len(first_changing) > MAX_AHEAD:
        ahead.drop_early()  # a bigger rebuild (the search stage gives Pagefind every core)
        return
    executable = pagefind_executable()
    if not first_changing or executable is None:
        return
    before: dict[int, Named] = {shard: [] for shard in first_changing}
    for path in sorted(indexed_before):
        shard = shard_of(path, count)
        if shard in before and path < first_changing[shard]:
            before[shard].append((path, indexed_before[path]))
    for shard, named in before.items():
        found = entries([name for _, name in named])
        if named and len(found) == len(named):
            pages = [(path, found[name].input) for path, name in named]
            ahead.start_early(executable, count, shard, named, pages)


def index_sooner(
    ahead: ShardsAhead,
    indexed_before: Mapping[str, str],
    rendered: Mapping[str, tuple[str, SearchEntry | None]],
    entries: Callable[[list[str]], dict[str, SearchEntry]],
) -> None:
    """Give the shards of the pages `rendered` ahead of the build (page -> (its entry's
    name, the entry; None: not indexed)) all their pages, as soon as they are rendered:
    those pages, and the others as the previous build indexed them (`indexed_before`,
    `entries` as for `index_ahead`). A shard begun early takes the rest of its pages;
    another is begun whole. `index_ahead` takes what was made when the shard's key
    turns out the same (the pages as the build renders them), else makes it again."""
    names = {path: None if entry is None else name for path, (name, entry) in rendered.items()}
    count, shards = _touched_shards(indexed_before, names)
    executable = pagefind_executable()
    if not shards or len(shards) > MAX_AHEAD or executable is None:
        return
    inputs = {name: entry.input for name, entry in rendered.values() if entry is not None}
    read = _reader(entries, inputs)
    for shard, named in sorted(shards.items()):
        _make(ahead, executable, count, shard, shard_key(named), named, read)


def index_ahead(
    ahead: ShardsAhead,
    indexed_before: Mapping[str, str],
    rendered: Mapping[str, str | None],
    previous_key: Callable[[int, int, str], bool],
    entries: Callable[[list[str]], dict[str, SearchEntry]],
) -> None:
    """Start making, into `ahead`, the shards that the pages rendered so far change.

    `indexed_before` maps each page the previous build indexed to its entry's name,
    and `rendered` each page rendered so far to its entry's name (None: not
    indexed). `previous_key(count, shard, key)` tells whether the previous build
    made that shard of a `count`-shard index under that key; `entries(names)` gives
    the kept entries among these names. Shards whose pages' entries are not all
    kept are left to the search stage. A shard begun early in `ahead` (index_early)
    is finished rather than made again, if it began with the right pages; the other
    early ones are dropped.
    """
    count, shards = _touched_shards(indexed_before, rendered)
    jobs: list[tuple[str, int, Named]] = []
    for shard, named in sorted(shards.items()):
        key = shard_key(named)
        if not previous_key(count, shard, key):
            jobs.append((key, shard, named))
    executable = pagefind_executable()
    if not jobs or len(jobs) > MAX_AHEAD or executable is None:
        ahead.drop_early()
        return
    read = _reader(entries)
    for key, shard, named in jobs:
        _make(ahead, executable, count, shard, key, named, read)
    ahead.drop_early()


def _touched_shards(
    indexed_before: Mapping[str, str], rendered: Mapping[str, str | None]
) -> tuple[int, dict[int, Named]]:
    """The index once the pages `rendered` (page -> its entry's name; None: not indexed)
    take the place of those the previous build indexed: its shard count, and the
    pages of each shard that holds one of them."""
    indexed = dict(indexed_before)
    for path, name in rendered.items():
        if name is None:
            indexed.pop(path, None)
        else:
            indexed[path] = name
    count = shard_count(len(indexed))
    shards: dict[int, Named] = {shard_of(path, count): [] for path in rendered if path in indexed}
    for path in sorted(indexed):
        shard = shard_of(path, count)
        if shard in shards:
            shards[shard].append((path, indexed[path]))
    return count, shards


def _reader(
    entries: Callable[[list[str]], dict[str, SearchEntry]],
    inputs: Mapping[str, SearchInput] | None = None,
) -> Callable[[Named], Pages | None]:
    """What reads the pages of a shard: from `inputs` (by entry name), else from the
    kept `entries`; None when one is in neither."""
    given = inputs or {}

    def read(named: Named) -> Pages | None:
        found = entries([name for _, name in named if name not in given])
        pages: Pages = []
        for path, name in named:
            if name in given:
                pages.append((path, given[name]))
            elif name in found:
                pages.append((path, found[name].input))
            else:
                return None
        return pages

    return read


def _make(
    ahead: ShardsAhead,
    executable: Path,
    count: int,
    shard: int,
    key: str,
    named: Named,
    read: Callable[[Named], Pages | None],
) -> None:
    """Make that shard under `key` in `ahead`: unless made already (index_sooner), by
    the run begun early for it, if it began with the right pages, else anew."""
    if ahead.result(key) is not None or ahead.finish_early(key, count, shard, named, read):
        return
    whole = read(named)
    if whole is not None:
        ahead.start(executable, key, whole)
