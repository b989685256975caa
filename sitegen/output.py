"""Writing the built site: all of it or nothing.

The site is written to a temporary sibling of the output folder and swapped in
by rename only when every file is written, so a failed or interrupted build
leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MARKER = ".nojekyll"  # every sitegen output has it; a folder without it is not ours to replace


class OutputRefused(Exception):
    """The output folder is one sitegen must not replace."""


def check_output_folder(output: Path, project: Path) -> None:
    """Refuse to replace a folder that is not a previous build, or that holds the project."""
    output, project = output.resolve(), project.resolve()
    if output == project or project.is_relative_to(output):
        raise OutputRefused(f"{output} holds the site project itself; choose another --output")
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"{output} is a file, not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputRefused(
            f"{output} is not empty and was not made by sitegen; "
            "empty it or choose another --output"
        )


def write_site(files: dict[str, bytes], output: Path) -> None:
    """Write every file under a temporary folder, then swap it in for `output`."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        for relative, data in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.chmod(0o755)
        if output.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
            os.replace(output, retired / "site")
            os.replace(staging, output)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
