"""A rebuild with nothing changed does nothing; any change to an input builds again."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen import fingerprint, meanwhile
from sitegen.anchor_record import RECORD_PATH
from sitegen.cli import main
from sitegen.fingerprint import RENDERING_LIBRARIES, _library_versions, stat_inputs
from sitegen.meanwhile import can_fork
from tests.support.projects import copy_project, tree

ROOT = Path(__file__).resolve().parent.parent
STORY = "content/stories/trump-eu-sanctions.yaml"
SEED = "seeds/000_add1d8741fb8f83b.txt"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example site with its own copy of the default theme, built once into output/."""
    project = tmp_path / "project"
    project.mkdir()
    for folder in ("content", "seeds"):
        copy_project(ROOT / folder, project / folder)
    shutil.copytree(ROOT / "themes" / "default", project / "themes" / "mine")
    site = project / "content" / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("theme: default", "theme: mine"), encoding="utf-8"
    )
    assert build(project) == 0
    return project


def build(project: Path, *options: str, output: Path | None = None) -> int:
    target = output or project / "output"
    return main(["build", "--source", str(project), "--output", str(target), *options])


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_rebuild_with_nothing_changed_is_skipped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project / "output"
    before = tree(output)
    inode = output.stat().st_ino
    capsys.readouterr()
    assert build(project, "--verbose") == 0
    printed = capsys.readouterr()
    assert "nothing changed since the last build" in printed.out
    assert "skipped" in printed.err
    assert "render" not in printed.err  # no stage after the hashing ran
    assert output.stat().st_ino == inode  # not even swapped for a copy
    assert tree(output) == before


