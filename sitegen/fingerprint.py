"""Knowing that a build would change nothing, so that it need not run.

A build's output depends only on its inputs: every file under content/, seeds/
and themes/ (and the default theme shipped with sitegen), the anchor record,
sitegen itself (its version and code) and the libraries that render, and the
--base-url. `read_inputs` hashes all of them, by content, never by
modification time. After a successful build without warnings, `remember` keeps
that digest in `.sitegen/builds.json`, keyed by the resolved output folder,
with a cheap digest of the output folder as written: each file's path, size,
modification time and inode, and the folder's inode, made from what the build
noted of its files; the list of those files; the list of the folders that hold
them, and the mode, modification time and inode of each; and the anchor
record's digest and status. A later build into the same folder is
skipped when all still match (`OutputCheck.unchanged`): so an output folder
deleted, replaced or edited by hand is built again. A build that is not
skipped but finds the folder as noted (`OutputCheck.as_noted`) reuses its files
without looking at each again. A file added or removed by hand
changes its folder's modification time, so the files are looked up by the list
rather than found by listing every folder (at 5,000 stories, 37,552 files in
6,345 folders: 0.36 s against 0.46 s).

It also keeps the inputs' statuses (`Statuses.stamps`: each file's path, size,
modification time and inode), when none was changed so recently that a second
change could keep its status. A build that finds them all as noted knows the
inputs unchanged without looking up a digest; any other compares the digests,
and notes the statuses when it finds the output up to date (`restamp`), as a build
right after a save cannot.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import stat
import sys
import time
from array import array
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import __version__
from .anchor_record import RECORD_PATH
from .manifest import FileRecord
from .meanwhile import meanwhile
from .output import MARKER
from .state import file_status, write_state
from .theme import PACKAGED_THEMES, REPOSITORY_THEMES
from .walk import files_under

BUILDS_PATH = Path(".sitegen") / "builds.json"
# Of builds.json: 3 lists the output folder's files, and digests its folders; 4 lists
# the folders, notes the anchor record's status, and digests statuses as numbers.
VERSION = 4
SITEGEN_CODE = Path(__file__).resolve().parent
# The libraries whose version can change the bytes of a page or of the search index.
RENDERING_LIBRARIES = ("PyYAML", "Jinja2", "MarkupSafe", "markdown-it-py", "pagefind")


HASHES_PATH = Path(".sitegen") / "hashes.json"
RACY_NS = 2_000_000_000  # a file changed this recently may change again within its mtime


# serve reads the inputs at every save, most often right after its last build wrote
# this file: at 20,000 inputs, decoding it took 0.05 s of each build. Kept with the
# file's status, and given again while the file has that status (read-only).
_KEPT: dict[Path, tuple[tuple[int, ...], dict[str, list[Any]]]] = {}


class _Hashes:
    """File digests remembered by (size, modification time, inode), as git's index does.

    The digest of a file is taken from its bytes; it is read again only when its
    status changed, or when it changed so recently before it was hashed that a
    second change could share its modification time.
    """

    def __init__(self, project: Path) -> None:
        self.path = project / HASHES_PATH
        status = file_status(self.path)
        kept = _KEPT.get(self.path)
        if kept is not None and status is not None and kept[0] == status:
            self.kept = kept[1]
        else:
            try:
                read = json.loads(self.path.read_text(encoding="utf-8"))
                self.kept = read if isinstance(read, dict) else {}
            except (OSError, ValueError):
                self.kept = {}
        self.now: dict[str, list[Any]] = {}
        self.learnt = False  # whether `now` holds a digest `kept` does not
        self.edited: set[str] = set()  # read: their status is not the one kept

    def digest(self, name: str, path: str, status: os.stat_result) -> str:
        """The digest of the file at `path`, remembered under `name`: its path in the
        project, the same however the project was named (relative, absolute, linked)."""
        kept = self.kept.get(name)
        if (
            isinstance(kept, list)
            and len(kept) == 4
            and kept[0] == status.st_size
            and kept[1] == status.st_mtime_ns
            and kept[2] == status.st_ino
        ):
            self.now[name] = kept
            return str(kept[3])
        try:
            with open(path, "rb") as stream:
                digest = hashlib.file_digest(stream, "blake2b").hexdigest()
        except OSError as error:
            # Not remembered: the build reads it again and reports why it cannot.
            return f"unreadable: {error.errno}"
        self.edited.add(name)
        if status.st_mtime_ns < time.time_ns() - RACY_NS:
            self.now[name] = [status.st_size, status.st_mtime_ns, status.st_ino, digest]
            self.learnt = True
        return digest

    def save(self) -> None:
        """Keep what was learnt. Not written for a file left out as too recent to keep, or
        one deleted: a digest kept for it is of no use, but does no harm (a file saved
        since has another status), and a save in `serve` would write the file twice."""
        stale = len(self.kept) - len(self.now)
        if not self.learnt and stale <= len(self.now) // 10:
            return
        text = json.dumps(self.now, separators=(",", ":"))
        write_state(self.path, text)
        status = file_status(self.path)
        if status is not None:
            _KEPT[self.path] = (status, self.now)


def content_digest(data: bytes) -> str:
    """The digest `Inputs.files` gives of a file with these bytes."""
    return hashlib.blake2b(data).hexdigest()


OUTSIDE = "outside"  # an input's digest when it is a link that leads out of its folder


def _add_bytes(digest: hashlib._Hash, label: str, folder: Path) -> None:
    """Every file under `folder`, by its bytes (sitegen's own code and themes)."""
    for relative, entry in files_under(folder, skipped={"__pycache__"}):
        data = Path(entry.path).read_bytes()
        digest.update(f"{label}/{relative}\0{len(data)}\0".encode())
        digest.update(data)


def _distribution_name(name: str) -> str:
    """A distribution's name as its metadata folder spells it (PEP 503, then '_')."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _library_versions() -> str:
    """Each rendering library's metadata folder, the first on sys.path, which names its
    version (`jinja2-3.1.4.dist-info`), or `none`.

    Listed by hand: importing importlib.metadata (with the email package it reads
    metadata with) took a fifth of a build with nothing changed.
    """
    wanted = {_distribution_name(name): name for name in RENDERING_LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            folders = sorted(os.listdir(entry or "."))
        except OSError:
            continue  # not a folder (a zip file, a path hook's name)
        for folder in folders:
            stem, dot, kind = folder.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                name = _distribution_name(stem.split("-", 1)[0])
                if name in wanted:
                    found.setdefault(name, folder)
    return ";".join(f"{wanted[name]}={found.get(name, 'none')}" for name in sorted(wanted))


@dataclass(frozen=True)
class Inputs:
    digest: str  # of everything the output of `sitegen build` depends on but the anchor record
    # Each file under content/, seeds/ and themes/ (its path in the project, with '/')
    # -> content_digest of its bytes, or OUTSIDE for a link that leads out of its folder.
    entries: dict[str, str]
    linked: bool = False  # whether any file is a link (whose target may change unseen)
    stamps: str | None = None  # Statuses.stamps of the files as they were read
    # The files read as their status changed since they were last hashed (or as a
    # watcher saw them change): a hint of what was just edited, to begin its work
    # sooner; never what decides the output.
    edited: frozenset[str] = frozenset()

    @functools.cached_property
    def files(self) -> dict[str, str]:
        """Each file's digest, as hashed: a build keys the stories it keeps by these,
        rather than reading and hashing every story and seed again."""
        return {name: found for name, found in self.entries.items() if found != OUTSIDE}


# The folders of a project that hold its inputs (and that serve watches).
WATCHED = ("content", "seeds", "themes")


@dataclass(frozen=True)
class Statuses:
    """Every input file's status, as one walk of content/, seeds/ and themes/ found it."""

    # (its name in the project, its path, its status; None for a link that leads out of
    # its folder, which is not followed; linked folders are not entered)
    files: list[tuple[str, str, os.stat_result | None]]
    linked: bool  # whether any file is a link
    taken_ns: int  # when the walk began
    base_url: str | None  # the --base-url of the build

    @functools.cached_property
    def settings(self) -> str:
        return _settings(self.base_url)

    @functools.cached_property
    def stamps(self) -> str | None:
        """A digest of every input's path, size, modification time and inode, and of
        what else the inputs' digest covers (`_settings`): equal stamps mean equal
        inputs, as git's index has it. None when the statuses cannot vouch for the
        bytes: a file changed so shortly before the walk (RACY_NS) that a second change
        could keep its status, or a link, whose target may change unseen."""
        if self.linked:
            return None
        recent = self.taken_ns - RACY_NS
        lines = [self.settings]
        for name, _, status in self.files:
            assert status is not None  # only a link has none
            if status.st_mtime_ns >= recent:
                return None
            lines.append(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}")
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def stat_inputs(project: Path, base_url: str | None) -> Statuses:
    """The status of every input file, in path order: one stat each, nothing read."""
    taken = time.time_ns()
    files: list[tuple[str, str, os.stat_result | None]] = []
    linked = False
    for label in WATCHED:
        folder = project / label
        real = folder.resolve()
        for relative, entry in files_under(folder, skipped={"__pycache__"}):
            name = f"{label}/{relative}"
            if entry.is_symlink():
                linked = True
                if not Path(entry.path).resolve().is_relative_to(real):
                    files.append((name, entry.path, None))
                    continue
            files.append((name, entry.path, entry.stat()))
    return Statuses(files, linked, taken, base_url)


def read_inputs(project: Path, base_url: str | None) -> Inputs:
    """Every input hashed, before the build reads any: a file saved during the build
    then makes the next build a full one, and its stories validated again."""
    return hash_inputs(project, stat_inputs(project, base_url))


def hash_inputs(project: Path, statuses: Statuses) -> Inputs:
    """The inputs whose statuses were taken: each file's digest is the one remembered
    for its status (`_Hashes`), or read."""
    hashes = _Hashes(project)
    entries = {
        name: OUTSIDE if status is None else hashes.digest(name, path, status)
        for name, path, status in statuses.files
    }
    hashes.save()
    return _inputs(statuses.settings, entries, statuses.linked, statuses.stamps, hashes.edited)


def read_again(
    project: Path, base_url: str | None, since: Inputs, changed: Collection[str]
) -> Inputs | None:
    """The inputs as `read_inputs` would give them, from those read before and the paths
    that changed since (as a watcher reports them): only those files are read. None when
    that cannot be known without reading everything: a folder came or went, a link, a
    path outside content/, seeds/ and themes/.
    """
    if since.linked:
        return None
    entries = dict(since.entries)
    edited = set()
    root = os.path.abspath(project)
    for path in changed:
        relative = os.path.relpath(os.path.abspath(path), root)
        parts = Path(relative).parts
        if len(parts) < 2 or parts[0] not in WATCHED or "__pycache__" in parts:
            return None
        name = "/".join(parts)
        if os.path.islink(path):
            return None
        if os.path.isfile(path):
            try:
                with open(path, "rb") as stream:
                    entries[name] = hashlib.file_digest(stream, "blake2b").hexdigest()
            except OSError:
                return None
            if entries[name] != since.entries.get(name):
                edited.add(name)
        elif os.path.lexists(path) or any(other.startswith(f"{name}/") for other in entries):
            return None  # a folder (or another kind of file), or a folder gone
        else:
            entries.pop(name, None)
    return _inputs(_settings(base_url), entries, False, edited=edited)


def _inputs(
    settings: str,
    entries: dict[str, str],
    linked: bool,
    stamps: str | None = None,
    edited: Collection[str] = (),
) -> Inputs:
    """The inputs of these files, with the `_settings` of the build."""
    digest = hashlib.sha256(settings.encode())
    # In path order: content/ sorts before seeds/, and seeds/ before themes/.
    for name in sorted(entries):
        digest.update(f"{name}\0{entries[name]}\0".encode())
    return Inputs(digest.hexdigest(), entries, linked, stamps, frozenset(edited))


def _settings(base_url: str | None) -> str:
    """What the inputs' digest covers besides the project's files: sitegen's environment,
    the default theme it ships (by its bytes), and the base_url."""
    digest = hashlib.sha256(f"{environment_digest()}\nbase_url {base_url!r}".encode())
    for label, themes in (("packaged", PACKAGED_THEMES), ("repository", REPOSITORY_THEMES)):
        _add_bytes(digest, label, themes / "default")
    return digest.hexdigest()


def environment_digest() -> str:
    """sitegen's version and code, Python's and the rendering libraries' versions."""
    environment = [
        f"sitegen {__version__}",
        sys.version,
        _library_versions(),
        f"pagefind binary {os.environ.get('PAGEFIND_BINARY_PATH', '')}",
        _code_digest(),
    ]
    return hashlib.sha256("\n".join(environment).encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    """A changed sitegen renders differently, so its code is hashed, not only its version."""
    digest = hashlib.sha256()
    _add_bytes(digest, "sitegen", SITEGEN_CODE)
    return digest.hexdigest()


def record_digest(project: Path) -> str:
    """The anchor record's hash: an input too, but one that a build itself updates."""
    record = project / RECORD_PATH
    return hashlib.sha256(record.read_bytes() if record.is_file() else b"-").hexdigest()


def _on_disk(output: Path, names: list[str], folders: list[str]) -> tuple[str, str] | None:
    """`written_digest` of the files `names` as they are on disk, and `_folders_digest`
    of the folders `folders` (both sorted); None when one is gone. Each is looked up by
    its path from the output folder, opened once (`dir_fd`): at 5,000 stories, 37,552
    files in 6,345 folders, 0.115 s against 0.127 s with each folder opened in turn.
    Their statuses are kept as numbers, not lines of text: 0.012 s less."""
    try:
        opened = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    files, found = array("q"), array("q")
    try:
        inode = os.fstat(opened).st_ino
        for name in names:
            status = os.stat(name, dir_fd=opened, follow_symlinks=False)
            if stat.S_ISREG(status.st_mode):
                files.extend((status.st_size, status.st_mtime_ns, status.st_ino))
            else:
                files.extend(NOT_A_FILE)
        for folder in folders:
            # Not followed, as `_folders_digest` looks: a folder swapped for a link differs.
            status = os.stat(folder or ".", dir_fd=opened, follow_symlinks=False)
            found.extend((status.st_mode, status.st_mtime_ns, status.st_ino))
    except OSError:
        return None
    finally:
        os.close(opened)
    return _numbers_digest(f"folder {inode}", names, files), _numbers_digest("", folders, found)


# The numbers `_on_disk` notes of a path that is no longer a file: no file has them.
NOT_A_FILE = (-1, -1, -1)


def _folders_digest(output: Path, folders: list[str]) -> str | None:
    """A digest of the mode, modification time and inode of each of the `folders` (sorted,
    "" for the output folder itself); None when one is gone. Adding, removing or renaming
    a file changes its folder's modification time, so an unchanged digest with unchanged
    files means no file came or went. A change within the same tick of the clock as the
    build's last one in that folder may go unseen, as with files."""
    base = f"{output}/"
    found = array("q")
    for folder in folders:
        try:
            status = os.lstat(base + folder)
        except OSError:
            return None
        found.extend((status.st_mode, status.st_mtime_ns, status.st_ino))
    return _numbers_digest("", folders, found)


def _folders_of(names: Collection[str]) -> list[str]:
    """The folders that hold the files `names` (relative, "" for the top one), and the
    folders above them, sorted."""
    folders = {name.rpartition("/")[0] for name in names}
    for folder in list(folders):
        while folder:  # the folders that hold only folders
            folder = folder.rpartition("/")[0]
            if folder in folders:
                break
            folders.add(folder)
    folders.add("")
    return sorted(folders)


def written_digest(folder_inode: int, files: Mapping[str, FileRecord]) -> str:
    """The digest of an output folder holding just these files (as `_on_disk` makes it
    from the disk), as the build noted them once in place: no second look at them."""
    names = sorted(files)
    numbers = array("q")
    for name in names:
        record = files[name]
        numbers.extend((record.size, record.mtime_ns, record.inode))
    return _numbers_digest(f"folder {folder_inode}", names, numbers)


def _numbers_digest(label: str, names: list[str], numbers: array[int]) -> str:
    """A digest of the names (which hold no newline) and the numbers noted of each."""
    digest = hashlib.sha256("\n".join([label, *names]).encode())
    digest.update(numbers.tobytes())
    return digest.hexdigest()


def _read(project: Path) -> dict[str, dict[str, str | None]]:
    try:
        data = json.loads((project / BUILDS_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    outputs = data.get("outputs")
    return outputs if isinstance(outputs, dict) else {}


def _noted(project: Path, output: Path) -> dict[str, str | None] | None:
    """What builds.json notes of the build the folder `output` holds."""
    kept = _read(project).get(str(output.resolve()))
    return kept if isinstance(kept, dict) else None


class OutputCheck:
    """What builds.json notes of the build the folder `output` holds, and whether the
    folder still holds just that: its files are looked up once, when first asked for.

    On entering, they begin to be looked up in a forked child (`meanwhile`), while this
    process looks up the inputs (at 5,000 stories, 37,552 output files and 20,000
    inputs); on leaving, a child still at work is stopped.
    """

    def __init__(self, project: Path, output: Path) -> None:
        self._project = project
        self._output = output.resolve()
        self._kept = _noted(project, self._output)
        self._names = _noted_files(self._output, self._kept)
        self._folders = _noted_folders(self._kept)
        self._stack = contextlib.ExitStack()
        self._found: Callable[[], tuple[str, str] | None] | None = None

    def __enter__(self) -> OutputCheck:
        if self._names is not None and self._folders is not None:
            work = functools.partial(_on_disk, self._output, self._names, self._folders)
            self._found = functools.cache(self._stack.enter_context(meanwhile(work)))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def as_noted(self) -> bool:
        """Whether the folder holds the files the note lists, each as the build wrote it
        (by its size, modification time and inode), and no other."""
        if self._kept is None or self._found is None:
            return False
        return self._found() == (self._kept.get("output"), self._kept.get("folders"))

    def unchanged(self, known_by: Literal["inputs", "stamps"], digest: str | None) -> bool:
        """Whether the folder still holds the build of exactly these inputs: known by
        their `digest` (Inputs.digest), or with `known_by="stamps"` by their statuses
        (Statuses.stamps; None vouches for nothing), as that build, or a later one that
        found it up to date, noted."""
        if digest is None or self._kept is None or self._kept.get(known_by) != digest:
            return False
        return _record_as_noted(self._project, self._kept) and self.as_noted()

    def describes(self, files: Mapping[str, FileRecord], inode: int) -> bool:
        """Whether these file records (a manifest's) are those of the build the note is
        of: with `as_noted`, every file of the folder is as they say."""
        return self._kept is not None and self._kept.get("output") == written_digest(inode, files)


def _noted_files(output: Path, kept: dict[str, str | None] | None) -> list[str] | None:
    """The files of the build that `kept` notes in `output`, sorted; None when there is
    none, or the folder is not one sitegen wrote."""
    files = None if kept is None else kept.get("files")
    if not isinstance(files, str) or not (output / MARKER).is_file():
        return None
    return files.split("\n") if files else []


def _noted_folders(kept: dict[str, str | None] | None) -> list[str] | None:
    """The folders that hold the files `kept` notes (`_folders_of`), as noted: working
    them out from the files took as long as looking up a sixth of them."""
    folders = None if kept is None else kept.get("folder_names")
    return folders.split("\n") if isinstance(folders, str) else None


def _record_as_noted(project: Path, kept: dict[str, str | None]) -> bool:
    """Whether the anchor record is the one the note was made with: known by its status
    when that is the one noted (the record is 9 MB at 5,000 stories, 0.01 s to hash),
    else by its digest. Only sitegen writes the record, each time to a new file (with
    a new inode), at most once a build."""
    status = file_status(project / RECORD_PATH)
    if status is not None and kept.get("record_status") == _status_text(status):
        return True
    return kept.get("record") == record_digest(project)


def _status_text(status: tuple[int, ...]) -> str:
    return " ".join(map(str, status))


def same_files(project: Path, output: Path, files: Mapping[str, FileRecord], inode: int) -> bool:
    """Whether `output` holds these files (a manifest's) and no other: they are those of
    the build it was last found to hold (`describes`), and no folder of theirs changed
    since, so no file came or went. Their bytes may have changed."""
    output = output.resolve()
    kept = _noted(project, output)
    return (
        kept is not None
        and kept.get("output") == written_digest(inode, files)
        and kept.get("folders") == _folders_digest(output, _folders_of(files))
    )


def remember(
    project: Path,
    output: Path,
    inputs: Inputs | None,
    folder_inode: int,
    files: Mapping[str, FileRecord],
) -> None:
    """Note that `output` (the folder of that inode) now holds the build of `inputs`,
    made of `files`; or forget it (None).

    A failure to write the note never fails a build: the next build is then a full one.
    """
    output = output.resolve()
    # Only this output's entry changes; those of output folders since deleted go.
    builds = {path: kept for path, kept in _read(project).items() if Path(path).is_dir()}
    builds.pop(str(output), None)
    note = None if inputs is None else _note(project, output, inputs, folder_inode, files)
    if note is not None:
        builds[str(output)] = note
    _write(project, builds)


def _note(
    project: Path,
    output: Path,
    inputs: Inputs,
    folder_inode: int,
    files: Mapping[str, FileRecord],
) -> dict[str, str | None] | None:
    """What `remember` notes of the build of `inputs` in `output`; None when one of its
    folders went meanwhile."""
    folders = _folders_of(files)
    folders_digest = _folders_digest(output, folders)
    if folders_digest is None:
        return None
    # The record's status before its bytes: if it changes in between, the status noted
    # is not the record's, which is then hashed.
    record_status = file_status(project / RECORD_PATH)
    return {
        "inputs": inputs.digest,
        "stamps": inputs.stamps,
        "record": record_digest(project),
        "record_status": None if record_status is None else _status_text(record_status),
        "output": written_digest(folder_inode, files),
        "files": "\n".join(sorted(files)),
        "folders": folders_digest,
        "folder_names": "\n".join(folders),
    }


def restamp(project: Path, output: Path, stamps: str | None) -> None:
    """Note the statuses (Statuses.stamps) of inputs that `output` was just found to be
    the build of, by their digest: a build right after a save could not note them (the
    file saved was too recent), and until noted every check reads the digests of all."""
    output = output.resolve()
    builds = _read(project)
    kept = builds.get(str(output))
    if stamps is None or not isinstance(kept, dict) or kept.get("stamps") == stamps:
        return
    builds[str(output)] = {**kept, "stamps": stamps}
    _write(project, builds)


def _write(project: Path, builds: Mapping[str, Mapping[str, str | None]]) -> None:
    text = json.dumps({"version": VERSION, "outputs": builds}, indent=1, sort_keys=True) + "\n"
    write_state(project / BUILDS_PATH, text)
