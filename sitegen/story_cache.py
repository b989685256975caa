"""Validated stories kept between builds: only the stories whose inputs changed are
read and anchored again.

A story's validation depends on its file, on the seeds it names (their bytes),
on content/site.yaml (labels) and the ids of content/sources.yaml, and on
sitegen itself (and on the anchor record only for quotes not found word for
word, which make a problem: such a story is not kept). The key of a story is a
digest of all of these, made from the digests of the files (those the build's
fingerprint took, so that neither stories nor seeds are read again to know them
unchanged); the seeds it names come from the entry kept for the same file (its
digest is in the key). Only a story read without any problem is kept, so every
warning is reported again on every build.

The cache is `.sitegen/stories.sqlite`, a row per story file: plain JSON
values, each story written field by field (`encode`) and rebuilt from a fixed
list of types (`decode`), never pickled, as a cache file in a cloned project
must not be able to run code. A build writes only the rows of the stories it
validated again and deletes those of stories gone: rewriting the whole cache
took 0.4 s of a one-story rebuild at 5,000 stories. A cache that does not read
is ignored; it only costs time.

A story taken from the cache is a `CachedStory`: what every build needs of it
(its outline) is decoded at once, the rest only when a page that shows it is
rendered again. Each row keeps a digest of its story's JSON, checked before the
story is used, so that a damaged row is found while it can still be validated
again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache_keys import digest
from .errors import Location
from .model import (
    Article,
    Comparison,
    Highlight,
    Outline,
    Passage,
    Span,
    Story,
    Tag,
    Unrelated,
)
from .render.markdown import render_markdown
from .seeds import Seed
from .state import file_status

CACHE_PATH = Path(".sitegen") / "stories.sqlite"
VERSION = 5  # SQLite's user_version: a cache of another layout is emptied
TYPES: dict[str, type] = {
    kind.__name__: kind
    for kind in (
        Story,
        Article,
        Highlight,
        Comparison,
        Passage,
        Unrelated,
        Tag,
        Span,
        Location,
        Outline,
    )
}


_FIELDS = {kind: tuple(f.name for f in dataclasses.fields(kind)) for kind in TYPES.values()}


@dataclass(frozen=True)
class Entry:
    seeds: tuple[str, ...]  # the seeds it names
    key: str  # digest of everything its validation depends on
    story: str  # the encoded Story, as JSON
    exact: str  # as JSON: per seed, the quotes (folded) that matched word for word
    outline: str  # as JSON: the story's slug, date, tags, location and Outline, encoded
    check: str  # the digest of `story`


def new_entry(
    seeds: tuple[str, ...], key: str, story: Story, exact: Mapping[str, Iterable[str]]
) -> Entry:
    """The entry that keeps `story`. Raises TypeError for a field type `decode` cannot
    rebuild."""
    matched = {name: sorted(quotes) for name, quotes in sorted(exact.items())}
    encoded = json.dumps(encode(story), separators=(",", ":"))
    summary_html = render_markdown(story.summary)
    outline = (
        story.slug,
        story.date,
        story.tags,
        story.location,
        dataclasses.replace(story.outline, summary_html=str(summary_html)),
    )
    return Entry(
        seeds=seeds,
        key=key,
        story=encoded,
        exact=json.dumps(matched, separators=(",", ":")),
        outline=json.dumps(encode(outline), separators=(",", ":")),
        check=digest([encoded]),
    )


def kept_story(
    entry: Entry, seed: Callable[[str], Seed]
) -> tuple[Story, dict[str, set[str]]] | None:
    """The story an entry keeps (a CachedStory) and its quotes that matched word for
    word, per seed; None when the entry is not what `new_entry` made (a damaged row)."""
    if not _intact(entry.story, entry.check):
        return None
    outlined = _outline(entry.outline, entry.exact)
    if outlined is None:
        return None
    slug, date, tags, location, outline, exact = outlined
    matched = {name: set(quotes) for name, quotes in exact}

    def decoded() -> Story:
        story = decode(json.loads(entry.story), seed)
        if not isinstance(story, Story):
            raise ValueError(f"the story cache's row of {location.path} holds no story")
        return story

    return CachedStory(slug, date, tags, location, outline, decoded), matched


# serve checks every kept row at every save: 40 MB of stories' JSON to hash at 5,000
# stories. The rows it reads again are the same strings, whose hash Python keeps.
@functools.lru_cache(maxsize=20_000)
def _intact(story_json: str, check: str) -> bool:
    """Whether a row's story is the one its check was made of."""
    return digest([story_json]) == check


