"""Rendering the stories in a process pool gives the very bytes of a serial build."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from sitegen import parallel
from sitegen.build import check
from sitegen.cli import main
from sitegen.errors import Problems
from sitegen.load import load_project
from sitegen.render.pages import TemplateProblem
from sitegen.serve import DevServer
from sitegen.story_cache import StoryCache
from sitegen.validate import validate
from tests.support.projects import copy_project, tree

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "content" / "stories" / "trump-eu-sanctions.yaml"
STORIES = 30


@pytest.fixture(scope="module")
def many_stories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with 30 stories of different dates, titles and tags."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("many") / "project")
    for name in ("output", "tests", "sitegen", "bench", "docs", "node_modules", ".git"):
        shutil.rmtree(project / name, ignore_errors=True)
    story = STORY.read_text(encoding="utf-8")
    for number in range(STORIES - 1):
        text = story.replace("date: 2025-05-21", f"date: 2025-{1 + number % 12:02}-{1 + number:02}")
        text = text.replace("title: Trump", f"title: Story {number}, Trump", 1)
        text = text.replace("tags: [sanctions,", f"tags: [topic-{number % 5}, sanctions,", 1)
        (project / "content" / "stories" / f"copy-{number:03}.yaml").write_text(
            text, encoding="utf-8"
        )
    return project


def test_a_parallel_build_equals_a_serial_one(
    many_stories: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "1")
    assert main(["build", "--source", str(many_stories), "--output", str(tmp_path / "serial")]) == 0
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    assert parallel.worker_count(STORIES) == 2
    assert main(["build", "--source", str(many_stories), "--output", str(tmp_path / "pool")]) == 0
    serial, pool = tree(tmp_path / "serial"), tree(tmp_path / "pool")
    assert len([name for name in serial if name.endswith("alignment.json")]) == STORIES
    assert sorted(serial) == sorted(pool)
    assert [name for name in serial if serial[name] != pool[name]] == []


def test_the_pool_is_used_only_where_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    assert parallel.worker_count(parallel.MIN_STORIES) == 1
    assert parallel.worker_count(parallel.MIN_STORIES + 1) == 2
    monkeypatch.setenv("SITEGEN_JOBS", "1")
    assert parallel.worker_count(1000) == 1
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    counts: list[int] = []
    thread = threading.Thread(target=lambda: counts.append(parallel.worker_count(1000)))
    thread.start()
    thread.join()
    assert counts == [1]  # never fork from a thread other than the main one (sitegen serve)


def test_plain_check_and_serve_rebuilds_render_serially(
    many_stories: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    started: list[int] = []
    rendered: list[int] = []
    real = parallel.in_story_order

    def spy(*arguments: object, **keywords: object) -> object:
        started.append(int(arguments[3]))  # type: ignore[call-overload]
        rendered.append(int(arguments[2]))  # type: ignore[call-overload]
        return real(*arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr("sitegen.render.site.in_story_order", spy)
    assert check(many_stories).ok
    assert check(many_stories, parallel=True).ok
    assert started == [1, 2]
    # serve's first build runs before its threads start: in the pool. Its rebuilds run in
    # the watcher's thread, which must not fork: serially, even with every story to render.
    project = copy_project(many_stories, tmp_path / "project")
    server = DevServer(project, port=0, log=lambda line: None)
    try:
        assert server.snapshot.ok
        site = project / "content" / "site.yaml"
        text = site.read_text(encoding="utf-8")
        site.write_text(text.replace("title: Sanctions Watch", "title: Watch"), encoding="utf-8")
        thread = threading.Thread(target=server.rebuild)
        thread.start()
        thread.join()
        assert server.snapshot.ok and server.snapshot.generation == 2
    finally:
        server.stop()
    # The rebuild renders every story (the new title is on every page), in one build.
    assert started == [1, 2, 2, 1]
    assert rendered == [STORIES] * 4


def test_a_template_error_in_a_worker_is_located(
    many_stories: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(many_stories, tmp_path / "project")
    templates = project / "themes" / "broken" / "templates"
    templates.mkdir(parents=True)
    (project / "themes" / "broken" / "theme.yaml").write_text("parent: default\n")
    (templates / "story.html").write_text("<p>\n{{ story.no_such }}\n")
    site = project / "content" / "site.yaml"
    text = site.read_text(encoding="utf-8").replace("theme: default", "theme: broken")
    site.write_text(text, encoding="utf-8")
    reports = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("SITEGEN_JOBS", jobs)
        report = check(project, parallel=True)
        assert not report.ok
        reports.append([(p.location, p.message) for p in report.problems])
    assert reports[0] == reports[1]
    (location, message), *_ = reports[1]
    assert location.path == "themes/broken/templates/story.html"
    assert location.line == 2
    assert "no_such" in message


def test_a_template_problem_survives_pickling() -> None:
    import pickle

    from sitegen.errors import Location, Problem

    problem = Problem(Location("themes/x/templates/story.html", 3), "template error: boom")
    copied = pickle.loads(pickle.dumps(TemplateProblem(problem)))
    assert copied.problem == problem


def test_validating_in_the_pool_gives_what_a_serial_validation_gives(
    many_stories: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same site, problems, story cache entries and exact quotes, whether the story
    files are read and anchored here or in the workers."""
    broken = copy_project(many_stories, tmp_path / "broken")
    for number, path in enumerate(sorted((broken / "content" / "stories").glob("copy-*.yaml"))):
        text = path.read_text(encoding="utf-8")
        if number % 7 == 0:  # a source that does not exist
            text = text.replace("source: unn", "source: unm", 1)
        if number % 5 == 0:  # a quote that is not in its seed
            text = text.replace("quote: >-\n", "quote: >-\n      Nowhere said,\n", 1)
        path.write_text(text, encoding="utf-8")
    pooled: list[int] = []
    real = parallel.in_story_order

    def spy(*arguments: object, **keywords: object) -> object:
        pooled.append(int(arguments[3]))  # type: ignore[call-overload]
        return real(*arguments, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr("sitegen.validate.in_story_order", spy)
    for project in (many_stories, broken):
        results = []
        for jobs in ("1", "2"):
            monkeypatch.setenv("SITEGEN_JOBS", jobs)
            problems, cache = Problems(), StoryCache()
            raw = load_project(project, problems, stories_unparsed=True)
            site = validate(raw, problems, cache, "context")
            found = [(p.location, p.message, p.hint, p.severity) for p in problems]
            results.append((site, found, cache.kept))
        assert results[0] == results[1]
        site, found, kept = results[0]
        if project is many_stories:
            assert site is not None and len(site.stories) == STORIES and len(kept) == STORIES
            assert site.exact_quotes
        else:
            assert site is None
            messages = " ".join(message for _, message, _, _ in found)
            assert "'unm' is not a source" in messages and "is not in seeds/" in messages
    assert pooled == [2, 2]  # with SITEGEN_JOBS=2, the 30 story files went to the pool


def test_a_build_pauses_the_cyclic_collector_but_in_its_render_workers(
    many_stories: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Collections of the whole site are no use to a build (0.3-0.4 s of each serve
    rebuild at 5,000 stories), but a worker renders thousands of pages."""
    import gc
    import os

    from sitegen import fingerprint
    from sitegen.render import site as site_module

    seen = tmp_path / "seen"
    seen.mkdir()
    real_renderer, real_remember = site_module.story_renderer, fingerprint.remember

    def renderer(shared: Any) -> Any:
        render = real_renderer(shared)

        def render_story(index: int) -> Any:
            (seen / f"worker-{os.getpid()}-{index}").write_text(str(gc.isenabled()))
            return render(index)

        return render_story

    def remember(*arguments: Any) -> None:
        (seen / "main").write_text(str(gc.isenabled()))
        real_remember(*arguments)

    monkeypatch.setattr(site_module, "story_renderer", renderer)
    monkeypatch.setattr(fingerprint, "remember", remember)
    monkeypatch.setenv("SITEGEN_JOBS", "2")
    assert gc.isenabled()
    assert main(["build", "--source", str(many_stories), "--output", str(tmp_path / "out")]) == 0
    assert gc.isenabled()
    states = {path.name: path.read_text() for path in seen.iterdir()}
    assert states.pop("main") == "False"
    assert len(states) == STORIES and set(states.values()) == {"True"}
    assert len({name.split("-")[1] for name in states}) == 2  # two workers
