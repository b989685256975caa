"""Reading a site project from disk: YAML files as positioned node trees, seeds as bytes.

This is one of the two modules that touch the file system (with `output`). It
reads only inside the project: YAML under content/, seeds under seeds/ (a link
that leads out of seeds/ is noted, never followed), and the names of the themes.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .anchor_record import read_record
from .errors import Location, Problems
from .fingerprint import content_digest
from .theme import theme_folder
from .walk import files_under
from .yaml_source import parse_yaml


@dataclass(frozen=True)
class YamlFile:
    path: str  # relative to the project, with '/'
    root: yaml.Node | None  # None when the file is empty, could not be read, or is unparsed
    readable: bool = True  # False when reading it already reported a problem
    # When unparsed (load_project's `stories_unparsed`): the text, unless not read yet
    # (`read_unparsed`), and the digest of the bytes (fingerprint.content_digest).
    text: str | None = None
    digest: str = ""


class SeedFiles(Mapping[str, bytes]):
    """The seeds under seeds/ by name, each file read when first asked for: a rebuild
    needs the bytes of the seeds of the stories it validates or renders again only."""

    def __init__(self, paths: dict[str, str]) -> None:
        self.paths = paths  # name relative to seeds/ -> the file's path
        self._read: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self._read:
            with open(self.paths[name], "rb") as stream:
                self._read[name] = stream.read()
        return self._read[name]

    def __contains__(self, name: object) -> bool:
        return name in self.paths  # without reading it, as Mapping's would

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


@dataclass(frozen=True)
class RawProject:
    root: Path
    site: YamlFile | None
    sources: YamlFile | None
    stories: tuple[YamlFile, ...]
    digests: tuple[YamlFile, ...]
    seeds: Mapping[str, bytes]  # name relative to seeds/ -> the file's bytes (SeedFiles)
    seeds_outside: frozenset[str]  # names under seeds/ that link outside it
    themes: frozenset[str] = frozenset({"default"})  # the themes site.yaml may name
    # Per seed, the quotes that matched it word for word in earlier builds (anchor_record).
    anchor_record: dict[str, frozenset[str]] = field(default_factory=dict)


def utf8_problem(data: bytes, error: UnicodeDecodeError) -> tuple[int, int, str]:
    """Where bytes stop being UTF-8, as (line, column, message), all 1-based."""
    before = data[: error.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    byte = data[error.start]
    return line, column, f"the file is not valid UTF-8: byte {error.start} is 0x{byte:02X}"


def read_bytes(relative: str, path: Path | str, problems: Problems) -> bytes | None:
    """A file's bytes, or None after reporting why they cannot be read (its permissions,
    a disk error): a problem located at the file, not a traceback."""
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        problems.error(
            Location.whole_file(relative),
            f"the file cannot be read: {error.strerror or error}",
            f"make it readable (chmod u+r {relative}), or move it out of the project",
        )
        return None


def read_text(root: Path, path: Path, problems: Problems) -> str | None:
    relative = path.relative_to(root).as_posix()
    data = read_bytes(relative, path, problems)
    return decode_text(relative, data, problems) if data is not None else None


def decode_text(relative: str, data: bytes, problems: Problems) -> str | None:
    """A file's bytes as text, or None after reporting where they are not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line, column, message = utf8_problem(data, error)
        problems.error(
            Location(relative, line, column),
            message,
            "save it as UTF-8 in your editor (it was likely saved as Latin-1 or Windows-1252)",
        )
        return None


def read_yaml(root: Path, path: Path, problems: Problems, unparsed: bool = False) -> YamlFile:
    """A YAML file as a node tree, or `unparsed`: its text and digest, for validation to
    parse."""
    relative = path.relative_to(root).as_posix()
    if unparsed:
        return read_unparsed(root, YamlFile(relative, None), problems)
    before = len(problems)
    text = read_text(root, path, problems)
    node = parse_yaml(relative, text, problems) if text is not None else None
    return YamlFile(relative, node, readable=len(problems) == before)


def read_unparsed(root: Path, file: YamlFile, problems: Problems) -> YamlFile:
    """An unparsed file with its text read (unreadable after reporting why)."""
    data = read_bytes(file.path, root / file.path, problems)
    if data is None:
        return YamlFile(file.path, None, readable=False, digest=file.digest)
    text = decode_text(file.path, data, problems)
    digest = file.digest or content_digest(data)
    return YamlFile(file.path, None, readable=text is not None, text=text, digest=digest)


