"""Finding a theme: the project's own `themes/<name>/`, else the default shipped with sitegen."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

PACKAGED_THEMES = Path(__file__).resolve().parent / "themes"
# In a source checkout the package maps `sitegen.themes` to the top-level themes/ folder.
REPOSITORY_THEMES = Path(__file__).resolve().parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    templates: Path
    static: dict[str, bytes]  # path under static/ -> bytes

    def fingerprint(self, name: str) -> str:
        """A short hash of a static file, for cache-busting its URL."""
        return hashlib.sha256(self.static.get(name, b"")).hexdigest()[:10]


def theme_folder(project: Path, name: str) -> Path | None:
    """The folder of a theme, or None; a project theme that links out of themes/ is not one."""
    own = project / "themes" / name
    candidates = []
    if own.resolve().is_relative_to((project / "themes").resolve()):
        candidates.append(own)
    if name == "default":
        candidates += [PACKAGED_THEMES / name, REPOSITORY_THEMES / name]
    for candidate in candidates:
        if (candidate / "templates").is_dir():
            return candidate
    return None


def load_theme(folder: Path, name: str) -> Theme:
    static_root = folder / "static"
    static = {}
    if static_root.is_dir():
        for path in sorted(static_root.rglob("*")):
            if path.is_file():
                static[path.relative_to(static_root).as_posix()] = path.read_bytes()
    return Theme(name=name, templates=folder / "templates", static=static)
