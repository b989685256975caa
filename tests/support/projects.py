"""Copying a fixture site project for a test to change, and reading a built site whole."""

from __future__ import annotations

import shutil
from pathlib import Path

# A fixture project built in place keeps sitegen's notes (.sitegen/, the anchor
# record) and maybe output/; a test's copy must start without that history.
PROJECT_NOTES = shutil.ignore_patterns(".sitegen", "output")


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=PROJECT_NOTES)
    return target


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (a built site) by its path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