Outlined = tuple[
    str, datetime.date, tuple[Tag, ...], Location, Outline, tuple[tuple[str, frozenset[str]], ...]
]


# `serve` validates again at every save, and its stories are mostly the same rows:
# decoding 5,000 outlines took 0.4 s of each of its builds. An outline holds no seed,
# so its JSON alone gives it.
@functools.lru_cache(maxsize=20_000)
def _outline(outline_json: str, exact_json: str) -> Outlined | None:
    """The slug, date, tags, location and Outline an entry keeps, and its quotes that
    matched word for word; None for anything `new_entry` does not make."""

    def no_seed(name: str) -> Seed:
        raise ValueError(f"an outline names no seed, not {name}")

    try:
        slug, date, tags, location, outline = decode(json.loads(outline_json), no_seed)
        exact = json.loads(exact_json)
        matched = tuple((name, frozenset(quotes)) for name, quotes in exact.items())
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    if not (
        isinstance(slug, str)
        and isinstance(date, datetime.date)
        and isinstance(tags, tuple)
        and all(isinstance(tag, Tag) for tag in tags)
        and isinstance(location, Location)
        and isinstance(outline, Outline)
        and all(isinstance(name, str) for name, _ in matched)
        and all(isinstance(quote, str) for _, quotes in matched for quote in quotes)
    ):
        return None
    return slug, date, tags, location, outline, matched


class CachedStory(Story):
    """A story from the story cache, decoded past its outline only when first needed.

    A rebuild renders again the pages of the stories that changed and the lists that
    show them, so it needs most of the stories it keeps only for what lists are
    sorted, grouped and keyed by: decoding all 5,000 of the benchmark corpus took
    0.6 s of every rebuild, and a front page of 1,250 story cards 0.9 s more. Slug,
    date, tags, location and `outline` (with title and summary) are at hand; any
    other field decodes the story (in the render worker, for a story rendered
    again), and it compares, hashes and reads (repr) as that story.
    """

    _decode: Callable[[], Story]

    def __init__(
        self,
        slug: str,
        date: datetime.date,
        tags: tuple[Tag, ...],
        location: Location,
        outline: Outline,
        decode: Callable[[], Story],
    ) -> None:
        # Set as the frozen dataclass's own __init__ would; `outline` overrides the
        # value Story would compute from the articles.
        for name, value in (
            ("slug", slug),
            ("date", date),
            ("tags", tags),
            ("location", location),
            ("outline", outline),
            ("_decode", decode),
        ):
            object.__setattr__(self, name, value)

    @functools.cached_property
    def decoded(self) -> Story:
        story = self._decode()
        # Its tags as unify_tags spelled them for this build.
        return story if story.tags == self.tags else dataclasses.replace(story, tags=self.tags)

    def with_tags(self, tags: tuple[Tag, ...]) -> Story:
        return CachedStory(self.slug, self.date, tags, self.location, self.outline, self._decode)

    @property
    def title(self) -> str:
        return self.outline.title

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.decoded.articles

    @property
    def summary(self) -> str:
        return self.outline.summary

    @property
    def highlights(self) -> tuple[Highlight, ...]:
        return self.decoded.highlights

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        return self.decoded.comparisons

    @property
    def unrelated(self) -> tuple[Unrelated, ...]:
        return self.decoded.unrelated

    def __eq__(self, other: object) -> bool:
        return self.decoded == other if isinstance(other, Story) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.decoded)

    def __repr__(self) -> str:
        return repr(self.decoded)


@dataclass
class StoryCache:
    entries: dict[str, Entry] = field(default_factory=dict)  # story file path -> entry
    kept: dict[str, Entry] = field(default_factory=dict)  # this build's, to write
    reused: int = 0


def story_key(context: str, file_digest: str, seeds: list[tuple[str, str]]) -> str:
    """`context`: sitegen, site.yaml and the ids of sources.yaml; `file_digest`: the story file's
    (fingerprint.content_digest); `seeds`: (name, digest of its bytes) of each.

    The anchor record is not part of it: it changes only how a quote that is not in
    its seed word for word is treated, and a story with such a quote has a problem
    (a warning or an error), so it is never kept.
    """
    parts = [context, file_digest]
    for name, seed_digest in seeds:
        parts += [name, seed_digest]
    return digest(parts)


