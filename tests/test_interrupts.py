"""A build that fails or is killed part-way leaves the previous output exactly as it was.

Real `sitegen build` processes are interrupted with SIGINT, SIGTERM and
SIGKILL at points spread over a whole build; afterwards the output folder must
be, byte for byte, either the previous site or the complete new one, and no
temporary folder may remain (after SIGKILL, the next build clears it).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sitegen.cli import main
from tests.support.projects import tree

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "content" / "stories" / "trump-eu-sanctions.yaml"


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


def set_title(project: Path, title: str) -> None:
    site = project / "content" / "site.yaml"
    lines = site.read_text(encoding="utf-8").splitlines()
    site.write_text(
        "\n".join(f"title: {title}" if line.startswith("title:") else line for line in lines),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with 120 copies of its story: a build long enough to interrupt."""
    project = tmp_path_factory.mktemp("big") / "project"
    for folder in ("content", "seeds"):
        shutil.copytree(ROOT / folder, project / folder)
    story = STORY.read_text(encoding="utf-8")
    for number in range(120):
        (project / "content" / "stories" / f"copy-{number:03}.yaml").write_text(
            story, encoding="utf-8"
        )
    return project


def build_process(project: Path, output: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sitegen",
            "build",
            "--source",
            str(project),
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_interrupted_builds_leave_the_old_site_or_the_whole_new_one(
    big_project: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    set_title(big_project, "Old Title")
    assert main(["build", "--source", str(big_project), "--output", str(output)]) == 0
    old = tree(output)
    pristine = tmp_path / "pristine"
    shutil.copytree(output, pristine)

    set_title(big_project, "New Title")
    started = time.monotonic()
    expected_new = tmp_path / "new"
    assert build_process(big_project, expected_new).wait(timeout=120) == 0
    duration = time.monotonic() - started
    new = tree(expected_new)
    assert new != old

    outcomes = []
    kinds = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
    fractions = [0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.97]
    for number, fraction in enumerate(fractions):
        shutil.rmtree(output)
        shutil.copytree(pristine, output)
        kind = kinds[number % len(kinds)]
        process = build_process(big_project, output)
        time.sleep(duration * fraction)
        process.send_signal(kind)
        code = process.wait(timeout=120)
        result = tree(output)
        assert result in (old, new), f"{kind.name} at {fraction:.0%}: output is neither site"
        outcomes.append("new" if result == new else "old")
        if code == 0:
            assert result == new
        elif kind is signal.SIGKILL:
            # Nothing can clean up after SIGKILL; the next build must.
            assert main(["build", "--source", str(big_project), "--output", str(output)]) == 0
            assert tree(output) == new
        else:
            assert code == 130, process.stderr.read() if process.stderr else ""
            assert result == old
        assert leftovers(output) == [], f"{kind.name} at {fraction:.0%}"
    # The points must really fall inside builds, not all before or after them.
    assert "old" in outcomes


def test_a_full_disk_leaves_the_old_site(
    example_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    old = tree(output)
    set_title(example_project, "Changed")
    opened = 0

    def open_until_full(file: Any, mode: str = "r", *options: Any, **named: Any) -> Any:
        nonlocal opened
        if "w" in mode:
            opened += 1
            if opened > 5:
                raise OSError(errno.ENOSPC, "No space left on device")
        return open(file, mode, *options, **named)

    # The files of the site are the only ones sitegen.output opens.
    monkeypatch.setattr("sitegen.output.open", open_until_full, raising=False)
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 3
    monkeypatch.undo()
    assert tree(output) == old
    assert leftovers(output) == []


def test_a_template_error_leaves_the_old_site_and_names_the_template_line(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "output"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    old = tree(output)
    theme = example_project / "themes" / "broken"
    shutil.copytree(ROOT / "themes" / "default", theme)
    story = theme / "templates" / "story.html"
    broken = story.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}{{ no_such_variable }}", 1
    )
    story.write_text(broken, encoding="utf-8")
    site = example_project / "content" / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("theme: default", "theme: broken"),
        encoding="utf-8",
    )
    assert "theme: broken" in site.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 1
    line = broken.splitlines().index("{% block main %}{{ no_such_variable }}") + 1
    assert f"themes/broken/templates/story.html:{line}:" in capsys.readouterr().err
    assert tree(output) == old
    assert leftovers(output) == []


def test_an_interrupt_after_the_site_is_in_place_reports_it_built(
    example_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ctrl-C while the build tidies up after the swap: the new site stays, and says so."""
    output = tmp_path / "output"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    set_title(example_project, "Changed")
    expected = tmp_path / "expected"
    assert main(["build", "--source", str(example_project), "--output", str(expected)]) == 0

    from sitegen.search_inputs import SearchInputs

    closing = SearchInputs.__exit__

    def interrupted_while_closing(self: SearchInputs, *exception: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        closing(self, *exception)

    monkeypatch.setattr(SearchInputs, "__exit__", interrupted_while_closing)
    capsys.readouterr()
    # Another thread, which the signal may reach instead of the main one.
    done = threading.Event()
    waiting = threading.Thread(target=done.wait)
    waiting.start()
    try:
        assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    finally:
        done.set()
        waiting.join()
    assert "it is built" in capsys.readouterr().err
    assert tree(output) == tree(expected)


def test_an_interrupt_once_the_hold_has_ended_still_reports_the_site_built(
    example_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ctrl-C while the command returns, after the build has reported (freeing a big
    site takes a while): the site is built, so the exit is 0, not "as it was"."""
    output = tmp_path / "output"
    set_title(example_project, "Changed")
    expected = tmp_path / "expected"
    assert main(["build", "--source", str(example_project), "--output", str(expected)]) == 0

    from sitegen.output import InterruptHold

    ending = InterruptHold.__exit__

    def interrupted_once_ended(self: InterruptHold, *exception: object) -> None:
        ending(self, *exception)
        raise KeyboardInterrupt  # as the default handler, back in place, would

    monkeypatch.setattr(InterruptHold, "__exit__", interrupted_once_ended)
    capsys.readouterr()
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    assert "it is built" in capsys.readouterr().err
    assert tree(output) == tree(expected)
