"""`sitegen serve`, end to end: start it, change a YAML file, see the page change; break it,
see the error with its file and line; fix it, see the page again. Over HTTP here; the
real browser, reloading by itself, is in tests/browser/test_serve_reload.py.

Every server here binds 127.0.0.1 on a free port and is stopped by its fixture;
every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen.cli import main
from sitegen.pagefind_service import PagefindService
from sitegen.serve import WATCH_CHECK_MS, DevServer, Snapshot, _Handler
from tests.support.projects import copy_project, tree

SITES = Path(__file__).parent / "sites"
WAIT = 15.0  # seconds: the longest any rebuild may take to be seen here


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(SITES / "minimal", tmp_path / "project")


@pytest.fixture
def server(project: Path) -> Iterator[DevServer]:
    lines: list[str] = []
    dev = DevServer(project, port=0, log=lines.append)
    dev.start()
    time.sleep(0.3)  # let the watcher start before a test changes a file
    try:
        yield dev
    finally:
        dev.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def clean_build(project: Path, scratch: Path) -> dict[str, bytes]:
    """What `sitegen build` makes of a copy of the project: what serve's folder must hold."""
    clean = copy_project(project, scratch / "clean")
    assert main(["build", "--source", str(clean), "--output", str(scratch / "out")]) == 0
    return tree(scratch / "out")