# serve reads the cache at every save, and it is what its last build wrote: at 5,000
# stories, reading every row again took 0.1 s of each build. Kept with the file's
# status once written, and given again while the file has that status.
_WRITTEN: dict[Path, tuple[tuple[int, ...], dict[str, Entry]]] = {}


def forget_written() -> None:
    """Read the cache from disk next time (for a test of what is on disk)."""
    _WRITTEN.clear()


def read_cache(project: Path) -> StoryCache:
    written = _WRITTEN.get(project / CACHE_PATH)
    if written is not None and written[0] == file_status(project / CACHE_PATH):
        return StoryCache(dict(written[1]))
    try:
        with contextlib.closing(_connect(project)) as connection:
            rows = connection.execute(
                "SELECT path, seeds, key, story, exact, outline, story_check FROM stories"
            )
            entries = {
                path: Entry(tuple(json.loads(seeds)), key, *row) for path, seeds, key, *row in rows
            }
    except (sqlite3.Error, OSError, ValueError, TypeError):
        return StoryCache()
    return StoryCache(entries)


def write_cache(project: Path, cache: StoryCache) -> None:
    """Keep this build's stories; a failure to write only costs the next build time."""
    changed = [
        (
            path,
            json.dumps(list(entry.seeds)),
            entry.key,
            entry.story,
            entry.exact,
            entry.outline,
            entry.check,
        )
        for path, entry in sorted(cache.kept.items())
        if cache.entries.get(path) is not entry
    ]
    gone = [(path,) for path in sorted(cache.entries.keys() - cache.kept.keys())]
    path = project / CACHE_PATH
    _WRITTEN.pop(path, None)
    with contextlib.suppress(sqlite3.Error, OSError):
        with contextlib.closing(_connect(project)) as connection, connection:
            connection.executemany(
                "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?)", changed
            )
            connection.executemany("DELETE FROM stories WHERE path = ?", gone)
        status = file_status(path)
        if status is not None:
            _WRITTEN[path] = (status, dict(cache.kept))


def _connect(project: Path) -> sqlite3.Connection:
    """The cache, made (or emptied) when it is missing or of another layout."""
    path = project / CACHE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
        with connection:
            connection.execute("DROP TABLE IF EXISTS stories")
            connection.execute(
                "CREATE TABLE stories (path TEXT PRIMARY KEY, seeds TEXT, key TEXT,"
                " story TEXT, exact TEXT, outline TEXT, story_check TEXT)"
            )
            connection.execute(f"PRAGMA user_version = {VERSION}")
    return connection


def encode(value: Any) -> Any:
    """A model value as JSON values: a dataclass as [type name, field values...]."""
    if isinstance(value, Seed):
        return ["Seed", value.name]
    if isinstance(value, tuple):
        return ["tuple", *(encode(item) for item in value)]
    names = _FIELDS.get(type(value))
    if names is not None:
        return [type(value).__name__, *(encode(getattr(value, name)) for name in names)]
    if isinstance(value, datetime.date):
        return ["date", value.isoformat()]
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot keep {type(value).__name__} in the story cache")


_PLAIN = (str, int, float, type(None))


def decode(value: Any, seed: Callable[[str], Seed]) -> Any:
    """The value `encode` made, with each seed given by `seed(name)`.

    Raises ValueError for anything `encode` does not make.
    """
    if not isinstance(value, list):
        if isinstance(value, _PLAIN):
            return value
        raise ValueError(f"not a cached value: {value!r}")
    kind = value[0]
    if kind == "Seed":
        return seed(value[1])
    if kind == "date":
        return datetime.date.fromisoformat(value[1])
    # Plain items are taken as they are, not through a call each: a rebuild decodes
    # every story it does not validate again (1.2 million values at 5,000 stories).
    items = [item if type(item) in _PLAIN else decode(item, seed) for item in value[1:]]
    if kind == "tuple":
        return tuple(items)
    if kind not in TYPES:
        raise ValueError(f"not a cached type: {kind!r}")
    return TYPES[kind](*items)
