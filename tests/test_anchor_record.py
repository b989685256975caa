"""The record of quotes that once matched their seeds word for word (.sitegen/anchors.json)."""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.anchor_record import RECORD_PATH, merge, read_record, write_record


def test_a_record_comes_back_as_written(tmp_path: Path) -> None:
    record = {"a.txt": frozenset({"one quote", "another"}), "b.txt": frozenset({"third"})}
    write_record(tmp_path, record)
    assert read_record(tmp_path) == record
    on_disk = json.loads((tmp_path / RECORD_PATH).read_text(encoding="utf-8"))
    assert on_disk["seeds"] == {"a.txt": ["another", "one quote"], "b.txt": ["third"]}


def test_quotes_matched_now_are_added_and_seeds_gone_are_dropped() -> None:
    previous = {"a.txt": frozenset({"old"}), "gone.txt": frozenset({"x"})}
    current = {"a.txt": frozenset({"new"}), "b.txt": frozenset({"first"})}
    merged = merge(previous, current, frozenset({"a.txt", "b.txt"}))
    assert merged == {"a.txt": frozenset({"old", "new"}), "b.txt": frozenset({"first"})}


def test_a_build_that_matches_nothing_new_leaves_the_record_as_it_was(tmp_path: Path) -> None:
    previous = {"a.txt": frozenset({"old", "older"})}
    write_record(tmp_path, previous)
    before = (tmp_path / RECORD_PATH).stat()
    merged = merge(previous, {"a.txt": frozenset({"old"})}, frozenset({"a.txt"}))
    assert merged == previous
    write_record(tmp_path, merged, previous)
    after = (tmp_path / RECORD_PATH).stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_a_record_changed_by_another_process_is_read_again(tmp_path: Path) -> None:
    """A process keeps the record it read (serve reads it at every save), but never
    trusts it over the file once anyone else wrote the file."""
    write_record(tmp_path, {"a.txt": frozenset({"old"})})
    assert read_record(tmp_path) == {"a.txt": frozenset({"old"})}
    path = tmp_path / RECORD_PATH
    path.write_text(json.dumps({"version": 1, "seeds": {"a.txt": ["new!"]}}), encoding="utf-8")
    assert read_record(tmp_path) == {"a.txt": frozenset({"new!"})}
    path.unlink()
    assert read_record(tmp_path) == {}
