"""The record of which quotes once matched each seed word for word.

A quote that no longer matches its seed exactly is either an editor's slip
(FORMAT.md: an error) or the seed was scraped again and moved under a quote
that was right (issue 4: find it again, and warn). Only history tells the two
apart, so each successful build records, per seed, the quotes (folded) that
matched it word for word; validation re-anchors only quotes found here.

The record lives in `.sitegen/anchors.json` of the site project: sitegen's
own notes, never published, safe to delete (re-anchoring then waits for the
next build that finds the quotes exactly).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path

from .state import write_state

RECORD_PATH = Path(".sitegen") / "anchors.json"
VERSION = 1


def read_record(project: Path) -> dict[str, frozenset[str]]:
    """The recorded quotes per seed name; empty when there is no readable record."""
    try:
        data = json.loads((project / RECORD_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    seeds = data.get("seeds")
    if not isinstance(seeds, dict):
        return {}
    return {
        str(name): frozenset(str(quote) for quote in quotes)
        for name, quotes in seeds.items()
        if isinstance(quotes, list)
    }


def merge(
    previous: Mapping[str, frozenset[str]],
    current: Mapping[str, frozenset[str]],
    seeds: frozenset[str],
) -> dict[str, list[str]]:
    """The new record: what matched now added to what matched before, for seeds that exist."""
    names = sorted((set(previous) | set(current)) & seeds)
    return {
        name: sorted(previous.get(name, frozenset()) | current.get(name, frozenset()))
        for name in names
    }


def write_record(
    project: Path,
    record: Mapping[str, list[str]],
    previous: Mapping[str, frozenset[str]] | None = None,
) -> None:
    """Write the record atomically; a failure to write it never fails a build.

    With `previous` (the record as read before the build), an unchanged record is not
    even encoded: most builds match no quote that had not matched before, and the
    record of 15,000 seeds takes 0.3 s to write out.
    """
    if (
        previous is not None
        and len(previous) == len(record)
        and all(previous.get(name) == frozenset(quotes) for name, quotes in record.items())
    ):
        return
    path = project / RECORD_PATH
    text = json.dumps({"version": VERSION, "seeds": record}, ensure_ascii=False, indent=1) + "\n"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return  # unchanged: not written again
    write_state(path, text)
