"""Validated stories kept between builds: only the stories whose inputs changed are
read and anchored again.

A story's validation depends on its file, on the seeds it names (their bytes),
on content/site.yaml (labels) and content/sources.yaml, and on sitegen itself
(and on the anchor record only for quotes not found word for word, which make
a problem: such a story is not kept). The key of a story is a digest of all of
these; the seeds it names come from the entry kept for the same file (its text
is in the key). Only a story read without any problem is kept, so every warning
is reported again on every build.

The cache is `.sitegen/stories.json`: plain values, each story written field by
field (`encode`) and rebuilt from a fixed list of types (`decode`), never
pickled, as a cache file in a cloned project must not be able to run code.
A cache that does not read is ignored; it only costs time.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache_keys import digest
from .errors import Location
from .model import Article, Comparison, Highlight, Passage, Span, Story, Tag, Unrelated
from .seeds import Seed
from .state import write_state

CACHE_PATH = Path(".sitegen") / "stories.json"
VERSION = 2
TYPES: dict[str, type] = {
    kind.__name__: kind
    for kind in (Story, Article, Highlight, Comparison, Passage, Unrelated, Tag, Span, Location)
}


_FIELDS = {kind: tuple(f.name for f in dataclasses.fields(kind)) for kind in TYPES.values()}


@dataclass(frozen=True)
class Entry:
    seeds: tuple[str, ...]  # the seeds it names
    key: str  # digest of everything its validation depends on
    story: Any  # the encoded Story
    exact: dict[str, list[str]]  # per seed, the quotes (folded) that matched word for word


@dataclass
class StoryCache:
    entries: dict[str, Entry] = field(default_factory=dict)  # story file path -> entry
    kept: dict[str, Entry] = field(default_factory=dict)  # this build's, to write
    reused: int = 0


def story_key(context: str, text: str, seeds: list[tuple[str, str]]) -> str:
    """`context`: sitegen, site.yaml and sources.yaml; `seeds`: (name, digest) of each.

    The anchor record is not part of it: it changes only how a quote that is not in
    its seed word for word is treated, and a story with such a quote has a problem
    (a warning or an error), so it is never kept.
    """
    parts = [context, text]
    for name, seed_digest in seeds:
        parts += [name, seed_digest]
    return digest(parts)


def read_cache(project: Path) -> StoryCache:
    try:
        data = json.loads((project / CACHE_PATH).read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return StoryCache()
        entries = {
            path: Entry(tuple(e["seeds"]), e["key"], e["story"], e["exact"])
            for path, e in data["stories"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return StoryCache()
    return StoryCache(entries)


def write_cache(project: Path, cache: StoryCache) -> None:
    """Keep this build's stories; a failure to write only costs the next build time."""
    stories = {
        name: {
            "seeds": list(entry.seeds),
            "key": entry.key,
            "story": entry.story,
            "exact": entry.exact,
        }
        for name, entry in sorted(cache.kept.items())
    }
    # json.dumps, not json.dump: only the one-shot form uses the C encoder.
    text = json.dumps({"version": VERSION, "stories": stories}, separators=(",", ":"))
    write_state(project / CACHE_PATH, text)


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


def decode(value: Any, seed: Callable[[str], Seed]) -> Any:
    """The value `encode` made, with each seed given by `seed(name)`.

    Raises ValueError for anything `encode` does not make.
    """
    if not isinstance(value, list):
        if value is None or isinstance(value, str | int | float):
            return value
        raise ValueError(f"not a cached value: {value!r}")
    kind, *items = value
    if kind == "Seed":
        return seed(items[0])
    if kind == "tuple":
        return tuple(decode(item, seed) for item in items)
    if kind == "date":
        return datetime.date.fromisoformat(items[0])
    if kind not in TYPES:
        raise ValueError(f"not a cached type: {kind!r}")
    return TYPES[kind](*(decode(item, seed) for item in items))
