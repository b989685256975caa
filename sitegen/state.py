"""The files sitegen keeps between builds, under the project's `.sitegen/`.

Each is written whole or not at all: into a temporary file beside it, then
renamed over it, so a build killed while writing leaves the old file. A file
that cannot be written never fails a build; the next build only does more work.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_state(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically; False (and nothing left behind) when the disk refuses."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    return True


def file_status(path: Path) -> tuple[int, ...] | None:
    """What tells a kept file as this process wrote or read it from the same file
    written since, by anyone: its size, times and inode (None when there is no file).
    A process may keep what it read of a file while the file has that status."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
