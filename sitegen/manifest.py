"""What the last build wrote into an output folder, for the next build to reuse.

After every build, `.sitegen/outputs/<digest of the output path>.sqlite` holds:
each file written (its digest, and its size, modification time and inode as
the disk showed them right after), and each unit of work (a story's files, a
list page, the search index) with the cache key it was rendered under and the
files it made. A row each, so that a build writes only the rows that differ
from what it read (re-encoding 37,000 files' records as one JSON file took
0.3 s of a one-story rebuild at 5,000 stories). The next build into the same
folder reuses a unit whose key is unchanged, leaving its files in place in the
output folder (output.Staging), but only when each of those files still holds the
bytes noted here: a file edited or replaced by hand is rendered again.

A file is known unchanged by its size, time and inode, as noted; one whose
status changed is read, and kept when its bytes are still those noted. So a
folder restored with its `.sitegen/` from a cache (a CI run's, see the Pages
workflow) or copied back, where every file is new to the disk, is reused
after a read instead of being rendered again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar

from .state import file_status

OUTPUTS_FOLDER = Path(".sitegen") / "outputs"
VERSION = 2  # SQLite's user_version: a manifest of another layout is not read


class FileRecord(NamedTuple):
    """A named tuple, not a dataclass: a rebuild at 5,000 stories reads 37,552 of them,
    and a frozen dataclass took 0.13 s to make them."""

    digest: str  # of the bytes (BLAKE2b)
    size: int
    mtime_ns: int
    inode: int


@dataclass
class Manifest:
    folder_inode: int = 0
    files: dict[str, FileRecord] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # unit -> the key it was made under
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unit -> its files
    search: dict[str, str] = field(default_factory=dict)  # page -> digest of its search input


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def manifest_path(project: Path, output: Path) -> Path:
    name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=10).hexdigest()
    return project / OUTPUTS_FOLDER / f"{name}.sqlite"


# The manifest this process last wrote for each output folder, with the status its file
# had then: `serve` builds into one folder again and again, and reading back 37,552
# files' rows took 0.2-0.3 s of each of its builds at 5,000 stories.
_WRITTEN: dict[Path, tuple[tuple[int, ...], Manifest]] = {}


def written_here(project: Path, output: Path, manifest: Manifest) -> bool:
    """Whether `manifest` is the one this process wrote last for `output`, which
    `read_manifest` gives only while its file is as written: then no other build has
    been into that folder since (nor a commit of this process failed half-way)."""
    written = _WRITTEN.get(manifest_path(project, output))
    return written is not None and written[1] is manifest


def trust_as_written(project: Path, output: Path, describes: Callable[[Manifest], bool]) -> None:
    """Take the manifest of `output` as the one this process wrote last (written_here),
    if `describes` finds it describes the folder file for file as it is (as `serve`
    finds its own folder when started again over an unchanged project)."""
    path = manifest_path(project, output)
    status = file_status(path)
    manifest = read_manifest(project, output)
    if manifest is None or status is None or file_status(path) != status:
        return
    if describes(manifest):
        _WRITTEN[path] = (status, manifest)


def forget_written(project: Path, output: Path) -> None:
    """Before `output` changes: what this process wrote of it may no longer hold."""
    _WRITTEN.pop(manifest_path(project, output), None)


def read_manifest(project: Path, output: Path) -> Manifest | None:
    """The manifest of the build `output` holds, or None when there is none to trust.

    A folder put back in the place of the one described (a restored cache) keeps its
    manifest: its files are reused only for their bytes (`Previous.intact`). A folder
    that is gone has none, so that `latest_build` looks at the next one.
    """
    path = manifest_path(project, output)
    try:
        folder_inode = output.stat().st_ino
    except OSError:
        return None
    written = _WRITTEN.get(path)
    if (
        written is not None
        and written[0] == file_status(path)
        and written[1].folder_inode == folder_inode
    ):
        return written[1]
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                return None
            about = dict(connection.execute("SELECT name, value FROM about"))
            if about.get("output") != str(output.resolve()):
                return None
            rows = connection.execute("SELECT path, digest, size, mtime_ns, inode FROM files")
            manifest = Manifest(
                folder_inode=int(about["folder_inode"]),
                files={path: FileRecord(*record) for path, *record in rows},
                keys=dict(connection.execute("SELECT unit, key FROM keys")),
                units={
                    unit: _paths(paths)
                    for unit, paths in connection.execute("SELECT unit, paths FROM units")
                },
                search=dict(connection.execute("SELECT page, entry FROM search")),
            )
    except (sqlite3.Error, OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


V = TypeVar("V")

TABLES = {
    "about": "name TEXT PRIMARY KEY, value TEXT",
    "files": "path TEXT PRIMARY KEY, digest TEXT, size INTEGER, mtime_ns INTEGER, inode INTEGER",
    "keys": "unit TEXT PRIMARY KEY, key TEXT",
    "units": "unit TEXT PRIMARY KEY, paths TEXT",
    "search": "page TEXT PRIMARY KEY, entry TEXT",
}


def write_manifest(
    project: Path, output: Path, manifest: Manifest | None, read: Manifest | None = None
) -> None:
    """Keep `manifest` for the next build into `output`, or forget the last one (None).

    `read` is the manifest `read_manifest` gave at the start of this build: only the
    rows that differ from it are written. Without it, the manifest is written whole.
    A failure to write it never fails a build: the next build then renders everything.
    """
    path = manifest_path(project, output)
    forget_written(project, output)
    with contextlib.suppress(OSError):
        path.with_suffix(".json").unlink(missing_ok=True)  # an older sitegen's manifest
        if manifest is None or read is None:
            path.unlink(missing_ok=True)
    if manifest is None:
        return
    before = read or Manifest()
    with contextlib.suppress(sqlite3.Error, OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(path)) as connection, connection:
            for table, columns in TABLES.items():
                connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            connection.execute(f"PRAGMA user_version = {VERSION}")
            about = {"output": str(output.resolve()), "folder_inode": str(manifest.folder_inode)}
            connection.executemany("INSERT OR REPLACE INTO about VALUES (?, ?)", about.items())
            _update(connection, "files", manifest.files, before.files, _file_row)
            _update(connection, "keys", manifest.keys, before.keys, _plain_row)
            _update(connection, "units", manifest.units, before.units, _paths_row)
            _update(connection, "search", manifest.search, before.search, _plain_row)
        status = file_status(path)
        if status is not None:
            _WRITTEN[path] = (status, manifest)


def _file_row(record: FileRecord) -> tuple[object, ...]:
    return (record.digest, record.size, record.mtime_ns, record.inode)


def _plain_row(value: str) -> tuple[object, ...]:
    return (value,)


def _paths_row(paths: tuple[str, ...]) -> tuple[object, ...]:
    # One path a line, read back with a split: 21,000 units' JSON took 0.17 s to decode.
    # JSON (which starts with "[") only for a path with a line break, or for no path.
    if not paths or any("\n" in path for path in paths):
        return (json.dumps(list(paths)),)
    return ("\n" + "\n".join(paths),)


def _paths(text: str) -> tuple[str, ...]:
    if text.startswith("\n"):
        return tuple(text[1:].split("\n"))
    return tuple(json.loads(text))


def _update(
    connection: sqlite3.Connection,
    table: str,
    now: Mapping[str, V],
    before: Mapping[str, V],
    row: Callable[[V], tuple[object, ...]],
) -> None:
    """Make the rows of `table`, which hold `before`, hold `now`: changed rows only,
    compared as values (most are the very objects read) before any row is made."""
    changed = [(name, *row(value)) for name, value in now.items() if before.get(name) != value]
    if changed:
        marks = ", ".join("?" * len(changed[0]))
        connection.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", changed)
    gone = [(name,) for name in before.keys() - now.keys()]
    key = TABLES[table].split()[0]
    connection.executemany(f"DELETE FROM {table} WHERE {key} = ?", gone)


class Previous:
    """The previous build in the output folder, as far as it can be reused.

    `trusted`: the folder is known to hold just what `manifest` says (see
    `written_here`), so no file is looked at to know it intact. `complete`: it holds
    the manifest's files and no other, by name (fingerprint.same_files), so it need
    not be listed to find the files to remove; trusted implies it.
    """

    def __init__(
        self, output: Path, manifest: Manifest, trusted: bool = False, complete: bool = False
    ) -> None:
        self.output = output
        self.manifest = manifest
        self.trusted = trusted
        self.complete = complete or trusted
        # Files found intact by their bytes, with their status now: the manifest stays
        # as read, for write_manifest to tell which rows changed.
        self.reread: dict[str, FileRecord] = {}
        self._prefix = f"{output}{os.sep}"  # a string: a Path per file costs more than its stat
        self._real_folders: dict[str, bool] = {"": True}

    def record(self, path: str) -> FileRecord:
        """The record of a file of the previous build, with its status as `intact` found it."""
        return self.reread.get(path) or self.manifest.files[path]

    def intact(self, path: str) -> bool:
        """Whether the file still holds the bytes the previous build wrote."""
        record = self.manifest.files.get(path)
        if record is None:
            return False
        if self.trusted or path in self.reread:
            return True
        if not self._real_folder(path.rpartition("/")[0]):
            return False
        try:
            status = os.stat(self._prefix + path, follow_symlinks=False)
        except OSError:
            return False
        if (status.st_size, status.st_mtime_ns, status.st_ino) == (
            record.size,
            record.mtime_ns,
            record.inode,
        ):
            return True
        return status.st_size == record.size and self._same_bytes(path, record.digest)

    def _real_folder(self, folder: str) -> bool:
        """Whether `folder` (relative) and those above it are folders, not links to one:
        a file reached through a link made by hand would go with the link, which the
        build removes as a file it did not write."""
        real = self._real_folders.get(folder)
        if real is None:
            try:
                status = os.lstat(self._prefix + folder)
                real = stat.S_ISDIR(status.st_mode) and self._real_folder(folder.rpartition("/")[0])
            except OSError:
                real = False
            self._real_folders[folder] = real
        return real

    def _same_bytes(self, path: str, digest: str) -> bool:
        """Whether a file whose status changed still holds these bytes; if so, its status
        now is noted (`reread`), so that the next build knows it by its status again."""
        try:
            descriptor = os.open(self._prefix + path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return False
        with open(descriptor, "rb") as stream:
            # The status before the read: a write during it changes the time, and the
            # next build reads the file again.
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or file_digest(stream.read()) != digest:
                return False
        self.reread[path] = FileRecord(digest, status.st_size, status.st_mtime_ns, status.st_ino)
        return True

    def reusable(self, unit: str, key: str) -> tuple[str, ...] | None:
        """The files of `unit`, when it was made under `key` and they are all intact."""
        if self.manifest.keys.get(unit) != key:
            return None
        paths = self.manifest.units.get(unit)
        if paths is None or not all(self.intact(path) for path in paths):
            return None
        return paths

    def same(self, path: str, digest: str) -> bool:
        """Whether the previous build wrote these very bytes at `path`, still intact."""
        record = self.manifest.files.get(path)
        return record is not None and record.digest == digest and self.intact(path)


def latest_build(project: Path) -> Previous | None:
    """The most recent build of the project that can still be trusted, into any output
    folder (`output/`, serve's, one given with --output); None when there is none.

    `sitegen check` takes the pages it need not render again from it.
    """
    folder = project / OUTPUTS_FOLDER
    try:
        kept = sorted(folder.glob("*.sqlite"), key=lambda path: path.stat().st_mtime_ns)
    except OSError:
        return None
    for path in reversed(kept):
        read_only = f"{path.resolve().as_uri()}?mode=ro"
        try:
            with contextlib.closing(sqlite3.connect(read_only, uri=True)) as db:
                row = db.execute("SELECT value FROM about WHERE name = 'output'").fetchone()
        except sqlite3.Error:
            continue
        if row is None:
            continue
        output = Path(row[0])
        manifest = read_manifest(project, output)
        if manifest is not None:
            return Previous(output, manifest)
    return None