def hold_search_index(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Builds stop before their search index, until let go: (reached it, let go)."""
    from sitegen import build as build_module

    indexing, go_on = threading.Event(), threading.Event()
    search_into = build_module._search_into

    def held(*arguments: Any) -> None:
        indexing.set()
        assert go_on.wait(WAIT)
        search_into(*arguments)

    monkeypatch.setattr(build_module, "_search_into", held)
    return indexing, go_on


def next_build(server: DevServer, generation: int) -> int:
    snapshot = server.wait_for_change(generation, WAIT)
    assert snapshot.generation > generation, "no rebuild within the time allowed"
    return snapshot.generation


def test_serves_the_site_under_its_base_url_path(server: DevServer) -> None:
    assert server.url.endswith("/river/")  # base_url: https://example.org/river/
    status, page = fetch(server.url + "stories/one/")
    assert status == 200 and "Council raises the river tax" in page
    root = f"http://127.0.0.1:{server.port}/"
    status, page = fetch(root)  # redirected to the prefix
    assert status == 200 and "River Watch" in page
    assert fetch(server.url + "no/such/page/")[0] == 404


def test_a_change_rebuilds_a_break_shows_the_error_a_fix_restores(
    server: DevServer, project: Path
) -> None:
    story = project / "content" / "stories" / "one.yaml"
    page_url = server.url + "stories/one/"
    generation = server.snapshot.generation

    edit(story, "title: Council raises the river tax", "title: Council doubles the river tax")
    generation = next_build(server, generation)
    status, page = fetch(page_url)
    assert status == 200 and "Council doubles the river tax" in page

    edit(story, "date: 2025-05-21", "date: 2025-13-40")
    generation = next_build(server, generation)
    status, page = fetch(page_url)
    assert status == 500
    assert "content/stories/one.yaml:2:7" in page
    assert "is not a day of the calendar" in page
    assert "Council doubles" not in page  # never the stale page
    assert fetch(server.url)[0] == 500  # every page says so

    edit(story, "date: 2025-13-40", "date: 2025-05-21")
    next_build(server, generation)
    status, page = fetch(page_url)
    assert status == 200 and "Council doubles the river tax" in page


def test_a_save_made_while_serve_starts_is_built(project: Path) -> None:
    """A save between the first build and the start of the watch is not seen by the watch:
    serve catches up with it once the watch runs, and otherwise builds nothing more."""
    dev = DevServer(project, port=0, log=lambda line: None)
    try:
        edit(project / "content" / "stories" / "one.yaml", "raises the river", "lowers the river")
        dev.start()  # no pause: the save above was made before anything watched
        next_build(dev, 1)
        status, page = fetch(dev.url + "stories/one/")
        assert status == 200 and "Council lowers the river tax" in page
    finally:
        dev.stop()


def test_an_idle_start_builds_nothing_more(server: DevServer) -> None:
    """The catch-up of a new watch builds, and reloads, only when something changed."""
    snapshot = server.wait_for_change(server.snapshot.generation, 2 * WATCH_CHECK_MS / 1000 + 1)
    assert snapshot.generation == 1


def test_a_seed_change_rebuilds_too(server: DevServer, project: Path) -> None:
    generation = server.snapshot.generation
    edit(project / "seeds" / "beta.txt", "Farmers said", "Farmers  said")
    next_build(server, generation)


def test_only_serve_adds_the_reload_script(
    server: DevServer, project: Path, tmp_path: Path
) -> None:
    _, page = fetch(server.url + "stories/one/")
    script = f'<script src="/__sitegen/reload.js" data-build="{server.snapshot.generation}" defer>'
    assert script in page and page.index(script) < page.index("</head>")
    status, javascript = fetch(f"http://127.0.0.1:{server.port}/__sitegen/reload.js")
    assert status == 200 and "EventSource" in javascript
    from sitegen.cli import main

    assert main(["build", "--source", str(project), "--output", str(tmp_path / "out")]) == 0
    built = (tmp_path / "out" / "stories/one/index.html").read_text(encoding="utf-8")
    assert "__sitegen" not in built


def test_build_events_reach_the_page_soon_after_a_save(server: DevServer, project: Path) -> None:
    """What a page's EventSource sees: the current build, then the next one after a save."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    connection.request("GET", "/__sitegen/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def next_event() -> str:
        while True:
            line = response.readline().decode()
            if line.startswith("data: "):
                return line.removeprefix("data: ").strip()

    first = next_event()
    saved = time.perf_counter()
    edit(project / "content" / "site.yaml", "title: River Watch", "title: River Watch Daily")
    second = next_event()
    latency = time.perf_counter() - saved
    connection.close()
    assert int(second) == int(first) + 1
    assert latency < 5.0, f"the page heard of the rebuild {latency:.2f}s after the save"
    print(f"save to reload event: {latency * 1000:.0f} ms")


def test_the_command_prints_its_address_and_stops_on_ctrl_c(project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--source", str(project), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + WAIT
        url = ""
        while time.monotonic() < deadline and not url:
            line = process.stderr.readline()
            if line.startswith("serving http://127.0.0.1:"):
                url = line.split()[1]
        assert url.endswith("/river/"), url
        assert fetch(url)[0] == 200
        process.send_signal(2)  # SIGINT, as Ctrl-C
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)


def test_a_rebuild_renders_only_what_the_save_changed(project: Path) -> None:
    """serve builds as `build` does, incrementally, into its own folder: never output/."""
    stories = project / "content" / "stories"
    text = (stories / "one.yaml").read_text(encoding="utf-8")
    (stories / "two.yaml").write_text(
        text.replace("Council raises the river tax", "Council keeps the bridge toll"),
        encoding="utf-8",
    )
    lines: list[str] = []
    dev = DevServer(project, port=0, log=lines.append)
    try:
        first = dev.snapshot
        assert first.ok and first.rendered == first.pages > 2
        one = first.file("stories/one/index.html")
        assert one is not None
        before = one.stat().st_mtime_ns, one.stat().st_ino

        edit(stories / "two.yaml", "keeps the bridge toll", "lowers the bridge toll")
        second = dev.rebuild()
        assert second.ok and second.pages == first.pages
        assert 0 < second.rendered < second.pages
        two = second.file("stories/two/index.html")
        assert two is not None and "Council lowers the bridge toll" in two.read_text("utf-8")
        assert (one.stat().st_mtime_ns, one.stat().st_ino) == before  # not written again
        assert "build 2 in " in lines[-2]
        assert f"{second.rendered} of {second.pages} pages rendered" in lines[-2]
        assert "build 2: search index made" in lines[-1]
    finally:
        dev.stop()
    assert not (project / "output").exists()


def test_a_save_is_served_before_its_search_index_is_made(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page reloads with the save while Pagefind indexes it; the index follows
    without another reload, and the site is then the one `build` makes."""
    dev = DevServer(project, port=0, log=lambda line: None)
    indexing, go_on = hold_search_index(monkeypatch)
    try:
        edit(project / "content" / "stories" / "one.yaml", "raises the river tax", "keeps the tax")
        saving = threading.Thread(target=dev.rebuild)
        saving.start()
        assert indexing.wait(WAIT), "the search index was not made"
        served = dev.snapshot  # while Pagefind is held
        assert served.ok and served.generation == 2
        page = served.file("stories/one/index.html")
        assert page is not None and "Council keeps the tax" in page.read_text("utf-8")
        go_on.set()
        saving.join(WAIT)
        assert dev.snapshot.generation == 2  # no second reload for the index
        assert dev.snapshot.pages_seconds > 0
        built = tree(project / ".sitegen" / "serve")
    finally:
        go_on.set()
        dev.stop()
    assert built == clean_build(project, tmp_path)


def test_a_save_while_the_index_is_made_stops_that_build_and_is_built_at_once(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second save during the first one's search index: the first build stops before it
    puts anything in place, and the next builds both saves; serve's folder then holds
    what `build` makes."""
    lines: list[str] = []
    dev = DevServer(project, port=0, log=lines.append)
    indexing, go_on = hold_search_index(monkeypatch)
    story = project / "content" / "stories" / "one.yaml"
    dev.start()
    time.sleep(0.3)  # let the watcher start
    try:
        edit(story, "raises the river tax", "keeps the tax")
        assert indexing.wait(WAIT), "the first save's index was not started"
        first = dev.snapshot.generation
        page = dev.snapshot.file("stories/one/index.html")
        assert page is not None and "Council keeps the tax" in page.read_text("utf-8")
        edit(story, "keeps the tax", "cuts the tax")
        deadline = time.monotonic() + WAIT
        while not dev.saves.cancel.is_set():  # the watcher saw the second save
            assert time.monotonic() < deadline, "the second save was not seen"
            time.sleep(0.05)
        go_on.set()
        while not any(": search index made," in line for line in lines):
            assert time.monotonic() < deadline, "the second save's index was not made"
            time.sleep(0.05)
        assert dev.snapshot.generation == first + 1 and dev.snapshot.staged is None
        built = tree(project / ".sitegen" / "serve")
    finally:
        go_on.set()
        dev.stop()
    assert f"build {first}: stopped for a newer save" in lines
    assert "Council cuts the tax" in built["stories/one/index.html"].decode("utf-8")
    assert built == clean_build(project, tmp_path)


def test_a_save_already_built_makes_no_build_and_no_reload(project: Path) -> None:
    """The watcher may report a save that a build already read (every input is read after
    each build) or a save of the same bytes: nothing to build, nor to reload."""
    lines: list[str] = []
    dev = DevServer(project, port=0, log=lines.append)
    story = project / "content" / "stories" / "one.yaml"
    try:
        edit(story, "raises the river tax", "keeps the tax")
        assert dev.rebuild({str(story)}).generation == 2
        built = len(lines)
        story.write_text(story.read_text(encoding="utf-8"), encoding="utf-8")
        assert dev.rebuild({str(story)}).generation == 2
        assert dev.snapshot.generation == 2 and len(lines) == built
    finally:
        dev.stop()


def test_a_build_s_staged_files_are_served_first_and_found_again_once_moved(
    tmp_path: Path,
) -> None:
    folder, staged = tmp_path / "serve", tmp_path / "staging"
    for root, text in ((folder, "as it was"), (staged, "saved")):
        (root / "stories" / "one").mkdir(parents=True)
        (root / "stories" / "one" / "index.html").write_text(text, encoding="utf-8")
    (folder / "index.html").write_text("front page", encoding="utf-8")
    snapshot = Snapshot(2, folder, (), "/", 0.0, staged=staged)
    assert _Handler.read(snapshot, "stories/one/index.html") == b"saved"
    assert _Handler.read(snapshot, "index.html") == b"front page"  # not changed: not staged
    assert _Handler.read(snapshot, "../serve/index.html") is None
    # The build puts the file in place between finding it staged and reading it.
    found = snapshot.files("stories/one/index.html")
    (staged / "stories" / "one" / "index.html").replace(folder / "stories" / "one" / "index.html")
    assert not found[0].exists()
    assert _Handler.read(snapshot, "stories/one/index.html") == b"saved"


@pytest.mark.parametrize(
    "request_path",
    # The built site is in .sitegen/serve/ of the project: two levels up is the project.
    ["../../content/site.yaml", "..%2F..%2Fcontent%2Fsite.yaml", "%2e%2e/%2e%2e/content/site.yaml"],
)
def test_no_request_reads_outside_the_built_site(server: DevServer, request_path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    connection.request("GET", server.snapshot.prefix + request_path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    assert response.status == 404
    assert "base_url" not in body and "root:" not in body


def test_a_serve_folder_that_is_not_a_build_is_an_error_not_a_crash(project: Path) -> None:
    folder = project / ".sitegen" / "serve"
    folder.parent.mkdir(parents=True)
    folder.write_text("not a site", encoding="utf-8")
    lines: list[str] = []
    dev = DevServer(project, port=0, log=lines.append)
    try:
        assert not dev.snapshot.ok
        [problem] = dev.snapshot.problems
        assert "could not build the site to serve" in problem.message
        assert "is a file, not a folder" in problem.message
        dev.report(dev.snapshot)
        assert "not built: fix the errors above" in lines[-1]
    finally:
        dev.stop()
    assert folder.read_text(encoding="utf-8") == "not a site"  # left as it was


def test_a_theme_folder_made_while_serving_is_watched(project: Path) -> None:
    """A project without themes/ at first: the editor makes a theme and names it in
    site.yaml while serve runs, then edits the theme: each save rebuilds."""
    assert not (project / "themes").exists()
    dev = DevServer(project, port=0, log=lambda line: None)
    dev.start()
    try:
        time.sleep(0.3)
        generation = dev.snapshot.generation
        theme = project / "themes" / "mine"
        (theme / "templates").mkdir(parents=True)
        (theme / "theme.yaml").write_text("parent: default\n", encoding="utf-8")
        edit(project / "content" / "site.yaml", "title:", "theme: mine\ntitle:")
        generation = next_build(dev, generation)
        time.sleep(2.5)  # the watcher sees the new folder within a second, and builds
        generation = dev.snapshot.generation
        (theme / "templates" / "404.html").write_text(
            '{% extends "base.html" %}{% block main %}<h1>Lost here</h1>{% endblock %}\n',
            encoding="utf-8",
        )
        next_build(dev, generation)
        url = f"{dev.url}404.html"
        assert "Lost here" in fetch(url)[1]
    finally:
        dev.stop()


@pytest.mark.parametrize("seen", [False, True])
def test_saves_that_add_and_delete_stories_serve_what_build_makes(
    project: Path, tmp_path: Path, seen: bool
) -> None:
    """serve's folder is its own: after its first build it is not listed nor looked at
    file by file, so what a save adds and removes must come from its own records. And
    with the paths the watcher saw (`seen`), only those inputs are read again."""
    stories = project / "content" / "stories"
    dev = DevServer(project, port=0, log=lambda line: None)
    saved = {str(stories / "two.yaml")} if seen else None
    try:
        text = (stories / "one.yaml").read_text(encoding="utf-8")
        title = text.replace("Council raises the river tax", "Council keeps the bridge toll")
        (stories / "two.yaml").write_text(title, encoding="utf-8")
        assert dev.rebuild(saved).ok
        assert dev.snapshot.file("stories/two/index.html") is not None
        (stories / "two.yaml").unlink()
        assert dev.rebuild(saved).ok
        assert dev.snapshot.file("stories/two/index.html") is None
        built = tree(project / ".sitegen" / "serve")
    finally:
        dev.stop()
    assert built == clean_build(project, tmp_path)


def test_a_save_s_search_shard_is_made_once_while_its_pages_are_built(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind starts on the shard of the saved page as soon as the page is rendered,
    and the build of the index takes that shard rather than making it again."""
    dev = DevServer(project, port=0, log=lambda line: None)
    indexed: list[list[str]] = []
    index = PagefindService.index

    def counted(service: PagefindService, pages: Any, more: Any = None) -> Any:
        if more is None:
            indexed.append([path for path, _ in pages])
            return index(service, pages)

        def rest_counted() -> Any:  # a shard begun before the page was rendered
            rest = more()
            if rest is not None:
                indexed.append([path for path, _ in [*pages, *rest]])
            return rest

        return index(service, pages, rest_counted)

    monkeypatch.setattr(PagefindService, "index", counted)
    try:
        edit(project / "content" / "stories" / "one.yaml", "raises the river tax", "keeps the tax")
        assert dev.rebuild().ok
        built = tree(project / ".sitegen" / "serve")
    finally:
        dev.stop()
    assert len(indexed) == 1 and "stories/one/index.html" in indexed[0]
    assert built == clean_build(project, tmp_path)


def test_a_save_s_pages_read_only_the_inputs_the_watcher_saw_change(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save's build reads the saved file alone; every input is read after it, and a
    change the watcher missed is built then, with a second reload."""
    from sitegen import fingerprint

    stories = project / "content" / "stories"
    dev = DevServer(project, port=0, log=lambda line: None)
    full_reads: list[int] = []
    read_inputs = fingerprint.read_inputs

    def counted(*arguments: Any) -> fingerprint.Inputs:
        full_reads.append(dev.snapshot.generation)
        return read_inputs(*arguments)

    monkeypatch.setattr(fingerprint, "read_inputs", counted)
    try:
        edit(stories / "one.yaml", "raises the river tax", "keeps the tax")
        saved = dev.rebuild({str(stories / "one.yaml")})
        assert saved.ok and saved.generation == 2 and saved.rendered > 0
        assert len(full_reads) == 1  # after the build, its pages served and indexed
        # A save the watcher did not report, then one it did: the second is built
        # first, then the read of every input finds the first, built with a reload.
        seed = next((project / "seeds").glob("*.txt"))
        seed.write_text(seed.read_text(encoding="utf-8") + "\nA line added.\n", "utf-8")
        edit(stories / "one.yaml", "keeps the tax", "cuts the tax")
        again = dev.rebuild({str(stories / "one.yaml")})
        assert again.ok and again.generation == 4
        built = tree(project / ".sitegen" / "serve")
    finally:
        dev.stop()
    assert any(b"A line added." in data for data in built.values())
    assert built == clean_build(project, tmp_path)


@pytest.mark.parametrize("stale", [False, True])
def test_serve_started_again_takes_its_unchanged_folder_as_its_own(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stale: bool
) -> None:
    """Starting over an unchanged project checks every file of the folder; the first
    save then need not look at each again (written_here), as after a save. Not when
    the manifest is not the one of the build the folder holds (`stale`: one a build
    failed to replace), whose records would say the wrong files are still right."""
    import sqlite3

    from sitegen import build as build_module
    from sitegen import manifest

    DevServer(project, port=0, log=lambda line: None).stop()
    folder = project / ".sitegen" / "serve"
    manifest.forget_written(project, folder)  # as a new process
    if stale:
        with sqlite3.connect(manifest.manifest_path(project, folder)) as other:
            other.execute("UPDATE files SET size = size + 1 WHERE path = 'index.html'")
        other.close()
    trusted: list[bool] = []
    written_here = build_module.written_here

    def spied(*arguments: Any) -> bool:
        trusted.append(written_here(*arguments))
        return trusted[-1]

    monkeypatch.setattr(build_module, "written_here", spied)
    dev = DevServer(project, port=0, log=lambda line: None)
    try:
        assert trusted == []  # nothing changed: no build
        edit(project / "content" / "stories" / "one.yaml", "raises the river tax", "keeps the tax")
        assert dev.rebuild({str(project / "content" / "stories" / "one.yaml")}).ok
        assert trusted[0] is not stale
        built = tree(folder)
    finally:
        dev.stop()
    assert built == clean_build(project, tmp_path)


def test_serve_started_again_reads_its_first_save_from_the_paths_saved(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start over an unchanged project takes every input's digest, where a build could
    know them unchanged by their statuses alone, so that the first save reads only the
    file the watcher saw change."""
    from sitegen import fingerprint

    DevServer(project, port=0, log=lambda line: None).stop()
    for name in fingerprint.WATCHED:
        for path in (project / name).rglob("*"):
            if path.is_file():  # older than the racy window: their statuses are noted
                os.utime(path, (1_600_000_000, 1_600_000_000))
    DevServer(project, port=0, log=lambda line: None).stop()
    hinted: list[bool] = []
    read_again = fingerprint.read_again

    def spied(*arguments: Any) -> fingerprint.Inputs | None:
        found = read_again(*arguments)
        hinted.append(found is not None)
        return found

    monkeypatch.setattr(fingerprint, "read_again", spied)
    dev = DevServer(project, port=0, log=lambda line: None)
    try:
        story = project / "content" / "stories" / "one.yaml"
        edit(story, "raises the river tax", "keeps the tax")
        assert dev.rebuild({str(story)}).ok
    finally:
        dev.stop()
    assert hinted == [True]
