"""Shared fixtures: the example site project, built once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site (content/ and seeds/ of this repo) built into a temporary folder."""
    output = tmp_path_factory.mktemp("example") / "site"
    assert main(["build", "--source", str(ROOT), "--output", str(output)]) == 0
    return output


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A writable copy of the example site project, for tests that change its content."""
    project = tmp_path / "project"
    for folder in ("content", "seeds"):
        shutil.copytree(ROOT / folder, project / folder)
    return project
