"""Writing the built site: all of it or nothing.

The site is written to a temporary sibling of the output folder and swapped in
by rename only when every file is written, so a failed or interrupted build
leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


STAGING_INFIX = ".new-"
RETIRED_INFIX = ".old-"
SWAP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class WriteFailed(Exception):
    """The site could not be written (a full disk, no permission); the old output is intact."""


def _remove_leftovers(output: Path) -> None:
    """Remove temporary folders that a killed build (SIGKILL, power loss) left beside `output`."""
    for infix in (STAGING_INFIX, RETIRED_INFIX):
        for leftover in output.parent.glob(f".{output.name}{infix}*"):
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the two renames, so no signal falls between them.

    A held signal is delivered right after, when the new site is complete.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SWAP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _swap(staging: Path, output: Path) -> None:
    with _signals_held():
        if not output.exists():
            os.replace(staging, output)
            return
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}{RETIRED_INFIX}", dir=output.parent))
        os.replace(output, retired / "site")
        try:
            os.replace(staging, output)
        except OSError:
            os.replace(retired / "site", output)  # put the old site back
            raise
    shutil.rmtree(retired, ignore_errors=True)


def write_site(files: dict[str, bytes], output: Path) -> None:
    """Write every file under a temporary folder, then swap it in for `output`.

    On any failure or interruption (KeyboardInterrupt, SystemExit from SIGTERM)
    the temporary folder is removed and `output` is left as it was. Raises
    WriteFailed for an OSError, such as a full disk.
    """
    output = output.resolve()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(output)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}{STAGING_INFIX}", dir=output.parent))
    except OSError as error:
        raise WriteFailed(f"could not prepare {output}: {error.strerror or error}") from error
    try:
        for relative, data in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.chmod(0o755)
        _swap(staging, output)
    except OSError as error:
        raise WriteFailed(f"could not write {output}: {error.strerror or error}") from error
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
