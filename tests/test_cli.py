"""The command line, run in-process as `main(argv)`: help, version and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import __version__
from sitegen.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sitegen {__version__}"


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["check", "--help"]])
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert "usage: sitegen" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [[], ["publish"], ["build", "--no-such-option"], ["build", "--base-url", "ftp://x.org/"]],
)
def test_wrong_usage_exits_2(argv: list[str]) -> None:
    assert main(argv) == 2


def test_a_folder_without_content_is_a_content_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--source", str(tmp_path), "--output", str(tmp_path / "out")]) == 1
    assert "there is no content/ folder" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_check_writes_nothing(example_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--source", str(example_project)]) == 0
    assert not (example_project / "output").exists()
    assert "no errors" in capsys.readouterr().out


def test_build_defaults_to_output_in_the_project(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_project)
    assert main(["build"]) == 0
    assert (example_project / "output" / "index.html").is_file()


def test_verbose_prints_the_time_of_each_stage(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--source", str(example_project), "--verbose"]) == 0
    err = capsys.readouterr().err
    for stage in ("load", "validate", "render"):
        assert stage in err
