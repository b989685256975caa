"""Reading a site project from disk: YAML files as positioned node trees, seeds as bytes.

This is one of the two modules that touch the file system (with `output`). It
reads only inside the project: YAML under content/, seeds under seeds/ (a link
that leads out of seeds/ is noted, never followed), and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Location, Problems

# libyaml's C parser, when PyYAML was built with it, composes about ten times faster.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlFile:
    path: str  # relative to the project, with '/'
    root: yaml.Node | None  # None when the file is empty or could not be read
    readable: bool = True  # False when reading it already reported a problem


@dataclass(frozen=True)
class RawProject:
    root: Path
    site: YamlFile | None
    sources: YamlFile | None
    stories: tuple[YamlFile, ...]
    digests: tuple[YamlFile, ...]
    seeds: dict[str, bytes]  # name relative to seeds/ -> the file's bytes
    seeds_outside: frozenset[str]  # names under seeds/ that link outside it


def yaml_hint(problem: str) -> str:
    if "\\t" in problem or "tab" in problem:
        return "YAML indents with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value that holds ': ' must be quoted, as \"like: this\""
    if "found character '@'" in problem or "found character '`'" in problem:
        return "a value that starts with @ or ` must be quoted"
    if "expected <block end>" in problem:
        return "check the indentation: items of one list or mapping line up"
    if "could not find expected ':'" in problem:
        return "each key needs a colon and a space before its value"
    if "found undefined alias" in problem:
        return "a value starting with * must be quoted"
    return ""


def parse_yaml(path: str, text: str, problems: Problems) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=YamlLoader)  # type: ignore[no-any-return]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        message = " ".join(part for part in (error.context, error.problem) if part)
        problems.error(where, f"this is not valid YAML: {message}", yaml_hint(message))
    except yaml.YAMLError as error:
        problems.error(Location(path), f"this is not valid YAML: {error}")
    return None


def read_text(root: Path, path: Path, problems: Problems) -> str | None:
    relative = path.relative_to(root).as_posix()
    data = path.read_bytes()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        problems.error(
            Location(relative),
            f"the file is not valid UTF-8 (byte {error.start})",
            "save it as UTF-8 in your editor",
        )
        return None


def read_yaml(root: Path, path: Path, problems: Problems) -> YamlFile:
    relative = path.relative_to(root).as_posix()
    before = len(problems)
    text = read_text(root, path, problems)
    node = parse_yaml(relative, text, problems) if text is not None else None
    return YamlFile(relative, node, readable=len(problems) == before)


def read_folder(root: Path, folder: str, problems: Problems) -> tuple[YamlFile, ...]:
    """Every `*.yaml` file of a content folder, in name order (not the file system's)."""
    directory = root / "content" / folder
    if not directory.is_dir():
        return ()
    files = []
    for path in sorted(directory.iterdir()):
        if path.suffix == ".yml" or (path.suffix == ".yaml" and not path.is_file()):
            problems.error(
                Location(path.relative_to(root).as_posix()),
                f"content/{folder}/ holds only files ending in .yaml",
                f"rename it to {path.stem}.yaml",
            )
        elif path.suffix == ".yaml":
            files.append(read_yaml(root, path, problems))
    return tuple(files)


def read_seeds(root: Path) -> tuple[dict[str, bytes], frozenset[str]]:
    seeds_root = root / "seeds"
    if not seeds_root.is_dir():
        return {}, frozenset()
    real_root = seeds_root.resolve()
    seeds: dict[str, bytes] = {}
    outside: set[str] = set()
    for path in sorted(seeds_root.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(seeds_root).as_posix()
        if not path.resolve().is_relative_to(real_root):
            outside.add(name)
            continue
        seeds[name] = path.read_bytes()
    return seeds, frozenset(outside)


def load_project(root: Path, problems: Problems) -> RawProject:
    """Read every content file and seed of the project at `root`."""
    content = root / "content"
    if not content.is_dir():
        problems.error(
            Location("content/"),
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
                Location(f"content/{name}.yaml"),
                f"content/{name}.yaml is missing",
                "see the README for what it holds",
            )
    seeds, seeds_outside = read_seeds(root)
    return RawProject(
        root=root,
        site=site,
        sources=sources,
        stories=read_folder(root, "stories", problems),
        digests=read_folder(root, "digests", problems),
        seeds=seeds,
        seeds_outside=seeds_outside,
    )
