"""Content errors, one small invalid site per message, as Zola's `test_sites_invalid/`.

`tests/sites/minimal/` is the smallest site that uses every part of the format.
Each folder of `tests/sites/invalid/` holds only what differs from it, plus:

- `expected.txt`: every problem `sitegen check` must report, one per line as
  `path:line: part of the message`, each optionally followed by a line
  `hint: part of the hint`. The run must report these and nothing else, so a
  case also pins that one mistake does not set off a cascade of others.
- `setup.txt` (optional), for what an overlay of files cannot say:
  `remove PATH` deletes a file of the copy, `link PATH -> TARGET` makes a symlink.

`tests/sites/valid/` holds overlays that must build: YAML that PyYAML's 1.1
typing would misread, and optional keys left empty.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sitegen.cli import main
from tests.support.projects import copy_project

SITES = Path(__file__).resolve().parent / "sites"
MINIMAL = SITES / "minimal"
INVALID_CASES = sorted(path for path in (SITES / "invalid").iterdir() if path.is_dir())
VALID_CASES = sorted(path for path in (SITES / "valid").iterdir() if path.is_dir())
CASE_FILES = ("expected.txt", "setup.txt")  # a case's own files, not part of the site

PROBLEM = re.compile(r"(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.*)")
SUMMARY = re.compile(r"(?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\)")


@dataclass(frozen=True)
class Reported:
    """One problem as `sitegen check` printed it."""

    path: str
    line: int
    column: int
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Expected:
    """One line of an expected.txt, with its optional hint line."""

    path: str
    line: int
    message: str
    hint: str = ""

    def matches(self, problem: Reported) -> bool:
        return (
            problem.path == self.path
            and problem.line == self.line
            and self.message in problem.message
            and self.hint in problem.hint
        )

    def __str__(self) -> str:
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{self.path}:{self.line}: {self.message}{hint}"


def parse_report(stderr: str) -> list[Reported]:
    """The problems of a run: each `path:line:col: error: message` and its indented hint."""
    problems: list[Reported] = []
    for text in stderr.splitlines():
        match = PROBLEM.fullmatch(text)
        if match:
            problems.append(
                Reported(
                    match["path"], int(match["line"]), int(match["column"]), match["message"], ""
                )
            )
        elif text.startswith("    ") and problems:
            last = problems[-1]
            hint = f"{last.hint}\n{text.strip()}" if last.hint else text.strip()
            problems[-1] = Reported(last.path, last.line, last.column, last.message, hint)
    return problems


def read_expected(case: Path) -> list[Expected]:
    expected: list[Expected] = []
    for text in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not text.strip():
            continue
        if text.startswith("hint:"):
            last = expected[-1]
            expected[-1] = Expected(last.path, last.line, last.message, text[5:].strip())
            continue
        location, message = text.split(": ", 1)
        path, line = location.rsplit(":", 1)
        expected.append(Expected(path, int(line), message.strip()))
    return expected


def make_site(case: Path, tmp_path: Path) -> Path:
    """The minimal site with a case's files laid over it, and its setup.txt applied."""
    project = tmp_path / "project"
    copy_project(MINIMAL, project)
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_file() and relative.as_posix() not in CASE_FILES:
            target = project / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    setup = case / "setup.txt"
    for text in setup.read_text(encoding="utf-8").splitlines() if setup.exists() else ():
        action, _, argument = text.partition(" ")
        if action == "remove":
            (project / argument).unlink()
        elif action == "link":
            link, target = argument.split(" -> ")
            os.symlink(target, project / link)
        else:
            raise ValueError(f"{setup}: unknown action {action!r}")
    return project


