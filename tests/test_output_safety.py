"""The output folder: a failed build leaves it as it was; sitegen replaces only its own.

A previous build is what a deployment serves, so a build with content errors
must not touch it; and `--output` must never wipe a folder sitegen did not make
(it marks its own with `.nojekyll`) or the site project itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main
from tests.support.projects import copy_project

MINIMAL = Path(__file__).resolve().parent / "sites" / "minimal"


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file (bytes) and folder under `folder`, by relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else "folder"
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the minimal site."""
    copy = tmp_path / "project"
    copy_project(MINIMAL, copy)
    return copy


def build(project: Path, output: Path) -> int:
    return main(["build", "--source", str(project), "--output", str(output)])


def test_a_failed_build_leaves_the_previous_output_as_it_was(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out"
    assert build(project, output) == 0
    before = snapshot(output)
    assert ".nojekyll" in before and "stories/one/index.html" in before

    story = project / "content" / "stories" / "one.yaml"
    story.write_text(story.read_text("utf-8").replace("title: Council", "titel: Council", 1))
    (project / "content" / "site.yaml").write_text("title: [broken\n")
    assert build(project, output) == 1

    assert "nothing was written" in capsys.readouterr().err
    assert snapshot(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "project"]  # no leftovers


def test_a_failed_first_build_creates_no_output(project: Path, tmp_path: Path) -> None:
    (project / "content" / "sources.yaml").write_text("herald: {name: The Herald\n")
    output = tmp_path / "out"
    assert build(project, output) == 1
    assert not output.exists()


def test_a_build_replaces_its_own_previous_output(project: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert build(project, output) == 0
    (output / "stale.html").write_text("from an older build")
    assert build(project, output) == 0
    assert not (output / "stale.html").exists()
    assert (output / "index.html").is_file()


def test_output_that_sitegen_did_not_make_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "documents"
    output.mkdir()
    (output / "thesis.txt").write_text("four years of work")
    before = snapshot(output)

    assert build(project, output) == 2
    assert "not made by sitegen" in capsys.readouterr().err
    assert snapshot(output) == before


@pytest.mark.parametrize("where", ["the project", "a folder holding the project"])
def test_output_that_holds_the_project_is_refused(
    where: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project if where == "the project" else project.parent
    (project / ".nojekyll").touch()  # even a folder that looks like a previous build
    before = snapshot(output)

    assert build(project, output) == 2
    assert "holds the site project" in capsys.readouterr().err
    assert snapshot(output) == before


def test_output_that_is_a_file_is_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "site.html"
    output.write_text("not a folder")
    assert build(project, output) == 2
    assert "is a file" in capsys.readouterr().err
    assert output.read_text() == "not a folder"
