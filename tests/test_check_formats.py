"""`sitegen check --format text|json|github`, `--strict`, progress and --verbose counts."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.errors import Location, Problem, Severity
from sitegen.progress import bar_line, progress_for, wanted
from sitegen.report import as_github

SITES = Path(__file__).parent / "sites"


def invalid_site(case: str, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(SITES / "minimal", project)
    for source in (SITES / "invalid" / case).rglob("*"):
        relative = source.relative_to(SITES / "invalid" / case)
        if source.is_file() and relative.name != "expected.txt":
            (project / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, project / relative)
    return project


def test_json_lists_every_problem_with_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = invalid_site("many-errors-in-many-files", tmp_path)
    assert main(["check", "--source", str(project), "--format", "json"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert captured.err == ""  # nothing but the document, so a program can read stdout
    assert report["errors"] == len(report["problems"]) == 7
    places = [(p["file"], p["line"]) for p in report["problems"]]
    assert ("content/stories/one.yaml", 14) in places
    first = report["problems"][0]
    assert set(first) >= {"file", "line", "column", "severity", "message", "hint"}
    assert first["message"] == "there is no story 'tow' in content/stories/"


def test_json_of_a_clean_site_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--source", str(SITES / "minimal"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"errors": 0, "warnings": 0, "problems": []}


def test_github_prints_one_workflow_command_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = invalid_site("unknown-key-hightlights", tmp_path)
    monkeypatch.chdir(tmp_path)  # as in a workflow: paths relative to the checkout
    assert main(["check", "--source", "project", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "::error file=project/content/stories/one.yaml,line=17,col=1,title=sitegen::"
        "unknown key 'hightlights' in the story%0Adid you mean 'highlights'?"
    )
    assert lines[-1] == "1 error(s), 0 warning(s)"
    assert project.is_dir()


def test_github_escapes_what_would_end_a_command_early() -> None:
    problem = Problem(
        Location("content/a,b:c.yaml", 3, 4), "100% wrong\nsecond line", "", Severity.WARNING
    )
    line = as_github([problem], Path(".")).splitlines()[0]
    assert line == (
        "::warning file=content/a%2Cb%3Ac.yaml,line=3,col=4,title=sitegen::"
        "100%25 wrong%0Asecond line"
    )


def test_text_is_the_default_and_goes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = invalid_site("story-missing-date", tmp_path)
    assert main(["check", "--source", str(project)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "content/stories/one.yaml:1:1: error: the story is missing the required key 'date'" in (
        captured.err
    )


def test_verbose_shows_page_and_item_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--source", str(SITES / "minimal"), "--verbose"]) == 0
    err = capsys.readouterr().err
    assert "1 stories, 1 digests, 2 seeds" in err
    assert "3 highlights, 1 comparisons" in err
    assert re.search(r"render .* \d+ pages: \d+ rendered, \d+ reused", err), err


def test_no_progress_bar_when_piped_or_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wanted(Terminal())
    assert not wanted(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not wanted(Terminal())
    with progress_for(io.StringIO()) as progress:
        assert progress is None


def test_the_bar_fills_with_the_stages() -> None:
    assert bar_line("load", 0.0).startswith("[" + "." * 24 + "] load")
    assert bar_line("write", 2.5).endswith("write       2.5s")
    assert bar_line("write", 2.5).count("#") == 20


def test_a_bar_is_drawn_and_erased_on_a_slow_terminal_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr("sitegen.progress.DELAY", 0.0)
    stream = Terminal()
    with progress_for(stream) as progress:
        assert progress is not None
        progress.stage("render")
        import time

        time.sleep(0.25)
    drawn = stream.getvalue()
    assert "] render" in drawn
    assert drawn.endswith("\r\x1b[2K")
