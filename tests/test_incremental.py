"""An incremental build writes the same bytes as a build from clean, whatever was edited.

The project is a small synthetic corpus (bench/corpus.py: 10 stories of 2-4
outlets, tags, a digest) with lists paginated by 3 and its own copy of the
default theme, so that every kind of input can change: stories, seeds,
sources, the site's settings, templates and static files. Its search index is
cut into shards of at most 3 pages (4 shards), as a site of thousands of
stories is, so that each shard is made again or kept as it would be there.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import output as output_module
from sitegen import search
from sitegen.build import build as sitegen_build
from sitegen.cli import main
from sitegen.manifest import Previous
from sitegen.pagefind_service import PagefindService
from sitegen.render import fragments
from sitegen.render import site as site_module
from sitegen.render.pages import PageRenderer
from sitegen.search_inputs import SearchInputs
from tests.support.projects import tree

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 3)


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()
    }


def build(project: Path, output: Path, *options: str) -> int:
    return main(["build", "--source", str(project), "--output", str(output), *options])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "corpus.py"),
            "--stories",
            "10",
            "--out",
            str(folder),
            "--tools",
            "sitegen",
            "--seed",
            "7",
        ],
        check=True,
        capture_output=True,
    )
    project = folder / "sitegen"
    site = project / "content" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "page_size: 3\ntheme: mine\n", "utf-8")
    shutil.copytree(ROOT / "themes" / "default", project / "themes" / "mine")
    return project


@pytest.fixture
def project(corpus: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(corpus, copy)
    assert build(copy, copy / "output") == 0
    return copy


def clean_build(project: Path, scratch: Path) -> dict[str, bytes]:
    """The site built from clean: a copy of the project with no record of earlier outputs,
    and none of the story cards rendered for the other builds (in this process or kept
    on disk)."""
    fragments.forget()
    copy = scratch / "clean-project"
    shutil.rmtree(copy, ignore_errors=True)
    ignored = shutil.ignore_patterns("output", "outputs", "builds.json", "fragments.sqlite")
    shutil.copytree(project, copy, ignore=ignored)
    assert build(copy, copy / "output") == 0
    return tree(copy / "output")


# -- edits --------------------------------------------------------------------


def stories(project: Path) -> list[Path]:
    return sorted((project / "content" / "stories").glob("*.yaml"))


def replace_once(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(pattern, text, flags=re.MULTILINE), f"{pattern!r} not in {path}"
    path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE), "utf-8")


def edit_note(project: Path, rng: random.Random) -> None:
    replace_once(
        rng.choice(stories(project)), r"note: (?=[A-Za-z0-9])", f"note: Edited {rng.random():.6f}. "
    )


def edit_title(project: Path, rng: random.Random) -> None:
    replace_once(
        rng.choice(stories(project)), r"^title: (?=[A-Za-z0-9])", f"title: {rng.randint(0, 999)} "
    )


def edit_date(project: Path, rng: random.Random) -> None:
    """A new date moves the story in every list: pages and pagination shift."""
    day = rng.randint(1, 28)
    replace_once(rng.choice(stories(project)), r"^date: \S+", f"date: 2024-02-{day:02d}")


def edit_tags(project: Path, rng: random.Random) -> None:
    replace_once(rng.choice(stories(project)), r"^tags: \[", f"tags: [tag-{rng.randint(0, 3)}, ")


def delete_story(project: Path, rng: random.Random) -> None:
    files = stories(project)
    if len(files) < 3:
        return
    victim = rng.choice(files)
    victim.unlink()
    for digest in (project / "content" / "digests").glob("*.yaml"):
        lines = digest.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if line.strip() != f"- {victim.stem}"]
        digest.write_text("".join(kept), encoding="utf-8")


def add_story(project: Path, rng: random.Random) -> None:
    model = rng.choice(stories(project))
    copy = model.with_name(f"added-{rng.randint(0, 10**6)}.yaml")
    copy.write_text(model.read_text(encoding="utf-8"), encoding="utf-8")
    replace_once(copy, r"^title: (?=[A-Za-z0-9])", "title: Added ")


def edit_seed(project: Path, rng: random.Random) -> None:
    """New words at the end of a seed: its quotes still anchor, its stories change."""
    seed = rng.choice(sorted((project / "seeds").glob("*.txt")))
    with seed.open("a", encoding="utf-8") as stream:
        stream.write(f"\n\nA late paragraph, number {rng.randint(0, 999)}.\n")


def add_unused_seed(project: Path, rng: random.Random) -> None:
    (project / "seeds" / f"unused-{rng.randint(0, 999)}.txt").write_text("Nothing.\n", "utf-8")


def rename_source(project: Path, rng: random.Random) -> None:
    replace_once(project / "content" / "sources.yaml", r"name: ", f"name: R{rng.randint(0, 99)} ")


def edit_site_title(project: Path, rng: random.Random) -> None:
    replace_once(project / "content" / "site.yaml", r"^title: ", f"title: T{rng.randint(0, 99)} ")


def edit_template(project: Path, rng: random.Random) -> None:
    templates = sorted((project / "themes" / "mine" / "templates").glob("*.html"))
    template = rng.choice([t for t in templates if "{% block main %}" in t.read_text("utf-8")])
    replace_once(template, r"\{% block main %\}", f"{{% block main %}}<!-- {rng.random()} -->")


def edit_stylesheet(project: Path, rng: random.Random) -> None:
    with (project / "themes" / "mine" / "static" / "style.css").open("a", encoding="utf-8") as css:
        css.write(f"/* {rng.randint(0, 999)} */\n")


def break_a_story(project: Path, rng: random.Random) -> None:
    """A build that fails leaves the output as it was; the edit is then undone."""
    story = rng.choice(stories(project))
    before = story.read_text(encoding="utf-8")
    output = tree(project / "output")
    story.write_text(before + "\nhighlights: [unclosed\n", encoding="utf-8")
    assert build(project, project / "output") == 1
    assert tree(project / "output") == output
    story.write_text(before, encoding="utf-8")


EDITS: list[Callable[[Path, random.Random], None]] = [
    edit_note,
    edit_title,
    edit_date,
    edit_tags,
    delete_story,
    add_story,
    edit_seed,
    add_unused_seed,
    rename_source,
    edit_site_title,
    edit_template,
    edit_stylesheet,
    break_a_story,
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 2**32)), min_size=1, max_size=4))
def test_random_edits_build_the_same_bytes_as_a_clean_build(
    corpus: Path, tmp_path_factory: Any, edits: list[tuple[Callable[..., None], int]]
) -> None:
    scratch = tmp_path_factory.mktemp("edits")
    project = scratch / "project"
    shutil.copytree(corpus, project)
    assert build(project, project / "output") == 0
    for edit, seed in edits:
        edit(project, random.Random(seed))
        assert build(project, project / "output") == 0
        assert tree(project / "output") == clean_build(project, scratch), edit.__name__


def test_a_one_story_edit_renders_only_what_shows_that_story(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project / "output"
    before = inodes(output)
    edited = stories(project)[0]
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    capsys.readouterr()
    assert build(project, output, "--verbose") == 0
    counts = re.search(r"(\d+) pages: (\d+) rendered, (\d+) reused", capsys.readouterr().err)
    assert counts is not None
    pages, rendered, reused = map(int, counts.groups())
    assert rendered >= 1 and reused > rendered and pages == rendered + reused
    after = inodes(output)
    story_page = f"stories/{edited.stem}/index.html"
    assert after[story_page] != before[story_page]
    # A note shows only on its story's page: the other stories' pages are the same files.
    others = [p for p in before if p.startswith("stories/") and edited.stem not in p]
    assert others and all(after[p] == before[p] for p in others)


def test_a_one_story_edit_makes_again_only_the_search_shard_of_its_page(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = project / "output"
    shards = json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert len(shards["bundles"]) == 4
    before = inodes(output)
    edited = stories(project)[0]
    # Words the site has already: the vocabulary of the site does not change.
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    read: list[str] = []
    entries = SearchInputs.entries

    def noted(self: SearchInputs, digests: Any) -> Any:
        wanted = list(digests)
        read.extend(wanted)
        return entries(self, wanted)

    monkeypatch.setattr(SearchInputs, "entries", noted)
    assert build(project, output) == 0
    after = inodes(output)
    changed = {
        path.split("/")[1]
        for path in after
        if path.startswith("pagefind/") and after[path] != before.get(path)
    }
    page = f"stories/{edited.stem}/index.html"
    assert changed == {str(search.shard_of(page, 4))}
    # Only the pages of that shard were read from the store, the edited one among them.
    assert 1 <= len(read) <= 3
    assert tree(output) == clean_build(project, project.parent / "scratch")


def test_a_one_story_edit_makes_its_search_shard_while_the_lists_render(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind makes the edited page's shard on the other core while this process
    renders the front page and the lists (search_ahead), and only once."""
    output = project / "output"
    edited = stories(project)[0]
    page = f"stories/{edited.stem}/index.html"
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    rendering, indexing = threading.Event(), threading.Event()
    overlapped: list[bool] = []
    runs: list[list[str]] = []
    index = PagefindService.index
    front_pages = PageRenderer.front_pages

    def index_noted(service: Any, pages: Any, more: Any = None) -> Any:
        def whole_known(rest: Any) -> Any:
            if rest is not None and any(path == page for path, _ in [*pages, *rest]):
                runs.append([path for path, _ in [*pages, *rest]])
                indexing.set()
                rendering.wait(timeout=10)
            return rest

        if more is None:
            whole_known([])
            return index(service, pages)
        return index(service, pages, lambda: whole_known(more()))

    def front_pages_noted(renderer: PageRenderer) -> Any:
        rendering.set()
        # Made ahead, the shard is under way while the front page renders; made in the
        # search stage, it would start only after every page is rendered.
        overlapped.append(indexing.wait(timeout=10))
        yield from front_pages(renderer)

    with monkeypatch.context() as patched:
        patched.setattr(PagefindService, "index", index_noted)
        patched.setattr(PageRenderer, "front_pages", front_pages_noted)
        assert build(project, output) == 0
    assert overlapped == [True]
    assert len(runs) == 1  # not made again in the search stage
    assert tree(output) == clean_build(project, project.parent / "scratch")