def check(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--source", str(project)])
    return code, capsys.readouterr().err


# -- the minimal site ---------------------------------------------------------------


def test_minimal_site_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out"
    # A copy: a build keeps its notes in the project (.sitegen/), not in the fixture.
    project = copy_project(MINIMAL, tmp_path / "project")
    assert main(["build", "--source", str(project), "--output", str(output)]) == 0
    assert capsys.readouterr().err == ""
    for page in ("index.html", "stories/one/index.html", "digests/week-21/index.html"):
        assert (output / page).is_file()
    story = BeautifulSoup((output / "stories/one/index.html").read_text("utf-8"), "html.parser")
    assert len(story.select("mark")) >= 3  # the three highlights, each one or more marks


# -- one invalid site per message ----------------------------------------------------


@pytest.mark.parametrize("case", INVALID_CASES, ids=lambda case: case.name)
def test_invalid_site_reports_exactly_its_problems(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stderr = check(make_site(case, tmp_path), capsys)
    reported = parse_report(stderr)
    expected = read_expected(case)
    assert code == 1, stderr

    missing = [str(e) for e in expected if not any(e.matches(p) for p in reported)]
    assert not missing, "not reported: " + "; ".join(missing) + "\n--- the run said:\n" + stderr
    extra = [str(p) for p in reported if not any(e.matches(p) for e in expected)]
    assert not extra, "reported but not expected: " + "; ".join(extra)
    assert len(reported) == len(expected), stderr

    for problem in reported:
        assert problem.hint, f"{problem} tells what is wrong but not how to fix it"
    summaries = [m for line in stderr.splitlines() if (m := SUMMARY.fullmatch(line))]
    assert len(summaries) == 1 and int(summaries[0]["errors"]) == len(expected), stderr


def test_all_problems_of_a_run_are_reported_together_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = SITES / "invalid" / "many-errors-in-many-files"
    code, stderr = check(make_site(case, tmp_path), capsys)
    reported = parse_report(stderr)
    assert code == 1
    assert len({problem.path for problem in reported}) >= 5
    assert len(reported) == len(read_expected(case))
    places = [(problem.path, problem.line, problem.column) for problem in reported]
    assert places == sorted(places)


def test_every_invalid_case_changes_the_minimal_site() -> None:
    for case in INVALID_CASES:
        own = {path.relative_to(case).as_posix() for path in case.rglob("*") if path.is_file()}
        assert "expected.txt" in own, case.name
        assert own - {"expected.txt"}, f"{case.name} changes nothing"


# -- sites that must build -------------------------------------------------------------


@pytest.mark.parametrize("case", VALID_CASES, ids=lambda case: case.name)
def test_valid_site_builds(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_site(case, tmp_path)
    assert main(["build", "--source", str(project), "--output", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().err == ""


# -- YAML 1.1 traps: text that must stay text ------------------------------------------


def test_yaml_1_1_traps_stay_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`NO`, `no`, `on`, `yes`, `off`, `2024` and `1e3` are text; unquoted dates are dates."""
    project = make_site(SITES / "valid" / "yaml-1-1-traps", tmp_path)
    output = tmp_path / "out"
    assert main(["build", "--source", str(project), "--output", str(output)]) == 0
    assert capsys.readouterr().err == ""

    def page(path: str) -> BeautifulSoup:
        return BeautifulSoup((output / path).read_text("utf-8"), "html.parser")

    story = page("stories/one/index.html")
    assert story.html is not None and story.html["lang"] == "no"  # site.yaml `language: no`
    countries = {
        badge["data-source"]: badge.select_one(".badge-country")
        for badge in story.select("a.badge")
    }
    gazette, on_air = countries["gazette"], countries["on"]  # source id `on:` is text too
    assert gazette is not None and gazette.get_text() == "NO"
    assert on_air is not None and on_air.get_text() == "NO"  # `country: no`, upper-cased
    assert (output / "sources/on/index.html").is_file()
    herald_title = story.select_one("#article-herald h2.article-title")
    assert herald_title is not None and herald_title.get_text() == "Yes"
    assert story.select_one('time[datetime="2025-05-21"]') is not None  # an unquoted date

    for tag in ("yes", "on", "2024", "1e3", "off"):
        assert tag in page(f"tags/{tag}/index.html").get_text(), tag
    assert "2025-05-23" in (output / "digests/week-21/index.html").read_text("utf-8")


# -- files that cannot be read -------------------------------------------------------


OPEN = io.open


def refuse_to_read(monkeypatch: pytest.MonkeyPatch, *refused: Path) -> None:
    """Make these files fail to open, as a file without read permission does (tests run
    as root in CI, whom chmod does not stop). Each call replaces the last one's."""
    opening = OPEN
    names = {str(path) for path in refused}

    def guarded(file: Any, *args: Any, **options: Any) -> Any:
        if str(file) in names:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return opening(file, *args, **options)

    monkeypatch.setattr(io, "open", guarded)  # what pathlib opens with
    monkeypatch.setattr(builtins, "open", guarded)


@pytest.mark.parametrize("command", ["check", "build"])
def test_files_that_cannot_be_read_are_reported_where_they_are_named(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = copy_project(MINIMAL, tmp_path / "project")
    seed_line = next(
        number
        for number, text in enumerate(
            (project / "content/stories/one.yaml").read_text().splitlines(), 1
        )
        if "alpha.txt" in text
    )
    output = tmp_path / "out"
    assert main(["build", "--source", str(project), "--output", str(output)]) == 0
    before = sorted(output.rglob("*"))
    capsys.readouterr()
    refused = [
        project / "content" / "stories" / "one.yaml",
        project / "content" / "sources.yaml",
        project / "seeds" / "alpha.txt",
    ]
    for path in refused:  # saved again, then made unreadable: not a build with nothing changed
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    refuse_to_read(monkeypatch, *refused)
    arguments = ["--source", str(project)]
    code = main([command, *arguments, *(["--output", str(output)] if command == "build" else [])])
    reported = parse_report(capsys.readouterr().err)
    assert code == 1
    assert [(p.path, p.message) for p in reported] == [
        ("content/sources.yaml", "the file cannot be read: Permission denied"),
        ("content/stories/one.yaml", "the file cannot be read: Permission denied"),
    ]
    assert "chmod u+r content/stories/one.yaml" in reported[1].hint
    assert sorted(output.rglob("*")) == before  # the previous site is left as it was
    # With the story readable again, the seed it names is the problem, at its line.
    refuse_to_read(monkeypatch, project / "seeds" / "alpha.txt")
    code = main([command, *arguments, *(["--output", str(output)] if command == "build" else [])])
    reported = parse_report(capsys.readouterr().err)
    assert code == 1
    assert [(p.path, p.line, p.message) for p in reported] == [
        ("content/stories/one.yaml", seed_line, "seeds/alpha.txt cannot be read: Permission denied")
    ]
