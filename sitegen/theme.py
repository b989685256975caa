"""Finding a theme: the project's own `themes/<name>/`, else the default shipped with sitegen.

A theme may extend another: `themes/<name>/theme.yaml` holding `parent: default`
makes every template and static file the theme lacks come from its parent (and
the parent's parent, if it names one). The theme's own files win.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, Problems, Severity, did_you_mean

THEME_FILE = "theme.yaml"

PACKAGED_THEMES = Path(__file__).resolve().parent / "themes"
# In a source checkout the package maps `sitegen.themes` to the top-level themes/ folder.
REPOSITORY_THEMES = Path(__file__).resolve().parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    templates: Path
    static: dict[str, bytes]  # path under static/ -> bytes, the parents' files included
    # The template folders of the themes this one extends, nearest first, as
    # (theme name, folder): searched after `templates`, so the theme's own win.
    inherited: tuple[tuple[str, Path], ...] = ()

    def fingerprint(self, name: str) -> str:
        """A short hash of a static file, for cache-busting its URL."""
        return hashlib.sha256(self.static.get(name, b"")).hexdigest()[:10]

    @property
    def template_folders(self) -> tuple[tuple[str, Path], ...]:
        """Every folder a template is looked up in, in order, with the theme it belongs to."""
        return ((self.name, self.templates), *self.inherited)

    def template_path(self, filename: str) -> str | None:
        """A template file as an editor finds it: themes/<theme>/templates/<file>."""
        path = Path(filename).resolve()
        for name, folder in self.template_folders:
            if path.is_relative_to(folder.resolve()):
                return f"themes/{name}/templates/{path.relative_to(folder.resolve()).as_posix()}"
        return None


def theme_folder(project: Path, name: str) -> Path | None:
    """The folder of a theme, or None; a project theme that links out of themes/ is not one."""
    own = project / "themes" / name
    candidates = []
    if own.resolve().is_relative_to((project / "themes").resolve()):
        candidates.append(own)
    if name == "default":
        candidates += [PACKAGED_THEMES / name, REPOSITORY_THEMES / name]
    for candidate in candidates:
        # A theme that extends another may hold only theme.yaml and a few static files.
        if (candidate / "templates").is_dir() or (candidate / THEME_FILE).is_file():
            return candidate
    return None


def read_static(folder: Path) -> dict[str, bytes]:
    static_root = folder / "static"
    static = {}
    if static_root.is_dir():
        for path in sorted(static_root.rglob("*")):
            if path.is_file():
                static[path.relative_to(static_root).as_posix()] = path.read_bytes()
    return static


@dataclass(frozen=True)
class Parent:
    """A theme's `parent:`, with where it is written, for errors about it."""

    name: str
    location: Location


def read_parent(folder: Path, name: str, problems: Problems) -> Parent | None:
    """The parent that themes/<name>/theme.yaml names, or None (no file, no key, or errors)."""
    path = folder / THEME_FILE
    if not path.is_file():
        return None
    shown = f"themes/{name}/{THEME_FILE}"
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        problems.error(
            Location.whole_file(shown),
            f"the file is not valid UTF-8: byte {error.start}",
            "save it as UTF-8",
        )
        return None
    # Imported here: fingerprint imports this module for its folders, on every build.
    import yaml

    from . import schema
    from .fields import Reader
    from .yaml_source import parse_yaml

    root = parse_yaml(shown, text, problems)
    if root is None:
        return None
    reader = Reader(shown, problems)
    values = reader.fields(root, schema.THEME, THEME_FILE)
    if not values or "parent" not in values:
        return None
    for key_node, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if key_node.value == "parent":
            return Parent(values["parent"], reader.at(value))
    return None


def resolve_theme(project: Path, name: str, problems: Problems) -> Theme | None:
    """The theme `name` with the files of every theme it extends beneath its own.

    Returns None after reporting a missing theme or parent, a theme.yaml that does
    not read, or a theme that is its own ancestor.
    """
    chain: list[tuple[str, Path]] = []
    current, named_at = name, Location("content/site.yaml")
    while True:
        folder = theme_folder(project, current)
        if folder is None:
            own = (path.name for path in (project / "themes").glob("*") if path.is_dir())
            themes = sorted({*own, "default"})
            hint = did_you_mean(current, themes) or "themes you can use: " + ", ".join(themes)
            problems.error(named_at, f"there is no theme '{current}' in themes/", hint)
            return None
        if current in (seen for seen, _ in chain):
            path = " -> ".join([*(seen for seen, _ in chain), current])
            problems.error(
                named_at,
                f"theme '{current}' is its own ancestor: {path}",
                "a theme's parent chain must end in a theme with no parent, such as default",
            )
            return None
        chain.append((current, folder))
        before = len(problems)
        parent = read_parent(folder, current, problems)
        if any(problem.severity is Severity.ERROR for problem in list(problems)[before:]):
            return None
        if parent is None:
            break
        current, named_at = parent.name, parent.location
    static: dict[str, bytes] = {}
    for _, folder in reversed(chain):
        static.update(read_static(folder))
    (own_name, own_folder), *ancestors = chain
    return Theme(
        name=own_name,
        templates=own_folder / "templates",
        static=dict(sorted(static.items())),
        inherited=tuple((theme, folder / "templates") for theme, folder in ancestors),
    )