def a_story_after_others_of_its_shard(project: Path, count: int) -> Path:
    """A story whose page comes after another page of its search shard, in path order."""
    pages = {f"stories/{story.stem}/index.html": story for story in stories(project)}
    for page, story in sorted(pages.items()):
        if any(
            other < page and search.shard_of(other, count) == search.shard_of(page, count)
            for other in pages
        ):
            return story
    raise AssertionError("every story page is the first of its shard")


def test_a_one_story_edit_begins_its_shard_before_the_site_is_rendered(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the edited story is read, Pagefind is given the pages of its shard that come
    before its page, then the rest once the page is rendered: the shard is made once,
    and as a clean build makes it."""
    output = project / "output"
    edited = a_story_after_others_of_its_shard(project, 4)
    page = f"stories/{edited.stem}/index.html"
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    events: list[str] = []
    runs: list[tuple[list[str], list[str] | None]] = []  # (first pages, the rest)
    index = PagefindService.index
    story_page = PageRenderer.story_page

    def index_noted(service: Any, pages: Any, more: Any = None) -> Any:
        first = [path for path, _ in pages]
        if more is None:
            runs.append((first, None))
            return index(service, pages)

        def rest_noted() -> Any:
            rest = more()
            runs.append((first, None if rest is None else [path for path, _ in rest]))
            return rest

        return index(service, pages, rest_noted)

    def story_page_noted(renderer: PageRenderer, *arguments: Any) -> Any:
        events.append("render")
        return story_page(renderer, *arguments)

    monkeypatch.setattr(PagefindService, "index", index_noted)
    monkeypatch.setattr(PageRenderer, "story_page", story_page_noted)
    note_shards_ahead(monkeypatch, events, page)
    assert build(project, output) == 0
    shard = [(first, rest) for first, rest in runs if rest is not None and page in first + rest]
    assert len(shard) == 1  # made once: begun early, finished once the page was rendered
    first, rest = shard[0]
    assert first and all(path < page for path in first) and rest is not None and page in rest
    assert events.index("shard begun") < events.index("render")
    assert tree(output) == clean_build(project, project.parent / "scratch")


def built_with_aged_inputs(project: Path) -> None:
    """Every input made older than the racy window, and built: known by its status from
    then on, so that the next build reads only the files edited since."""
    for name in ("content", "seeds", "themes"):
        for path in (project / name).rglob("*"):
            if path.is_file():
                os.utime(path, (1_600_000_000, 1_600_000_000))
    assert build(project, project / "output") == 0


def note_shards_ahead(monkeypatch: pytest.MonkeyPatch, events: list[str], page: str) -> None:
    """Note in `events` what the build decides of the shards it makes ahead, as it does
    (not when Pagefind's threads get to it): "shard begun" when one is begun, early or
    whole; "shard given its page" when the shard that holds `page` gets it; "early runs
    dropped" when runs begun early end unfinished."""
    from sitegen.search_ahead import ShardsAhead

    start, start_early = ShardsAhead.start, ShardsAhead.start_early
    finish_early, drop_early = ShardsAhead.finish_early, ShardsAhead.drop_early

    def start_noted(ahead: ShardsAhead, executable: Any, key: str, pages: Any) -> None:
        events.append("shard begun")
        if page in [path for path, _ in pages]:
            events.append("shard given its page")
        start(ahead, executable, key, pages)

    def start_early_noted(ahead: ShardsAhead, *arguments: Any) -> None:
        events.append("shard begun")
        start_early(ahead, *arguments)

    def finish_early_noted(
        ahead: ShardsAhead, key: str, count: int, shard: int, named: Any, pages: Any
    ) -> bool:
        finished = finish_early(ahead, key, count, shard, named, pages)
        if finished and page in [path for path, _ in named]:
            events.append("shard given its page")
        return finished

    def drop_early_noted(ahead: ShardsAhead) -> None:
        if ahead.begun():
            events.append("early runs dropped")
        drop_early(ahead)

    monkeypatch.setattr(ShardsAhead, "start", start_noted)
    monkeypatch.setattr(ShardsAhead, "start_early", start_early_noted)
    monkeypatch.setattr(ShardsAhead, "finish_early", finish_early_noted)
    monkeypatch.setattr(ShardsAhead, "drop_early", drop_early_noted)


def note_render_stage(monkeypatch: pytest.MonkeyPatch, events: list[str]) -> None:
    """Note "render stage" in `events` as the build's render stage begins."""
    render_files = site_module.render_files

    def render_files_noted(*arguments: Any, **options: Any) -> Any:
        events.append("render stage")
        return render_files(*arguments, **options)

    monkeypatch.setattr(site_module, "render_files", render_files_noted)


@pytest.mark.parametrize("also", [None, "a seed", "sources.yaml"])
def test_an_edit_of_story_files_only_begins_their_shard_before_the_project_is_read(
    project: Path, monkeypatch: pytest.MonkeyPatch, also: str | None
) -> None:
    """A story's page is named by its file, so the shard of an edited story can begin
    as soon as the edited files are known, before any file is parsed; not when another
    kind of file changed too, which may change every page (the shard would be wasted).
    Either way the shard is made once, and as a clean build makes it."""
    from sitegen import load

    output = project / "output"
    built_with_aged_inputs(project)
    edited = a_story_after_others_of_its_shard(project, 4)
    page = f"stories/{edited.stem}/index.html"
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    if also == "a seed":
        seed = sorted((project / "seeds").glob("*.txt"))[0]
        seed.write_bytes(seed.read_bytes() + b"\nOne more line.\n")
    elif also == "sources.yaml":
        replace_once(project / "content" / "sources.yaml", r"name: ", "name: The ")
    events: list[str] = []
    made: list[list[str]] = []  # the pages of each Pagefind run that holds the page
    index, load_project = PagefindService.index, load.load_project

    def index_noted(service: Any, pages: Any, more: Any = None) -> Any:
        if page in [path for path, _ in pages] or more is not None:
            made.append([path for path, _ in pages])
        return index(service, pages, more)

    def load_noted(*arguments: Any, **options: Any) -> Any:
        events.append("load")
        return load_project(*arguments, **options)

    monkeypatch.setattr(PagefindService, "index", index_noted)
    monkeypatch.setattr(load, "load_project", load_noted)
    note_shards_ahead(monkeypatch, events, page)
    assert build(project, output) == 0
    begun_first = "shard begun" in events[: events.index("load")]
    assert begun_first == (also is None)
    if also is None:
        assert len(made) == 1 and made[0] and all(path < page for path in made[0])
    assert tree(output) == clean_build(project, project.parent / "scratch")


def test_a_shard_begun_for_an_edit_is_dropped_once_every_story_is_read_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A story edited as sitegen changed (another version): its shard begins before the
    project is read, and every story is then read again, a full rebuild. The early run
    ends then, before the render stage, rather than take a core from it."""
    from sitegen import fingerprint

    output = project / "output"
    built_with_aged_inputs(project)
    edited = a_story_after_others_of_its_shard(project, 4)
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    environment = fingerprint.environment_digest()
    monkeypatch.setattr(fingerprint, "environment_digest", lambda: "another " + environment)
    events: list[str] = []
    rests: list[Any] = []  # what each early run was given after its first pages
    index = PagefindService.index

    def index_noted(service: Any, pages: Any, more: Any = None) -> Any:
        def rest_noted() -> Any:
            rests.append(more())
            return rests[-1]

        return index(service, pages, None if more is None else rest_noted)

    monkeypatch.setattr(PagefindService, "index", index_noted)
    note_shards_ahead(monkeypatch, events, f"stories/{edited.stem}/index.html")
    note_render_stage(monkeypatch, events)
    assert build(project, output) == 0
    assert events[:3] == ["shard begun", "early runs dropped", "render stage"]
    assert rests == [None]  # its Pagefind was told to stop


def test_a_story_read_again_renders_before_the_others_are_looked_up(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edited story's page renders before the other stories are looked up for reuse,
    so that the rest of its shard goes to Pagefind that much sooner; once only."""
    from sitegen.reuse import Reuse

    output = project / "output"
    edited = stories(project)[len(stories(project)) // 2]
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    events: list[tuple[str, str]] = []
    reused, story_page = Reuse.reused, PageRenderer.story_page

    def reused_noted(reuse: Reuse, unit: str, key: str) -> Any:
        events.append(("looked up", unit))
        return reused(reuse, unit, key)

    def story_page_noted(renderer: PageRenderer, story: Any, *arguments: Any) -> Any:
        events.append(("rendered", f"story:{story.slug}"))
        return story_page(renderer, story, *arguments)

    monkeypatch.setattr(Reuse, "reused", reused_noted)
    monkeypatch.setattr(PageRenderer, "story_page", story_page_noted)
    assert build(project, output) == 0
    unit = f"story:{edited.stem}"
    # Rendered once, as soon as it is read (for its search shard, index_sooner), and
    # taken by the render stage, which looks it up before any other story.
    assert [u for kind, u in events if kind == "rendered"] == [unit]
    looked_up = [u for kind, u in events if kind == "looked up" and u.startswith("story:")]
    assert events[0] == ("rendered", unit) and looked_up[0] == unit
    assert tree(output) == clean_build(project, project.parent / "scratch")


def test_a_one_story_edit_gives_its_shard_every_page_before_the_render_stage(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edited story's page is rendered as soon as the story is read, and its shard
    given the rest of its pages then, before the render stage begins: the shard is made
    once, and as a clean build makes it."""
    output = project / "output"
    edited = a_story_after_others_of_its_shard(project, 4)
    page = f"stories/{edited.stem}/index.html"
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    events: list[str] = []
    note_shards_ahead(monkeypatch, events, page)
    note_render_stage(monkeypatch, events)
    assert build(project, output) == 0
    told = [event for event in events if event in ("shard given its page", "render stage")]
    assert told == ["shard given its page", "render stage"]
    assert tree(output) == clean_build(project, project.parent / "scratch")


def test_a_page_rendered_sooner_than_the_site_is_known_is_indexed_again_when_it_differs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendered as soon as it is read, the edited story shows its tag as it spells it;
    the site then spells it as most stories do. The shard begun with that page is not
    taken: it is made again from the page as built, as a clean build makes it."""
    output = project / "output"
    edited = a_story_after_others_of_its_shard(project, 4)
    page = f"stories/{edited.stem}/index.html"
    other = next(story for story in stories(project) if story != edited)
    found = re.search(r"^tags: \[([a-z0-9-]+)", other.read_text(encoding="utf-8"), re.M)
    assert found is not None
    tag = found[1].upper()  # one story spells it so, another as its slug: the slug's wins
    replace_once(edited, r"^tags: \[", f"tags: [{tag}, ")
    made: list[bool] = []  # for each run that indexed the page: whether its page is as built
    index = PagefindService.index

    def index_noted(service: Any, pages: Any, more: Any = None) -> Any:
        def rest_noted() -> Any:
            rest = more()
            if rest is not None:
                made.extend(tag not in text for path, text in rest if path == page)
            return rest

        made.extend(tag not in text for path, text in pages if path == page)
        return index(service, pages, None if more is None else rest_noted)

    monkeypatch.setattr(PagefindService, "index", index_noted)
    assert build(project, output) == 0
    assert made == [False, True]
    assert tag not in (output / page).read_text(encoding="utf-8")
    assert tree(output) == clean_build(project, project.parent / "scratch")


@pytest.mark.parametrize("fault", ["{{ no_such_variable }}", "{{ story.no_such_field() }}"])
def test_a_template_problem_of_a_story_rendered_first_names_the_first_page_in_order(
    project: Path, fault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The story read again renders first; when the template fails on every story page,
    the problem reported is still that of the first story page, as a clean build's, in
    the same words (a story kept from the last build is named as a story)."""
    output = project / "output"
    edited = stories(project)[len(stories(project)) // 2]
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    template = project / "themes" / "mine" / "templates" / "story.html"
    replace_once(template, r"data-pagefind-body>", "data-pagefind-body>" + fault)
    scratch = project.parent / "scratch"
    clean = scratch / "clean-project"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("output", ".sitegen"))
    capsys.readouterr()
    assert build(clean, clean / "output") == 1
    from_clean = capsys.readouterr().err
    assert build(project, output) == 1
    rebuilt = capsys.readouterr().err
    assert "template error while rendering stories/" in from_clean
    assert rebuilt.replace(str(project), "P") == from_clean.replace(str(clean), "P")
    assert f"stories/{edited.stem}/" not in rebuilt.split("template error")[1].split("\n")[0]


def test_a_shard_begun_from_pages_that_changed_since_is_made_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shard begun early holds the other pages as the previous build indexed them:
    when those changed too (a template's words on every story page), that run is not
    taken, and the shard is made again from the pages as they are."""
    output = project / "output"
    edited = a_story_after_others_of_its_shard(project, 4)
    page = f"stories/{edited.stem}/index.html"
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    template = project / "themes" / "mine" / "templates" / "story.html"
    replace_once(template, r"data-pagefind-body>", "data-pagefind-body><p>Annotated.</p>")
    runs: list[tuple[bool, list[str]]] = []  # (begun early, the pages of the run)
    index = PagefindService.index

    def index_noted(service: Any, pages: Any, more: Any = None) -> Any:
        first = [path for path, _ in pages]
        if more is None:
            runs.append((False, first))
            return index(service, pages)

        def rest_noted() -> Any:
            rest = more()
            runs.append((True, first + [path for path, _ in rest or []]))
            return rest

        return index(service, pages, rest_noted)

    monkeypatch.setattr(PagefindService, "index", index_noted)
    assert build(project, output) == 0
    assert any(early for early, _ in runs)  # begun, and wasted
    assert any(not early and page in pages for early, pages in runs)
    assert tree(output) == clean_build(project, project.parent / "scratch")


def test_an_interrupt_while_a_shard_is_begun_early_ends_its_pagefind(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the early shard began, while the kept stories are decoded: the build
    stops, its Pagefind process ends, and the output is the previous build's."""
    from sitegen import validate as validate_module

    output = project / "output"
    before = tree(output)
    edited = a_story_after_others_of_its_shard(project, 4)
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Attributed, the original. ")
    services: list[PagefindService] = []
    index = PagefindService.index

    def index_noted(service: PagefindService, pages: Any, more: Any = None) -> Any:
        services.append(service)
        return index(service, pages, more)

    def interrupted(*arguments: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(PagefindService, "index", index_noted)
    monkeypatch.setattr(validate_module, "_cached_story", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sitegen_build(project, output)
    assert services  # the shard had begun
    assert all(s.process is not None and s.process.poll() is not None for s in services)
    assert tree(output) == before


def test_a_word_new_to_the_site_makes_again_its_shard_and_one_word_bundle(project: Path) -> None:
    output = project / "output"
    shards = json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert len(shards["words"]) == search.WORD_BUCKETS
    before = inodes(output)
    edited = stories(project)[0]
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Quuxwordzyx. ")
    assert build(project, output) == 0
    after = inodes(output)
    changed = {
        path.rsplit("/", 1)[0]
        for path in after
        if path.startswith("pagefind/") and after[path] != before.get(path)
    }
    shard = search.shard_of(f"stories/{edited.stem}/index.html", 4)
    bucket = search.bucket_of("quuxwordzyx")
    # Its page's shard and its first letter's word bundle, and no other shard.
    assert {folder.split("/fragment")[0].split("/index")[0] for folder in changed} == {
        f"pagefind/{shard}",
        f"pagefind/words/{bucket}",
    }
    assert tree(output) == clean_build(project, project.parent / "scratch")


def test_a_seed_edit_renders_only_the_stories_that_use_it(project: Path) -> None:
    output = project / "output"
    before = inodes(output)
    seed_name = re.search(r"seed: (\S+)", stories(project)[0].read_text("utf-8"))
    assert seed_name is not None
    users = [s.stem for s in stories(project) if seed_name.group(1) in s.read_text("utf-8")]
    edit = project / "seeds" / seed_name.group(1)
    edit.write_text(edit.read_text("utf-8") + "\n\nOne more paragraph.\n", "utf-8")
    assert build(project, output) == 0
    after = inodes(output)
    for story in stories(project):
        page = f"stories/{story.stem}/index.html"
        assert (after[page] != before[page]) == (story.stem in users), page


def test_the_sitemap_is_made_again_only_when_what_it_lists_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = project / "output"
    made: list[int] = []
    render_sitemap = site_module.render_sitemap
    monkeypatch.setattr(
        site_module,
        "render_sitemap",
        lambda entries: made.append(len(entries)) or render_sitemap(entries),
    )
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    assert build(project, output) == 0
    assert made == []  # a note is not in the sitemap
    replace_once(stories(project)[1], r"^date: \d{4}", "date: 2019")
    assert build(project, output) == 0
    assert len(made) == 1  # a story's date is its page's lastmod
    assert tree(output) == clean_build(project, project.parent / "scratch")


def shows_source(story_file: Path, source: str) -> bool:
    """Whether a story shows the source: an article's, one cited, or a speaker."""
    story = yaml.safe_load(story_file.read_text(encoding="utf-8"))
    named = {article["source"] for article in story["articles"]}
    named |= {cited for article in story["articles"] for cited in article.get("cites", [])}
    named |= {h.get("speaker") for h in story.get("highlights", [])}
    return source in named


def test_a_renamed_source_renders_again_only_the_story_pages_that_show_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project / "output"
    sources = project / "content" / "sources.yaml"
    # A source that one story shows only as the speaker of a highlight.
    speaker_of = stories(project)[0]
    renamed = next(
        source
        for source in yaml.safe_load(sources.read_text(encoding="utf-8"))
        if not shows_source(speaker_of, source)
    )
    replace_once(speaker_of, r"speaker: .*$", f"speaker: {renamed}")
    assert build(project, output) == 0
    showing = {file.stem for file in stories(project) if shows_source(file, renamed)}
    assert speaker_of.stem in showing and len(showing) < len(stories(project))
    before = inodes(output)
    replace_once(sources, rf"^{renamed}:\n  name: ", f"{renamed}:\n  name: Renamed ")
    capsys.readouterr()
    assert build(project, output, "--verbose") == 0
    counts = re.search(r"(\d+) pages: (\d+) rendered", capsys.readouterr().err)
    assert counts is not None
    pages, rendered = map(int, counts.groups())
    # Its stories' pages, and every other page (each is given every badge); not the
    # other stories' pages.
    assert rendered == len(showing) + pages - len(stories(project))
    after = inodes(output)
    for file in stories(project):
        page = f"stories/{file.stem}/index.html"
        assert (after[page] != before[page]) == (file.stem in showing), page
    assert tree(output) == clean_build(project, tmp_path)


def test_a_template_edit_renders_only_the_pages_that_use_it(project: Path) -> None:
    output = project / "output"
    before = inodes(output)
    template = project / "themes" / "mine" / "templates" / "tags.html"
    replace_once(template, r"\{% block main %\}", "{% block main %}<!-- edited -->")
    assert build(project, output) == 0
    after = inodes(output)
    changed = sorted(p for p in after if p.endswith(".html") and after[p] != before.get(p))
    assert changed == ["tags/index.html"]


def test_an_output_file_edited_by_hand_is_rendered_again(project: Path) -> None:
    output = project / "output"
    page = output / "stories" / stories(project)[1].stem / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"vandalised")
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    assert build(project, output) == 0
    assert page.read_bytes() == original


def test_a_rebuild_lists_the_output_folder_only_when_a_file_came_or_went_by_hand(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stray file must go, so the output folder is listed to find it; but when no
    folder of the last build changed since (their times), its files are known."""
    output = project / "output"
    listed: list[Path] = []
    listing = output_module._listing

    def counted(folder: Path) -> set[str]:
        listed.append(folder)
        return listing(folder)

    monkeypatch.setattr(output_module, "_listing", counted)
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    assert build(project, output) == 0
    assert listed == []
    stray = output / "stories" / stories(project)[1].stem / "stray.html"
    stray.write_text("added by hand", encoding="utf-8")
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Again. ")
    assert build(project, output) == 0
    assert listed == [output] and not stray.exists()
    assert tree(output) == clean_build(project, tmp_path)


def test_a_rebuild_looks_again_at_each_reused_file_only_when_the_output_changed_by_hand(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output's files are looked up as the inputs are (fingerprint.OutputCheck):
    found as the last build noted them, none is looked at again to be reused."""
    output = project / "output"
    previous: list[Previous] = []
    made = Previous.__init__

    def noted(self: Previous, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        previous.append(self)

    monkeypatch.setattr(Previous, "__init__", noted)
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    assert build(project, output) == 0
    assert [p.trusted for p in previous] == [True]
    page = output / "stories" / stories(project)[1].stem / "index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<html", b"<HTML", 1))  # the same size
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Again. ")
    assert build(project, output) == 0
    assert [p.trusted for p in previous] == [True, False]
    assert page.read_bytes() == original
    assert tree(output) == clean_build(project, tmp_path)


def restore_from_a_cache(project: Path) -> None:
    """output/ and .sitegen/ put back as a CI cache (or a copy) does: the same paths,
    bytes and times, but every file and folder new to the disk (other inodes)."""
    for name in ("output", ".sitegen"):
        kept = project.parent / f"cached-{name}"
        shutil.copytree(project / name, kept)
        shutil.rmtree(project / name)
        kept.rename(project / name)


def test_an_output_restored_from_a_cache_is_reused_not_rendered_again(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project / "output"
    restore_from_a_cache(project)
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    capsys.readouterr()
    assert build(project, output, "--verbose") == 0
    counts = re.search(r"(\d+) pages: (\d+) rendered, (\d+) reused", capsys.readouterr().err)
    assert counts is not None
    pages, rendered, reused = map(int, counts.groups())
    # The edited story's page and the lists that show its card; not the other stories.
    assert 1 <= rendered < pages - len(stories(project)) + 1 and reused > rendered
    assert tree(output) == clean_build(project, tmp_path)
    capsys.readouterr()
    assert build(project, output) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_a_restored_output_file_with_other_bytes_is_rendered_again(project: Path) -> None:
    output = project / "output"
    page = output / "stories" / stories(project)[1].stem / "index.html"
    original = page.read_bytes()
    restore_from_a_cache(project)
    # The same size, so that only its bytes tell it apart.
    page.write_bytes(original.replace(b"<html", b"<HTML", 1))
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    assert build(project, output) == 0
    assert page.read_bytes() == original


DYING_BUILD = """
import os, signal, sys
import sitegen.output as output
import sitegen.search as search
search.PAGES_PER_SHARD = 3  # as the small_shards fixture has it
real_apply = output._apply

def apply_half_then_die(out, staging, removed, moved):
    share = float(os.environ["MOVED"])  # below 0: before the journal's first step
    if share >= 0:
        real_apply(out, staging, removed, moved[: int(len(moved) * share)])
    os.kill(os.getpid(), signal.SIGKILL)

output._apply = apply_half_then_die
from sitegen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def build_killed_while_moving_files_in(project: Path, output: Path, moved: float) -> None:
    """A build killed outright once it has moved this share of its files in (below 0:
    once it has written its journal, before removing or moving a file)."""
    command = ["build", "--source", str(project), "--output", str(output)]
    killed = subprocess.run(
        [sys.executable, "-c", DYING_BUILD, *command],
        capture_output=True,
        env={**os.environ, "MOVED": str(moved)},
    )
    assert killed.returncode == -9


def test_a_rebuild_killed_while_moving_files_in_is_completed_by_the_next(
    project: Path, tmp_path: Path
) -> None:
    output = project / "output"
    old = tree(output)
    replace_once(project / "content" / "site.yaml", r"^title: ", "title: Renamed ")
    build_killed_while_moving_files_in(project, output, 0.5)
    new = clean_build(project, tmp_path)
    half = tree(output)
    assert half not in (old, new)  # killed outright mid-way: whole files of both builds
    assert all(half[path] in (old.get(path), new.get(path)) for path in half)
    assert list(project.glob(".output.journal-*"))
    assert build(project, output) == 0
    assert tree(output) == new
    assert [p.name for p in project.iterdir() if p.name.startswith(".output")] == []


def test_a_rebuild_killed_before_changing_a_file_leaves_no_file_to_a_later_build(
    project: Path, tmp_path: Path
) -> None:
    """Its journal is played by the next build before that build looks at the output, so
    it neither finds the output up to date nor takes a file of it for the previous
    build's, and a later build does not play the journal over newer files."""
    output = project / "output"
    old = tree(output)
    edited = stories(project)[0]
    before = edited.read_bytes()
    replace_once(edited, r"note: (?=[A-Za-z0-9])", "note: Killed. ")
    build_killed_while_moving_files_in(project, output, -1)
    assert tree(output) == old and list(project.glob(".output.journal-*"))
    edited.write_bytes(before)  # back as the output has it
    assert build(project, output) == 0
    assert tree(output) == old
    replace_once(stories(project)[1], r"note: (?=[A-Za-z0-9])", "note: Later. ")
    assert build(project, output) == 0
    assert tree(output) == clean_build(project, tmp_path)


def test_a_rebuild_without_its_caches_still_builds_the_same_bytes(
    project: Path, tmp_path: Path
) -> None:
    """Lost search inputs and stories: the inputs are read back from the pages in output/."""
    for cache in ("search.sqlite", "stories.sqlite", "hashes.json"):
        (project / ".sitegen" / cache).unlink()
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    assert build(project, project / "output") == 0
    assert tree(project / "output") == clean_build(project, tmp_path)


# -- sitegen check after a build ----------------------------------------------------


def misquote(project: Path, rng: random.Random) -> None:
    """A quote that is not in its seed: an error, with the closest passage."""
    replace_once(rng.choice(stories(project)), r"quote: (?=[A-Za-z])", "quote: Never said ")


def break_story_template(project: Path, rng: random.Random) -> None:
    """An error that only the story pages meet."""
    template = project / "themes" / "mine" / "templates" / "story.html"
    replace_once(template, r"\{% block main %\}", "{% block main %}{{ nothing.at_all }}")


def check_problems(project: Path, cached: bool) -> tuple[bool, list[str]]:
    from sitegen.build import check

    report = check(project, cached=cached)
    return report.ok, [problem.format() for problem in report.problems]


def test_a_check_after_a_build_finds_what_a_check_from_scratch_finds(project: Path) -> None:
    """Whatever was edited since the last build, and whether or not it broke the site."""
    rng = random.Random(11)
    found = []
    for number, edit in enumerate([*EDITS, break_story_template, misquote, edit_title]):
        edit(project, rng)
        ok, problems = check_problems(project, cached=True)
        assert (ok, problems) == check_problems(project, cached=False), edit.__name__
        found += problems
        if number % 3 == 2:
            build(project, project / "output")
    # The broken template was met (story pages are rendered again), then the quote.
    assert any("template error while rendering stories/" in p for p in found)
    assert any("the quote is not in" in p and "closest passage" in p for p in found)


def test_a_check_after_a_build_renders_only_what_changed_and_writes_no_page(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project / "output"
    notes = project / ".sitegen"
    before = {**tree(output), **{f"notes/{k}": v for k, v in tree(notes).items()}}
    replace_once(stories(project)[0], r"note: (?=[A-Za-z0-9])", "note: Edited. ")
    capsys.readouterr()
    assert main(["check", "--source", str(project), "--verbose"]) == 0
    err = capsys.readouterr().err
    counts = re.search(r"(\d+) pages: (\d+) rendered, (\d+) reused", err)
    assert counts is not None, err
    pages, rendered, reused = map(int, counts.groups())
    assert pages == rendered + reused and 1 <= rendered < reused
    assert "(9 of 10 stories unchanged)" in err
    # Only the inputs' digests are noted: no page, manifest or cached story is written.
    after = {**tree(output), **{f"notes/{k}": v for k, v in tree(notes).items()}}
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed in ([], ["notes/hashes.json"])


def test_a_check_of_a_project_never_built_leaves_no_notes(tmp_path: Path, corpus: Path) -> None:
    project = tmp_path / "fresh"
    shutil.copytree(corpus, project)
    assert main(["check", "--source", str(project)]) == 0
    assert not (project / ".sitegen").exists()


# -- story cards rendered once per process -------------------------------------------


@pytest.fixture
def card_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The title of each story card rendered from now on."""
    import jinja2

    calls: list[str] = []
    call = jinja2.runtime.Macro.__call__

    def counted(macro: jinja2.runtime.Macro, *arguments: Any, **options: Any) -> Any:
        if macro.name == "story_card":
            calls.append(arguments[0].title)
        return call(macro, *arguments, **options)

    monkeypatch.setattr(jinja2.runtime.Macro, "__call__", counted)
    return calls


@pytest.mark.parametrize("new_process", [False, True])
def test_a_rebuild_renders_only_the_cards_of_what_changed(
    project: Path, card_calls: list[str], new_process: bool
) -> None:
    """In the same process, as `serve` does at every save: the lists are rendered
    again, their cards are not. In a new process, as `sitegen build` after an edit:
    the other cards are those the last build kept in .sitegen/."""
    output = project / "output"
    replace_once(stories(project)[0], r"^title: (?=[A-Za-z0-9])", "title: Edited once ")
    assert build(project, output) == 0
    if new_process:
        fragments.forget()
    card_calls.clear()
    replace_once(stories(project)[0], r"^title: Edited once ", "title: Edited twice ")
    assert build(project, output) == 0
    assert card_calls and all(title.startswith("Edited twice ") for title in card_calls)
    assert tree(output) == clean_build(project, project.parent)


def test_the_kept_cards_of_another_site_are_not_shown(project: Path, card_calls: list[str]) -> None:
    """A change to what every page shows (here the site's settings) empties the store:
    it holds only the cards made under the site's key of its last build."""
    output = project / "output"
    replace_once(project / "content" / "site.yaml", r"^title: ", "title: Renamed ")
    fragments.forget()
    card_calls.clear()
    assert build(project, output) == 0
    with contextlib.closing(sqlite3.connect(project / fragments.STORE_PATH)) as store:
        kept = store.execute("SELECT COUNT(*) FROM fragments").fetchone()[0]
    assert kept == len(card_calls) > 0
    assert tree(output) == clean_build(project, project.parent)


def test_a_damaged_store_of_cards_only_costs_rendering_them(project: Path) -> None:
    """And the build makes it anew, for the next build to take its cards from."""
    (project / fragments.STORE_PATH).write_bytes(b"not a database")
    fragments.forget()
    replace_once(stories(project)[0], r"^title: (?=[A-Za-z0-9])", "title: Edited ")
    assert build(project, project / "output") == 0
    with contextlib.closing(sqlite3.connect(project / fragments.STORE_PATH)) as store:
        assert store.execute("SELECT COUNT(*) FROM fragments").fetchone()[0] > 0
    assert tree(project / "output") == clean_build(project, project.parent)


def test_a_full_build_renders_each_card_once_per_kind_of_list(
    project: Path, card_calls: list[str]
) -> None:
    fragments.forget()
    shutil.rmtree(project / "output")
    (project / fragments.STORE_PATH).unlink()
    assert build(project, project / "output") == 0
    shown = sum(page.count(b'class="story-card"') for page in tree(project / "output").values())
    print(f"{len(card_calls)} cards rendered, {shown} shown")
    # Once per kind of list (the front page's, the others') and depth of page.
    assert len(card_calls) <= shown / 2


def test_a_changed_card_template_shows_on_every_list_at_the_next_build(project: Path) -> None:
    """Also when the card is in a template of its own, which story pages do not use."""
    output = project / "output"
    templates = project / "themes" / "mine" / "templates"
    for name in ("index.html", "list.html", "digest.html"):
        replace_once(
            templates / name,
            r"\{% from \"_macros.html\" import story_card, ",
            (
                '{% from "_card.html" import story_card with context %}'
                '{% from "_macros.html" import '
            ),
        )
    macros = (templates / "_macros.html").read_text(encoding="utf-8")
    (templates / "_card.html").write_text(macros, encoding="utf-8")
    assert build(project, output) == 0
    replace_once(
        templates / "_card.html",
        '<article class="story-card">',
        '<article class="story-card edited">',
    )
    assert build(project, output) == 0
    front = (output / "index.html").read_text(encoding="utf-8")
    assert 'class="story-card edited"' in front and 'class="story-card"' not in front
    assert tree(output) == clean_build(project, project.parent)


@pytest.mark.parametrize("edit", [add_story, delete_story, edit_title, edit_seed])
def test_the_pages_a_build_shows_before_its_index_are_the_pages_it_puts_in_place(
    project: Path, edit: Callable[[Path, random.Random], None]
) -> None:
    """What serve serves while Pagefind works, the staging folder over the output folder,
    is the site the build then puts in place, but its search index and deleted pages."""
    from sitegen.build import RenderedPages
    from sitegen.build import build as build_site

    output = project / "output"
    assert build_site(project, output).ok
    before = tree(output)
    edit(project, random.Random(5))
    shown: dict[str, bytes] = {}

    def pages_ready(pages: RenderedPages) -> None:
        assert pages.rendered > 0 and tree(output) == before  # nothing in place yet
        shown.update(before)
        shown.update(tree(pages.staged))

    assert build_site(project, output, pages_ready=pages_ready).ok
    built = tree(output)
    assert built == clean_build(project, project.parent)
    pages = {path for path in built if not path.startswith("pagefind/")}
    assert {path: shown[path] for path in pages} == {path: built[path] for path in pages}
    assert set(shown) - set(built) <= set(before) - set(built)  # only what the build deleted


def test_cached_keeps_a_fragment_only_for_arguments_it_can_key(project: Path) -> None:
    """Text, numbers, stories, links and helpers make a key; anything else (here a
    mapping, whose repr need not show all it holds) calls the macro every time."""
    from sitegen.build import BuildReport, _page_keys, _prepare
    from sitegen.errors import Problems
    from sitegen.reuse import Reuse

    probe = project / "themes" / "mine" / "templates" / "probe.html"
    probe.write_text(
        '{% macro size(x) %}{{ calls.append(x) or "" }}{{ x | length }}{% endmacro %}'
        '{{ cached(size, "ab") }}{{ cached(size, "ab") }}'
        "{{ cached(size, items) }}{{ cached(size, items) }}",
        encoding="utf-8",
    )
    prepared = _prepare(project, None, BuildReport(), Problems())
    assert prepared is not None
    renderer = PageRenderer(prepared.site, prepared.theme, Reuse(_page_keys(prepared), None))
    fragments.forget()
    calls: list[object] = []
    shown = renderer.environment.get_template("probe.html").render(calls=calls, items={"a": 1})
    assert shown == "2211"
    assert calls == ["ab", {"a": 1}, {"a": 1}]
