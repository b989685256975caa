"""What a build notes of its output folder comes back as written, row by row."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from sitegen.manifest import (
    FileRecord,
    Manifest,
    Previous,
    file_digest,
    manifest_path,
    read_manifest,
    write_manifest,
)


def a_manifest(output: Path) -> Manifest:
    return Manifest(
        folder_inode=output.stat().st_ino,
        files={
            "index.html": FileRecord("d1", 10, 1_000, 11),
            "stories/a/index.html": FileRecord("d2", 20, 2_000, 12),
            "feed.xml": FileRecord("d3", 30, 3_000, 13),
        },
        keys={"page:index.html": "k1", "story:a": "k2", "search": "k3"},
        units={"page:index.html": ("index.html",), "story:a": ("stories/a/index.html",)},
        search={"stories/a/index.html": "e1"},
    )


def test_a_rebuild_writes_what_changed_and_reads_back_the_whole(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.mkdir()
    first = a_manifest(output)
    write_manifest(tmp_path, output, first)
    assert read_manifest(tmp_path, output) == first
    # The next build: a file rewritten, one gone, a unit and a page added.
    files = dict(first.files)
    files["index.html"] = FileRecord("d9", 11, 4_000, 14)
    del files["feed.xml"]
    files["tags/index.html"] = FileRecord("d4", 40, 5_000, 15)
    second = dataclasses.replace(
        first,
        files=files,
        keys={**first.keys, "page:tags/index.html": "k4", "story:a": "k5"},
        units={**first.units, "page:tags/index.html": ("tags/index.html",)},
        search={},
    )
    write_manifest(tmp_path, output, second, read_manifest(tmp_path, output))
    assert read_manifest(tmp_path, output) == second


def test_a_manifest_that_does_not_read_is_no_manifest_and_is_written_anew(
    tmp_path: Path,
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    path = manifest_path(tmp_path, output)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database")
    assert read_manifest(tmp_path, output) is None
    manifest = a_manifest(output)
    write_manifest(tmp_path, output, manifest, None)
    assert read_manifest(tmp_path, output) == manifest


def test_in_a_replaced_output_folder_a_file_is_reused_only_for_its_bytes(tmp_path: Path) -> None:
    """A folder put back from a cache or a copy: every file is new to the disk, so each
    one the build would reuse is read, and kept only if it holds the bytes noted."""
    output = tmp_path / "output"
    output.mkdir()
    pages = {"index.html": b"<p>front</p>", "feed.xml": b"<feed/>", "gone.html": b"x"}
    for name, data in pages.items():
        (output / name).write_bytes(data)
    files = {}
    for name, data in pages.items():
        status = (output / name).stat()
        files[name] = FileRecord(
            file_digest(data), status.st_size, status.st_mtime_ns, status.st_ino
        )
    written = Manifest(folder_inode=output.stat().st_ino, files=files)
    write_manifest(tmp_path, output, written)
    output.rename(tmp_path / "elsewhere")
    shutil.copytree(tmp_path / "elsewhere", output)  # another folder, other inodes
    (output / "feed.xml").write_bytes(b"<FEED/>")  # the same size, other bytes
    (output / "gone.html").unlink()
    read = read_manifest(tmp_path, output)
    assert read is not None
    previous = Previous(output, read)
    assert previous.intact("index.html")
    assert not previous.intact("feed.xml")
    assert not previous.intact("gone.html")
    # The file read is known by its status now; the manifest read stays as it was.
    assert previous.record("index.html").inode == (output / "index.html").stat().st_ino
    assert read.files["index.html"] == files["index.html"]


def test_a_manifest_changed_by_another_process_is_read_again(tmp_path: Path) -> None:
    """A process keeps what it wrote (serve builds into one folder at every save), but
    never trusts it over the file once anyone else wrote the file."""
    import sqlite3

    output = tmp_path / "output"
    output.mkdir()
    manifest = a_manifest(output)
    write_manifest(tmp_path, output, manifest)
    assert read_manifest(tmp_path, output) == manifest
    with sqlite3.connect(manifest_path(tmp_path, output)) as other:
        other.execute("UPDATE keys SET key = 'changed' WHERE unit = 'story:a'")
    read = read_manifest(tmp_path, output)
    assert read is not None and read.keys["story:a"] == "changed"


def test_the_latest_build_is_one_whose_folder_is_still_there(tmp_path: Path) -> None:
    """`sitegen check` reuses the pages of the latest build: when output/ is deleted, that
    of another folder (serve's) that is still there."""
    import os

    from sitegen.manifest import latest_build

    served, output = tmp_path / "served", tmp_path / "output"
    for number, folder in enumerate((served, output)):
        folder.mkdir()
        write_manifest(tmp_path, folder, a_manifest(folder))
        # The output's manifest is the newer one.
        os.utime(manifest_path(tmp_path, folder), ns=(number, number))
    latest = latest_build(tmp_path)
    assert latest is not None and latest.output == output
    shutil.rmtree(output)
    assert read_manifest(tmp_path, output) is None
    latest = latest_build(tmp_path)
    assert latest is not None and latest.output == served
