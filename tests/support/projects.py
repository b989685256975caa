"""Copying a fixture site project for a test to change."""

from __future__ import annotations

import shutil
from pathlib import Path

# A fixture project built in place keeps sitegen's notes (.sitegen/, the anchor
# record) and maybe output/; a test's copy must start without that history.
PROJECT_NOTES = shutil.ignore_patterns(".sitegen", "output")


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=PROJECT_NOTES)
    return target
