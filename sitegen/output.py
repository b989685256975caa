"""Writing the built site: all of it or nothing.

A first build writes the site into a temporary sibling of the output folder
and swaps it in by two renames once every file is written. A rebuild over a
previous build it can trust (manifest) stages only the files that changed,
then moves them into place and removes the files the site no longer has:
work that grows with the change, not with the site. Either way nothing in the
output folder changes until every file is staged, and SIGINT and SIGTERM are
held while it does, so a failed or interrupted build leaves the previous
output exactly as it was.

A build killed outright (SIGKILL, power loss) in the middle of a rebuild's
moves leaves the output holding whole files of both builds, and a journal of
the moves beside it; the next build, before anything else, completes them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import Any

from .manifest import FileRecord, Previous, file_digest

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
JOURNAL_INFIX = ".journal-"
SWAP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class WriteFailed(Exception):
    """The site could not be written (a full disk, no permission); the old output is intact."""


def remove_leftovers(output: Path) -> None:
    """Finish what a killed build (SIGKILL, power loss) left beside `output`.

    A rebuild's journal is played to its end first: its moves were under way. A build
    does this before it looks at `output` at all, so that what it finds there (to skip,
    or to reuse) is what stays.
    """
    for journal in sorted(output.parent.glob(f".{output.name}{JOURNAL_INFIX}*")):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            entries = json.loads(journal.read_text(encoding="utf-8"))
            _apply(output, Path(entries["staging"]), entries["removed"], entries["moved"])
        journal.unlink(missing_ok=True)
    for infix in (STAGING_INFIX, RETIRED_INFIX):
        for leftover in output.parent.glob(f".{output.name}{infix}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _apply(output: Path, staging: Path, removed: list[str], moved: list[str]) -> None:
    """Remove the files `removed` from `output`, then move `moved` there from `staging`.

    Removals go first, so that a file may take the place of a folder that goes.
    Running it again after an interruption finishes the work.
    """
    removed, moved = [p for p in removed if _relative(p)], [p for p in moved if _relative(p)]
    for path in removed:
        target = output / path
        if path.endswith("/"):  # a folder found empty (`_listing`): it goes with its parents
            folders = [target, *target.parents]
        else:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            folders = list(target.parents)
        for folder in folders:
            if folder == output or not folder.is_relative_to(output):
                break
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
    made: set[Path] = set()
    for path in moved:
        source, target = staging / path, output / path
        if not source.exists():
            continue  # moved before the interruption
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        os.replace(source, target)


def _relative(path: str) -> bool:
    """Whether a journal's path stays inside the folders it is relative to."""
    parts = Path(path).parts
    return bool(parts) and not Path(path).is_absolute() and ".." not in parts


def _listing(folder: Path) -> set[str]:
    """Every file under `folder`, relative, without a stat per file; and every folder
    in it that is empty, with a "/" at the end (a build leaves none: one made by hand)."""
    found: set[str] = set()
    pending = [("", folder)]
    while pending:
        prefix, current = pending.pop()
        empty = True
        with os.scandir(current) as entries:
            for entry in entries:
                empty = False
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", Path(entry.path)))
                else:
                    found.add(prefix + entry.name)
        if empty and prefix:
            found.add(prefix)
    return found


class InterruptHold:
    """From `start()` until the `with` block ends, SIGINT and SIGTERM are noted, not acted on.

    A build starts it as it puts the built site in place: from then on the
    build has succeeded, so an interrupt must neither stop it half-way nor be
    reported as "the output is as it was". The signals that came meanwhile are
    listed in `arrived`. Python runs signal handlers in the main thread whichever
    thread the signal reached, so replacing the handlers holds them for the whole
    process, where a signal mask would hold them for one thread.
    """

    def __init__(self) -> None:
        self.arrived: list[int] = []
        self.started = False  # the site is being put in place, or is in place
        self._previous: dict[int, Any] | None = None

    def __enter__(self) -> InterruptHold:
        return self

    def start(self) -> None:
        self.started = True
        if self._previous is None and threading.current_thread() is threading.main_thread():
            self._previous = {
                number: signal.signal(number, self._note) for number in sorted(SWAP_SIGNALS)
            }

    def _note(self, number: int, frame: object) -> None:
        self.arrived.append(number)

    def __exit__(self, *exception: object) -> None:
        if self._previous is None:
            return
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = None


