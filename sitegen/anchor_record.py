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

from .state import file_status, write_state

RECORD_PATH = Path(".sitegen") / "anchors.json"
VERSION = 1


Record = dict[str, frozenset[str]]  # seed name -> the quotes that matched it, folded

# serve reads the record at every save, most often as its last build wrote it: at
# 15,000 seeds, decoding it took 0.1 s of each build. Kept with the file's status,
# and given again while the file has that status (read-only: a build makes a new one).
_READ: dict[Path, tuple[tuple[int, ...], Record]] = {}


def read_record(project: Path) -> Record:
    """The recorded quotes per seed name; empty when there is no readable record."""
    path = project / RECORD_PATH
    status = file_status(path)
    kept = _READ.get(path)
    if kept is not None and status is not None and kept[0] == status:
        return kept[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    seeds = data.get("seeds")
    if not isinstance(seeds, dict):
        return {}
    record = {
        str(name): frozenset(str(quote) for quote in quotes)
        for name, quotes in seeds.items()
        if isinstance(quotes, list)
    }
    if status is not None and status == file_status(path):  # not written while it was read
        _READ[path] = (status, record)
    return record


def merge(previous: Record, current: Mapping[str, frozenset[str]], seeds: frozenset[str]) -> Record:
    """The new record: what matched now added to what matched before, for seeds that exist.

    `previous` itself when that changes nothing, as in most builds (a quote is recorded
    once, when it first matches).
    """
    if previous.keys() <= seeds and all(
        name in previous and quotes <= previous[name] for name, quotes in current.items()
    ):
        return previous
    names = sorted((set(previous) | set(current)) & seeds)
    return {
        name: previous.get(name, frozenset()) | current.get(name, frozenset()) for name in names
    }


def write_record(project: Path, record: Record, previous: Record | None = None) -> None:
    """Write the record atomically; a failure to write it never fails a build.

    With `previous` (the record as read before the build), an unchanged record is not
    even encoded: most builds match no quote that had not matched before, and the
    record of 15,000 seeds takes 0.3 s to write out.
    """
    if previous is not None and record == previous:
        return
    path = project / RECORD_PATH
    seeds = {name: sorted(record[name]) for name in sorted(record)}
    text = json.dumps({"version": VERSION, "seeds": seeds}, ensure_ascii=False, indent=1) + "\n"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return  # unchanged: not written again
    write_state(path, text)