EDITS: dict[str, Callable[[Path], None]] = {
    "a story": lambda p: replace_in(p / STORY, "title: Trump declines", "title: Trump refuses"),
    "a seed": lambda p: (p / SEED).write_bytes((p / SEED).read_bytes() + b"\nOne more line.\n"),
    "a new seed": lambda p: (p / "seeds" / "extra.txt").write_text("Another article.\n"),
    "a source": lambda p: replace_in(
        p / "content" / "sources.yaml", "name: Ukrainska Pravda", "name: Ukrainska Pravda (EN)"
    ),
    "site.yaml": lambda p: replace_in(p / "content" / "site.yaml", "title:", "title: The"),
    "a template": lambda p: replace_in(
        p / "themes" / "mine" / "templates" / "base.html", "</body>", "<!-- edited --></body>"
    ),
    "a static file": lambda p: next((p / "themes" / "mine" / "static").rglob("*.css")).write_text(
        "body { color: black; }\n"
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edited_input_is_built_again_like_a_clean_build(
    project: Path, tmp_path: Path, edit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(project / "output")
    EDITS[edit](project)
    capsys.readouterr()
    assert build(project) == 0
    assert "nothing changed" not in capsys.readouterr().out
    clean = copy_project(project, tmp_path / "clean")
    assert build(clean) == 0
    rebuilt = tree(project / "output")
    assert rebuilt == tree(clean / "output")
    if edit != "a new seed":  # a seed no article uses is not published
        assert rebuilt != before


def test_the_anchor_record_is_known_by_its_bytes_when_its_status_changed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = project / RECORD_PATH
    written = record.read_bytes()
    # The same bytes in a new file (as a cache or a copy puts it back): still up to date.
    record.unlink()
    record.write_bytes(written)
    capsys.readouterr()
    assert build(project) == 0
    assert "nothing changed" in capsys.readouterr().out
    # Other bytes, however the file came to be: built again (the quotes it knows are
    # those whose seed text drifts).
    record.write_text('{"version": 1, "seeds": {}}\n', encoding="utf-8")
    assert build(project) == 0
    assert "nothing changed" not in capsys.readouterr().out
    assert record.read_bytes() == written
    assert build(project) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_another_base_url_is_built_again(project: Path, tmp_path: Path) -> None:
    before = tree(project / "output")
    assert build(project, "--base-url", "https://example.org/other/") == 0
    rebuilt = tree(project / "output")
    assert rebuilt != before
    clean = copy_project(project, tmp_path / "clean")
    assert build(clean, "--base-url", "https://example.org/other/") == 0
    assert rebuilt == tree(clean / "output")
    assert build(project) == 0  # and back: the base_url of site.yaml
    assert tree(project / "output") == before


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_output_folder_changed_by_hand_is_built_again(
    project: Path, jobs: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # With two jobs the output's files are looked up in a forked child; with one, here.
    monkeypatch.setenv("SITEGEN_JOBS", jobs)
    monkeypatch.setattr(meanwhile, "_alone", lambda: True)  # whatever other tests left
    assert can_fork() == (jobs == "2")
    output = project / "output"
    built = tree(output)
    story = next(path for path in sorted((output / "stories").iterdir()) if path.is_dir())
    changes: list[Callable[[], object]] = [
        lambda: (output / "index.html").write_text("edited by hand"),
        lambda: (output / "feed.xml").unlink(),
        lambda: (output / "stray.html").write_text("added by hand"),
        lambda: swapped_for_a_look_alike(output / "robots.txt"),
        # Deeper in the folder: the files are looked up by the build's list, and a
        # file that came or went is seen by its folder's modification time.
        lambda: (story / "stray.html").write_text("added by hand"),
        lambda: made_with_a_file(story / "extra" / "deeper" / "stray.txt"),
        lambda: (story / "empty" / "deeper").mkdir(parents=True),
        lambda: swapped_for_a_link(story, project / "elsewhere"),
        lambda: (story / "index.html").unlink(),
        lambda: edited_in_place_to_the_same_size(story / "index.html"),
        lambda: shutil.rmtree(story),
        lambda: shutil.rmtree(output),
    ]
    folders = sorted(path for path in output.rglob("*") if path.is_dir())
    for change in changes:
        change()
        capsys.readouterr()
        assert build(project) == 0
        assert "nothing changed" not in capsys.readouterr().out
        assert tree(output) == built
        assert sorted(path for path in output.rglob("*") if path.is_dir()) == folders
        assert not [path for path in output.rglob("*") if path.is_symlink()]
    assert build(project) == 0
    assert "nothing changed" in capsys.readouterr().out


def made_with_a_file(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("added by hand")


def swapped_for_a_link(folder: Path, elsewhere: Path) -> None:
    """Move the folder out, and leave a link to it in its place: the same files, reached
    through the link."""
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)


def edited_in_place_to_the_same_size(path: Path) -> None:
    """Overwrite the file's bytes in place: the same inode and size, a new mtime."""
    data = path.read_bytes()
    with path.open("r+b") as stream:
        stream.write(data[::-1])


def swapped_for_a_look_alike(path: Path) -> None:
    """Replace the file by another of the same size and modification time."""
    status = path.stat()
    data = path.read_bytes()
    twin = path.with_name(path.name + ".twin")
    twin.write_bytes(data[::-1])
    os.utime(twin, ns=(status.st_atime_ns, status.st_mtime_ns))
    os.replace(twin, path)


def test_each_output_folder_is_known_apart(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    assert build(project, output=other) == 0
    assert "nothing changed" not in capsys.readouterr().out
    assert build(project, output=other) == 0
    assert build(project) == 0
    assert capsys.readouterr().out.count("nothing changed") == 2


def test_a_build_with_warnings_is_never_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A seed scraped again, moving under a quote that once matched: a warning, not an error.
    project = copy_project(ROOT / "tests" / "sites" / "minimal", tmp_path / "project")
    assert build(project) == 0
    seed = project / "seeds" / "alpha.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace('"will pay for the new bridge"', "“will pay for a new bridge”"))
    for _ in range(2):
        capsys.readouterr()
        assert build(project) == 0
        printed = capsys.readouterr()
        assert "warning: the quote is not word for word" in printed.err
        assert "nothing changed" not in printed.out


def test_each_rendering_library_is_known_by_its_installed_version() -> None:
    # An upgrade must make the next build a full one: its metadata folder names it.
    versions = dict(part.split("=", 1) for part in _library_versions().split(";"))
    assert sorted(versions) == sorted(RENDERING_LIBRARIES)
    for name in RENDERING_LIBRARIES:
        assert f"-{importlib.metadata.version(name)}." in versions[name]


def test_unchanged_inputs_are_not_read_again_however_the_project_is_named(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Older than the racy window: a file saved within it is always read again.
    for path in project.rglob("*"):
        if path.is_file():
            os.utime(path, (1_600_000_000, 1_600_000_000))
    assert build(project) == 0  # remembers every input's digest
    read: list[str] = []
    file_digest = hashlib.file_digest

    def reading(stream: Any, name: str) -> Any:
        read.append(stream.name)
        return file_digest(stream, name)

    monkeypatch.setattr(hashlib, "file_digest", reading)
    monkeypatch.chdir(project.parent)
    assert main(["build", "--source", project.name, "--output", f"{project.name}/output"]) == 0
    assert read == []


def aged(project: Path, seconds: int = 1_600_000_000) -> None:
    """Every input older than the racy window: its status then vouches for its bytes."""
    for name in ("content", "seeds", "themes"):
        for path in (project / name).rglob("*"):
            if path.is_file():
                os.utime(path, (seconds, seconds))


def test_a_build_with_inputs_as_the_last_one_noted_them_looks_up_no_digest(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The statuses of the inputs (path, size, modification time, inode) are noted with
    the build, or by a later one that found it up to date; a build that finds the same
    statuses knows the inputs unchanged without their 20,000 digests at 5,000 stories."""
    aged(project)
    assert build(project) == 0  # unchanged by their digests; their statuses now noted
    assert "nothing changed" in capsys.readouterr().out

    def no_digests(project: Path) -> None:
        raise AssertionError("a digest was looked up")

    with monkeypatch.context() as patched:
        patched.setattr(fingerprint, "_Hashes", no_digests)
        assert build(project) == 0
        assert "nothing changed" in capsys.readouterr().out
        # The output folder is still looked at.
        (project / "output" / "feed.xml").unlink()
        with pytest.raises(AssertionError, match="a digest was looked up"):
            build(project)
    assert build(project) == 0
    assert "nothing changed" not in capsys.readouterr().out
    assert (project / "output" / "feed.xml").is_file()


def test_a_story_edited_to_the_same_size_after_its_status_was_noted_is_built_again(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aged(project)
    assert build(project) == 0
    assert build(project) == 0  # by the statuses
    before = tree(project / "output")
    story = project / STORY
    size = story.stat().st_size
    replace_in(story, "title: Trump declines", "title: Trump DECLINES")
    assert story.stat().st_size == size
    os.utime(story, (1_600_000_100, 1_600_000_100))  # old, but not the noted time
    capsys.readouterr()
    assert build(project) == 0
    assert "nothing changed" not in capsys.readouterr().out
    clean = copy_project(project, tmp_path / "clean")
    assert build(clean) == 0
    assert tree(project / "output") == tree(clean / "output") != before


def test_statuses_vouch_for_no_file_saved_within_the_racy_window(project: Path) -> None:
    """A second save within the same tick of the clock could keep a file's status."""
    aged(project)
    old = stat_inputs(project, None).stamps
    assert old is not None and old == stat_inputs(project, None).stamps
    assert stat_inputs(project, "https://example.org/other/").stamps != old
    replace_in(project / STORY, "title: ", "title: Edited ")
    assert stat_inputs(project, None).stamps is None
    aged(project)
    assert stat_inputs(project, None).stamps not in (None, old)
    (project / "content" / "stories" / "linked.yaml").symlink_to(project / STORY)
    assert stat_inputs(project, None).stamps is None  # a link's target may change unseen


def test_a_file_saved_just_now_is_hashed_again_without_rewriting_the_digests(
    project: Path,
) -> None:
    """Its digest is not kept (a second save within the same tick of the clock could
    share its status), so `hashes.json` has nothing new to keep and is not written;
    once the file is older, the next build keeps its digest."""
    for path in project.rglob("*"):
        if path.is_file() and "output" not in path.parts:
            os.utime(path, (1_600_000_000, 1_600_000_000))
    assert build(project) == 0
    digests = project / ".sitegen" / "hashes.json"
    before = digests.stat()
    story = project / STORY
    replace_in(story, "title: ", "title: Edited ")
    assert build(project) == 0
    after = digests.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    os.utime(story, (1_600_000_100, 1_600_000_100))
    assert build(project) == 0
    kept = json.loads(digests.read_text(encoding="utf-8"))
    assert kept[STORY][3] == hashlib.blake2b(story.read_bytes()).hexdigest()


def test_inputs_read_again_from_the_paths_that_changed_are_those_of_a_full_read(
    project: Path,
) -> None:
    """serve's pages build reads only what its watcher saw change."""
    from sitegen.fingerprint import read_again, read_inputs

    before = read_inputs(project, None)
    replace_in(project / STORY, "title: ", "title: Edited ")
    added = project / "content" / "stories" / "another.yaml"
    added.write_text((project / STORY).read_text(encoding="utf-8"), encoding="utf-8")
    (project / SEED).unlink()
    changed = [str(project / STORY), str(added), str(project / SEED)]
    again = read_again(project, None, before, changed)
    full = read_inputs(project, None)
    assert again is not None and again.digest != before.digest
    assert (again.digest, again.files) == (full.digest, full.files)
    assert again.edited == {STORY, "content/stories/another.yaml"}


def test_the_inputs_name_the_files_read_as_their_status_changed(project: Path) -> None:
    """What a build takes as just edited, to begin its work sooner (build: the shard of
    an edited story): the files whose status is not the one their digest was kept for;
    a file saved within the racy window is read (and named) again, once older not."""
    from sitegen.fingerprint import read_inputs

    aged(project)
    assert read_inputs(project, None).edited  # every status changed by aging
    assert read_inputs(project, None).edited == frozenset()
    replace_in(project / STORY, "title: ", "title: Edited ")
    (project / SEED).touch()  # a new status, the same bytes: read again all the same
    assert read_inputs(project, None).edited == {STORY, SEED}
    assert read_inputs(project, None).edited == {STORY, SEED}  # too recent to be kept
    aged(project)
    read_inputs(project, None)
    assert read_inputs(project, None).edited == frozenset()


@pytest.mark.parametrize("change", ["new folder", "folder gone", "link", "outside", "linked"])
def test_a_change_a_read_of_its_paths_cannot_follow_makes_a_full_read(
    project: Path, change: str
) -> None:
    from sitegen.fingerprint import read_again, read_inputs

    stories = project / "content" / "stories"
    if change == "linked":  # a link anywhere: its target may change unseen
        (stories / "linked.yaml").symlink_to(project / STORY)
    before = read_inputs(project, None)
    path = stories / "more"
    if change == "new folder":
        path.mkdir()
        (path / "a.yaml").write_text("title: x\n", encoding="utf-8")
    elif change == "folder gone":
        path = project / "themes" / "mine" / "static"
        shutil.rmtree(path)
    elif change == "link":
        path = stories / "link.yaml"
        path.symlink_to(project / STORY)
    elif change == "outside":
        path = project / "output" / "index.html"
    else:
        path = project / STORY
    assert read_again(project, None, before, [str(path)]) is None
