"""What the last build wrote into an output folder, for the next build to reuse.

After every build, `.sitegen/outputs/<digest of the output path>.json` holds:
each file written (its digest, and its size, modification time and inode as
the disk showed them right after), and each unit of work (a story's files, a
list page, the search index) with the cache key it was rendered under and the
files it made. The next build into the same folder reuses a unit whose key is
unchanged, leaving its files in place in the output folder (output.Staging),
but only when the previous output is the folder this build wrote (same inode)
and each of those files still has the size, time and inode noted here: a file
edited or replaced by hand is rendered again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .state import write_state

OUTPUTS_FOLDER = Path(".sitegen") / "outputs"
VERSION = 1


@dataclass(frozen=True)
class FileRecord:
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
    return project / OUTPUTS_FOLDER / f"{name}.json"


def read_manifest(project: Path, output: Path) -> Manifest | None:
    """The manifest of the build `output` holds, or None when there is none to trust."""
    try:
        data = json.loads(manifest_path(project, output).read_text(encoding="utf-8"))
        if data.get("version") != VERSION or data.get("output") != str(output.resolve()):
            return None
        manifest = Manifest(
            folder_inode=data["folder_inode"],
            files={path: FileRecord(*record) for path, record in data["files"].items()},
            keys=data["keys"],
            units={unit: tuple(paths) for unit, paths in data["units"].items()},
            search=data["search"],
        )
        if output.stat().st_ino != manifest.folder_inode:
            return None  # the folder was replaced since: not the build described
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


def write_manifest(project: Path, output: Path, manifest: Manifest | None) -> None:
    """Keep `manifest` for the next build into `output`, or forget the last one (None).

    A failure to write it never fails a build: the next build then renders everything.
    """
    path = manifest_path(project, output)
    if manifest is None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        return
    data = {
        "version": VERSION,
        "output": str(output.resolve()),
        "folder_inode": manifest.folder_inode,
        "files": {
            name: [r.digest, r.size, r.mtime_ns, r.inode]
            for name in sorted(manifest.files)  # sorting (name, record) pairs costs twice
            for r in (manifest.files[name],)
        },
        "keys": dict(sorted(manifest.keys.items())),
        "units": {unit: list(paths) for unit, paths in sorted(manifest.units.items())},
        "search": dict(sorted(manifest.search.items())),
    }
    write_state(path, json.dumps(data, separators=(",", ":")))  # json.dumps: the C encoder


class Previous:
    """The previous build in the output folder, as far as it can be reused."""

    def __init__(self, output: Path, manifest: Manifest) -> None:
        self.output = output
        self.manifest = manifest
        self._prefix = f"{output}{os.sep}"  # a string: a Path per file costs more than its stat

    def intact(self, path: str) -> bool:
        """Whether the file is still as the previous build wrote it."""
        record = self.manifest.files.get(path)
        if record is None:
            return False
        try:
            status = os.stat(self._prefix + path, follow_symlinks=False)
        except OSError:
            return False
        return (status.st_size, status.st_mtime_ns, status.st_ino) == (
            record.size,
            record.mtime_ns,
            record.inode,
        )

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