def read_folder(
    root: Path,
    folder: str,
    problems: Problems,
    unparsed: bool = False,
    digests: Mapping[str, str] | None = None,
) -> tuple[YamlFile, ...]:
    """Every `*.yaml` file of a content folder, in name order (not the file system's).

    With `unparsed`, a file whose digest `digests` gives (by its path in the project)
    is not even read: validation reads it if the story cache does not hold it.
    """
    directory = root / "content" / folder
    if not directory.is_dir():
        return ()
    # One scan, and no Path nor stat per file (the entry knows its type): 5,000 story
    # files took 0.1 s of every rebuild otherwise.
    with os.scandir(directory) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    files = []
    for entry in entries:
        stem, suffix = os.path.splitext(entry.name)
        relative = f"content/{folder}/{entry.name}"
        if suffix == ".yml" or (suffix == ".yaml" and not entry.is_file()):
            problems.error(
                Location.whole_file(relative),
                f"content/{folder}/ holds only files ending in .yaml, so this one would be skipped",
                f"rename it to {stem}.yaml",
            )
        elif suffix == ".yaml":
            digest = digests.get(relative) if digests is not None else None
            if unparsed and digest is not None:
                files.append(YamlFile(relative, None, digest=digest))
            else:
                files.append(read_yaml(root, directory / entry.name, problems, unparsed))
    return tuple(files)


def read_seeds(root: Path) -> tuple[SeedFiles, frozenset[str]]:
    seeds_root = root / "seeds"
    if not seeds_root.is_dir():
        return SeedFiles({}), frozenset()
    real_root = seeds_root.resolve()
    paths: dict[str, str] = {}
    outside: set[str] = set()
    for name, entry in files_under(seeds_root):
        # Only a link can lead out: linked folders are not entered.
        if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(real_root):
            outside.add(name)
            continue
        paths[name] = entry.path
    return SeedFiles(paths), frozenset(outside)


MISSING_FILE_HINTS = {
    "site": "create it with at least:\n  title: My digest\n  base_url: https://example.org/digest/",
    "sources": "create it with one entry per outlet:\n  nyt:\n    name: The New York Times",
}


def read_themes(root: Path) -> frozenset[str]:
    """The names of the themes a site may choose: its own themes/ folders and `default`."""
    folder = root / "themes"
    names = {path.name for path in folder.iterdir()} if folder.is_dir() else set()
    names.add("default")
    return frozenset(name for name in names if theme_folder(root, name) is not None)


@contextmanager
def collector_paused(freeze: bool = True) -> Iterator[None]:
    """Read a project without the cyclic garbage collector walking what is read.

    Every composed YAML node is kept (for the position of each problem) and tracked
    by the collector, so each full collection walks all of them: composing 5,000
    story files took 6.3 s with the collector on, 1.2 s with it off. So the collector
    is off while reading, and on again after if it was on: the caller finds it as it was.

    The first load of a process also freezes what is alive when it ends (`gc.freeze`:
    into the permanent generation, which no collection walks), so validating and
    rendering do not walk the nodes either, and forked render workers share their
    pages untouched. But freezing is process-wide, and a frozen object that becomes
    cyclic garbage is never reclaimed; so a load freezes only when nothing is frozen
    yet. A one-shot `sitegen build` or `check` gets it all; a process that loads many
    times (`serve`, the tests) keeps only what was alive at its first load frozen, a
    set that never grows: later loads only pause the collector. A caller may pause it
    around more than the load (the build does, until the site is validated), and the
    first such pause freezes what is alive when it ends too. Reference counting
    still frees frozen objects, the nodes among them (they form no cycles, but for an
    alias inside its own anchor). Without `freeze`, the collector is only paused.
    """
    first = freeze and gc.get_freeze_count() == 0
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if first:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


def load_project(
    root: Path,
    problems: Problems,
    stories_unparsed: bool = False,
    digests: Mapping[str, str] | None = None,
) -> RawProject:
    """Read every content file of the project at `root`, and list its seeds (each is
    read when first used).

    With `stories_unparsed`, story files are read but not parsed: each YamlFile keeps
    the text, and validation parses a story when it must (not when the story cache
    holds it), dropping its node tree once read. The trees of 5,000 stories at once
    took 370 MB. A story file whose digest `digests` gives (fingerprint.Inputs.files)
    is not even read: the story cache knows it by its digest.
    """
    with collector_paused():
        return _read_project(root, problems, stories_unparsed, digests)


def _read_project(
    root: Path, problems: Problems, stories_unparsed: bool, digests: Mapping[str, str] | None
) -> RawProject:
    content = root / "content"
    if not content.is_dir():
        problems.error(
            Location.whole_file("content/"),
            f"there is no content/ folder in {root}",
            "run sitegen in a site project, or name one with --source DIR",
        )
    site = sources = None
    for name in ("site", "sources"):
        path = content / f"{name}.yaml"
        if path.is_file():
            loaded = read_yaml(root, path, problems)
            site, sources = (loaded, sources) if name == "site" else (site, loaded)
        elif content.is_dir():
            problems.error(
                Location.whole_file(f"content/{name}.yaml"),
                f"content/{name}.yaml is missing",
                MISSING_FILE_HINTS[name],
            )
    seeds, seeds_outside = read_seeds(root)
    return RawProject(
        root=root,
        site=site,
        sources=sources,
        stories=read_folder(root, "stories", problems, stories_unparsed, digests),
        digests=read_folder(root, "digests", problems),
        seeds=seeds,
        seeds_outside=seeds_outside,
        themes=read_themes(root),
        anchor_record=read_record(root),
    )