def _swap(staging: Path, output: Path) -> None:
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


def _failed(what: str, output: Path, error: OSError) -> WriteFailed:
    return WriteFailed(f"could not {what} {output}: {error.strerror or error}")


class Staging:
    """The next site, staged beside the output folder until `commit` puts it in place.

    Files are added once each, in any order: bytes, or None for the previous
    build's file at that path. With a previous build to trust, only files whose
    bytes changed are staged, and `commit` moves them into the output folder;
    without one, every file is staged and `commit` swaps the whole folder in.
    Use it as a context manager: leaving without `commit` (an error, an
    interrupt) removes what was staged and leaves `output` as it was. Raises
    WriteFailed for an OSError, such as a full disk.
    """

    def __init__(self, output: Path, previous: Previous | None = None) -> None:
        self.output = output.resolve()
        self.previous = previous
        self.records: dict[str, FileRecord] = {}
        self.written = 0  # files staged with new bytes
        self.unchanged = 0  # files the previous build already holds
        self._staged: list[str] = []
        self._folders: set[Path] = set()
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.output)
            prefix = f".{self.output.name}{STAGING_INFIX}"
            self.folder = Path(tempfile.mkdtemp(prefix=prefix, dir=self.output.parent))
        except OSError as error:
            raise _failed("prepare", self.output, error) from error
        self._folders.add(self.folder)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exception: object) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, path: str, data: bytes | None) -> None:
        """Put the file `path` in the next site: these bytes, or (None) the previous build's."""
        try:
            if data is None:
                assert self.previous is not None, "only a rebuild reuses files"
                self._keep(path, self.previous.record(path))
                return
            digest = file_digest(data)
            if self.previous is not None and self.previous.same(path, digest):
                self._keep(path, self.previous.record(path))
                return
            self._write(path, data, digest)
        except OSError as error:
            raise _failed("write", self.output, error) from error

    def _write(self, path: str, data: bytes, digest: str) -> None:
        target = self.folder / path
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.update((target.parent, *target.parent.parents))
        # Unbuffered, so that fstat sees every byte written (size and time).
        with open(target, "wb", buffering=0) as stream:
            view = memoryview(data)
            while view:
                view = view[stream.write(view) or 0 :]
            status = os.fstat(stream.fileno())
        self.records[path] = FileRecord(digest, status.st_size, status.st_mtime_ns, status.st_ino)
        self._staged.append(path)
        self.written += 1

    def _keep(self, path: str, record: FileRecord) -> None:
        """The previous build's file stays where it is; only its record is carried over."""
        self.records[path] = record
        self.unchanged += 1

    def read(self, path: str) -> bytes:
        """The bytes of a file of the next site: staged, or kept from the previous build."""
        staged = self.folder / path
        return staged.read_bytes() if staged.exists() else (self.output / path).read_bytes()

    def commit(self) -> int:
        """Put the staged site in place; returns the output folder's inode.

        Call it within a started InterruptHold (as `build` does), so that no signal
        stops it between the two renames of a swap, or among a rebuild's moves.
        """
        try:
            if self.previous is None:
                return self._swap_whole()
            return self._move_changes()
        except OSError as error:
            raise _failed("write", self.output, error) from error

    def _swap_whole(self) -> int:
        self.folder.chmod(0o755)
        inode = self.folder.stat().st_ino
        _swap(self.folder, self.output)
        return inode

    def _move_changes(self) -> int:
        assert self.previous is not None
        if self.previous.complete:
            # The folder holds the previous build's files and no other: no listing (6,345
            # folders at 5,000 stories) to find the rest.
            removed = sorted(self.previous.manifest.files.keys() - self.records.keys())
        else:
            removed = sorted(_listing(self.output) - self.records.keys())
        moved = sorted(self._staged)
        journal = self.output.parent / f".{self.output.name}{JOURNAL_INFIX}{self.folder.name}"
        entries = {"staging": str(self.folder), "removed": removed, "moved": moved}
        temporary = journal.with_name(journal.name + ".tmp")
        temporary.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(temporary, journal)
        _apply(self.output, self.folder, removed, moved)
        journal.unlink()
        return self.output.stat().st_ino
