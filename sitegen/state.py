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
