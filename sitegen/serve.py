"""`sitegen serve`: the site on 127.0.0.1 under its base_url path, rebuilt on every change.

Each build is a real `build` (search index included) into a folder of its own,
`.sitegen/serve/` in the project, and pages are served from there: the output
folder is never touched, and a rebuild is incremental like `build`'s, with the
same caches, so that saving one story re-renders that story's pages, not the
archive. A save's pages are served (and the open page reloaded) as soon as they
are rendered, from the build's staging folder over the served one, with the
search index as it was; the build then makes the index of the pages that
changed, which Pagefind takes a second or more to make and which no reload
waits for, and puts it all in place; a save meanwhile stops it there, and the
next build takes both saves. A watcher (watchfiles) sees every change under
content/, seeds/ and themes/ of the project, and in the theme in use, and
rebuilds. Each HTML page gets one deferred script, served by us and never
inline, that listens to the server's build events (server-sent events) and
reloads the page when a newer build is out. While the content has errors,
every page is an error page listing them with file and line, never a stale
page, and it reloads by itself once the content is fixed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import mimetypes
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles
import yaml

from . import fingerprint
from .build import RenderedPages, build
from .errors import Location, Problem, Severity
from .output import OutputRefused, WriteFailed
from .report import as_text
from .theme import theme_folder

HOST = "127.0.0.1"
# serve's own build of the site, kept between runs so that a restart rebuilds nothing.
SERVE_FOLDER = Path(".sitegen") / "serve"
RELOAD_SCRIPT_PATH = "/__sitegen/reload.js"
EVENTS_PATH = "/__sitegen/events"
WATCH_CHECK_MS = 1000  # how often the watcher looks for a watched folder made since
KEEPALIVE = 10.0  # seconds between comments on an idle event stream, to notice closed tabs
RELOAD_SCRIPT = b"""\
// sitegen serve: reload this page when the site is rebuilt. Only `serve` adds this script.
(function () {
  var shown = document.currentScript.dataset.build;
  var events = new EventSource("/__sitegen/events");
  events.addEventListener("build", function (event) {
    if (event.data !== shown) {
      events.close();
      window.location.reload();
    }
  });
})();
"""

Log = Callable[[str], None]


@dataclass(frozen=True)
class Snapshot:
    """One build as served: its number, its folder (None when it failed) and its problems."""

    generation: int
    folder: Path | None
    problems: tuple[Problem, ...]
    prefix: str  # the base_url's path, such as /sitegen/
    seconds: float
    rendered: int = 0  # pages rendered anew; the others were the previous build's
    pages: int = 0
    pages_seconds: float = 0.0  # of a save: how long until its pages were served
    # A build's staging folder while it makes the search index: the files it wrote anew,
    # served before those of `folder`.
    staged: Path | None = None
    cancelled: bool = False  # a build stopped for a newer save: `folder` is as it was

    @property
    def ok(self) -> bool:
        return self.folder is not None and not any(
            p.severity is Severity.ERROR for p in self.problems
        )

    def file(self, relative: str) -> Path | None:
        """The built file at this path under the prefix, if there is one. A path that could
        leave the folder (`..`, an empty part) is no file of the site."""
        return next(iter(self.files(relative)), None)

    def files(self, relative: str) -> list[Path]:
        """Where the file at this path is, staged first: the build may move it from its
        staging folder into the served one at any time."""
        if self.folder is None:
            return []
        parts = relative.split("/")
        if any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts):
            return []
        folders = [self.folder] if self.staged is None else [self.staged, self.folder]
        return [path for path in (f.joinpath(*parts) for f in folders) if path.is_file()]


def path_prefix(base_url: str) -> str:
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def configured_base_url(project: Path) -> str | None:
    """site.yaml's base_url read leniently, for the prefix of a site that does not build yet."""
    try:
        text = (project / "content" / "site.yaml").read_text(encoding="utf-8")
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    value = data.get("base_url") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def with_reload_script(page: bytes, generation: int) -> bytes:
    """The page with the reload script as the last element of its head."""
    tag = f'<script src="{RELOAD_SCRIPT_PATH}" data-build="{generation}" defer></script>'
    head_end = page.find(b"</head>")
    if head_end == -1:
        return page + tag.encode()
    return page[:head_end] + tag.encode() + page[head_end:]


def error_page(snapshot: Snapshot) -> bytes:
    """Every error of a failed build with its file and line, reloading once they are fixed."""
    errors = [p for p in snapshot.problems if p.severity is Severity.ERROR]
    items = []
    for problem in snapshot.problems:
        hint = f"<pre>{html.escape(problem.hint)}</pre>" if problem.hint else ""
        items.append(
            f'<li class="{problem.severity.value}"><code>{html.escape(str(problem.location))}'
            f"</code> <strong>{problem.severity.value}</strong>: "
            f"{html.escape(problem.message)}{hint}</li>"
        )
    title = f"sitegen: {len(errors)} error(s)"
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; }}
body {{ padding: 0 1rem; }}
h1 {{ color: #a40000; }}
li {{ margin: 0 0 1rem; }}
li.warning strong {{ color: #8a5a00; }}
li.error strong {{ color: #a40000; }}
pre {{ background: #f4f4f4; padding: .5rem; white-space: pre-wrap; margin: .25rem 0 0; }}
</style>
</head>
<body>
<h1>The site does not build: {len(errors)} error(s)</h1>
<p>Fix them and save; this page reloads by itself.</p>
<ol class="problems">
{"".join(items)}
</ol>
</body>
</html>
"""
    return with_reload_script(page.encode(), snapshot.generation)


@dataclass(frozen=True)
class Save:
    """What was saved since the last build began."""

    paths: frozenset[str] | None  # None: read every input (the watcher may have missed some)


class Saves:
    """What was saved since the last build began: the watcher notes it, the builder takes it.

    A note also sets `cancel`, which stops the build under way once its pages are shown
    (`build`'s `cancel`): a second save need not wait for the first one's search index.
    """

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.paths: set[str] | None = set()  # None: read every input
        self.waiting = False
        self.cancel = threading.Event()

    def note(self, paths: Collection[str] | None) -> None:
        with self.condition:
            if paths is None or self.paths is None:
                self.paths = None
            else:
                self.paths.update(paths)
            self.waiting = True
            self.cancel.set()
            self.condition.notify_all()

    def take(self, timeout: float) -> Save | None:
        """What was saved, once anything is; None when nothing is within `timeout` seconds."""
        with self.condition:
            if not self.condition.wait_for(lambda: self.waiting, timeout):
                return None
            paths, self.paths, self.waiting = self.paths, set(), False
            self.cancel.clear()
            return Save(None if paths is None else frozenset(paths))


class DevServer:
    """The HTTP server, the watcher and the current build; `start` and `stop` from any thread."""

    def __init__(
        self, project: Path, port: int = 8000, base_url: str | None = None, log: Log = print
    ) -> None:
        self.project = project
        self.base_url = base_url
        self.log = log
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        # The inputs of the last build, for the next to read only the files that changed
        # since; None: the next reads them all.
        self.inputs: fingerprint.Inputs | None = None
        self.saves = Saves()
        self.snapshot, _ = self._build(1, "/")
        handler = type("Handler", (_Handler,), {"dev": self})
        self.http = ThreadingHTTPServer((HOST, port), handler)
        self.http.daemon_threads = True
        self.threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return int(self.http.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.snapshot.prefix}"

    def _build(
        self,
        generation: int,
        previous_prefix: str,
        inputs: fingerprint.Inputs | None = None,
        cancel: threading.Event | None = None,
        show_pages: bool = False,
    ) -> tuple[Snapshot, Snapshot | None]:
        """The build as served; with `show_pages`, also the snapshot that served its pages
        once they were rendered, from its staging folder, while it made the search index
        (None when it showed none: an error first, nothing changed)."""
        start = time.perf_counter()
        folder = self.project / SERVE_FOLDER
        shown: Snapshot | None = None

        def pages_ready(pages: RenderedPages) -> None:
            nonlocal shown
            prefix = path_prefix(pages.site.config.base_url)
            seconds = time.perf_counter() - start
            counts = pages.rendered, pages.pages
            shown = Snapshot(
                generation, folder, pages.problems, prefix, seconds, *counts, staged=pages.staged
            )
            self._publish(shown)
            self.report(shown)

        since, self.inputs = self.inputs, None
        if inputs is None:
            # Every digest, even where the statuses alone would tell that nothing changed
            # (build): the next save then reads only the files it changed (read_again).
            inputs = fingerprint.read_inputs(self.project, self.base_url)
        try:
            report = build(
                self.project,
                folder,
                self.base_url,
                private=True,
                inputs=inputs,
                pages_ready=pages_ready if show_pages else None,
                cancel=cancel,
            )
        except (OutputRefused, WriteFailed) as error:
            problem = Problem(Location(str(folder)), f"could not build the site to serve: {error}")
            return Snapshot(generation, None, (problem,), previous_prefix, 0.0), None
        self.inputs = report.inputs
        seconds = time.perf_counter() - start
        if report.cancelled:
            self.inputs = since  # what was built last: the next build reads what changed since
            return Snapshot(generation, folder, (), previous_prefix, seconds, cancelled=True), shown
        if report.site is not None:
            prefix = path_prefix(report.site.config.base_url)
        else:  # a build that failed early, or found nothing to do
            configured = self.base_url or configured_base_url(self.project)
            prefix = path_prefix(configured) if configured else previous_prefix
        served = folder if report.ok else None
        rendered, pages = report.counts.get("rendered", 0), report.counts.get("pages", 0)
        problems = tuple(report.problems)
        return Snapshot(generation, served, problems, prefix, seconds, rendered, pages), shown

    def rebuild(
        self, changed: Collection[str] | None = None, cancel: threading.Event | None = None
    ) -> Snapshot:
        """Build again: the pages are served, and every open page told, as soon as they
        are rendered; the build then makes the search index of what changed and puts the
        site in place. Returns the build, with the time until its pages were served;
        `cancelled` when `cancel` was set once they were (the caller builds again).

        `changed`: the paths the watcher saw change. The build then reads only those of
        the inputs (20,000 files to stat at 5,000 stories, 0.2-0.3 s). Every input is
        read after it, and a change the watcher missed is built then, with a reload.
        Without paths (a watch begun anew), every input is read first, and nothing is
        built when nothing changed.
        """
        generation = self.snapshot.generation + 1
        inputs = hinted = None
        if self.inputs is not None:
            if changed:
                inputs = hinted = fingerprint.read_again(
                    self.project, self.base_url, self.inputs, changed
                )
            if hinted is None or hinted.digest == self.inputs.digest:
                # Nothing the last build did not have, as far as the watcher saw (a save
                # of the same bytes, or one that build already read), or no paths to go
                # by (a watch begun anew): made sure of from every input, and no build,
                # nor reload, if so.
                inputs, hinted = fingerprint.read_inputs(self.project, self.base_url), None
                if inputs.digest == self.inputs.digest:
                    return self.snapshot
        built = self._saved(generation, inputs, cancel)
        if hinted is not None and built.ok and not built.cancelled:
            full = fingerprint.read_inputs(self.project, self.base_url)
            if self.inputs is None or full.digest != self.inputs.digest:
                # A change the watcher did not report (or, with nothing rendered, none).
                built = self._saved(built.generation + 1 if built.pages else generation, full)
        return built

    def _saved(
        self,
        generation: int,
        inputs: fingerprint.Inputs | None,
        cancel: threading.Event | None = None,
    ) -> Snapshot:
        """A build of a save, its pages served as soon as they are rendered."""
        before = self.snapshot
        built, pages = self._build(generation, self.snapshot.prefix, inputs, cancel, True)
        if built.cancelled:
            # Its pages went with its staging folder: the folder's are served until the
            # next build's, without a reload (the open page has the newer ones already).
            served = dataclasses.replace(before, generation=generation)
            self._publish(served)
            self.log(f"build {generation}: stopped for a newer save")
            return dataclasses.replace(served, cancelled=True)
        if pages is None:  # errors to fix first, or nothing changed: no page was served yet
            self._publish(built)
            self.report(built)
            return built
        if not built.ok or built.problems != pages.problems:
            # The index failed, or warned: the pages reload to show it.
            built = dataclasses.replace(built, generation=generation + 1)
        built = dataclasses.replace(built, pages_seconds=pages.seconds)
        self._publish(built)
        if built.generation == pages.generation:
            self.log(f"build {generation}: search index made, {built.seconds * 1000:.0f} ms in all")
        else:
            self.report(built)
        return built

    def _publish(self, snapshot: Snapshot) -> None:
        with self.changed:
            self.snapshot = snapshot
            self.changed.notify_all()

    def report(self, snapshot: Snapshot) -> None:
        if snapshot.problems:
            self.log(as_text(snapshot.problems).rstrip("\n"))
        if not snapshot.ok:
            state = "not built: fix the errors above"
        elif snapshot.pages:
            state = f"built, {snapshot.rendered} of {snapshot.pages} pages rendered"
        else:
            state = "built, nothing changed"
        self.log(f"build {snapshot.generation} in {snapshot.seconds * 1000:.0f} ms: {state}")

    def watched_paths(self) -> list[Path]:
        """content/, seeds/, themes/ and the theme in use; not the whole project, whose
        output/, .git/ and virtual environments would cost a watch per folder."""
        paths = [
            self.project / name for name in fingerprint.WATCHED if (self.project / name).is_dir()
        ]
        folder = theme_folder(self.project, self._theme_name())
        if folder is not None and not any(
            folder.resolve().is_relative_to(p.resolve()) for p in paths
        ):
            paths.append(folder)
        return paths or [self.project]

    def _theme_name(self) -> str:
        try:
            text = (self.project / "content" / "site.yaml").read_text(encoding="utf-8")
            data = yaml.load(text, Loader=yaml.BaseLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return "default"
        theme = data.get("theme") if isinstance(data, dict) else None
        return theme if isinstance(theme, str) and theme else "default"

    def _watch_filter(self, change: watchfiles.Change, path: str) -> bool:
        resolved = Path(path).resolve()
        root = self.project.resolve()
        if not resolved.is_relative_to(root):
            return True  # the theme in use, outside the project
        parts = resolved.relative_to(root).parts
        # Editors' swap and backup files change on every keystroke; they are no content.
        name = resolved.name
        if name.startswith(".") or name.endswith(("~", ".swp", ".swx")):
            return False
        return bool(parts) and parts[0] in fingerprint.WATCHED

    def _watch(self) -> None:
        """Rebuild on every change; and watch anew when what is to be watched changes: a
        seeds/ or themes/ folder made after serve started, or another theme in site.yaml
        (else saves to them would go unseen until serve is started again); and catch up,
        once the first watch runs, with what was saved while serve started: the watch
        begins after the first build has read the inputs, and does not see those saves."""
        catch_up = True
        while not self.stopping.is_set():
            paths = self.watched_paths()
            for changes in watchfiles.watch(
                *paths,
                watch_filter=self._watch_filter,
                stop_event=self.stopping,
                debounce=400,
                step=30,
                rust_timeout=WATCH_CHECK_MS,
                yield_on_timeout=True,
            ):
                if self.stopping.is_set():
                    return
                if changes or catch_up:
                    # Once the new watch runs, what was saved before it began is built
                    # (from every input: the watch did not see those changes).
                    self.saves.note(None if catch_up else {path for _, path in changes})
                    catch_up = False
                if self.watched_paths() != paths:
                    catch_up = True
                    break

    def _build_saves(self) -> None:
        """Build what the watcher noted, one build at a time, the paths of a build stopped
        for a newer save with those of the newer one."""
        while not self.stopping.is_set():
            save = self.saves.take(timeout=0.2)
            if save is not None and not self.stopping.is_set():
                built = self.rebuild(save.paths, self.saves.cancel)
                if built.cancelled:
                    self.saves.note(save.paths)

    def start(self) -> None:
        self.report(self.snapshot)
        threads = (
            (self.http.serve_forever, "http"),
            (self._watch, "watch"),
            (self._build_saves, "build"),
        )
        for target, name in threads:
            thread = threading.Thread(target=target, name=f"sitegen-serve-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        self.saves.cancel.set()  # a build under way stops once its pages are shown
        with self.changed:
            self.changed.notify_all()  # lets every event stream end
        if self.threads:
            self.http.shutdown()  # waits for serve_forever, which only a started server runs
        self.http.server_close()
        for thread in self.threads:
            thread.join(timeout=5)

    def wait_for_change(self, generation: int, timeout: float) -> Snapshot:
        """The current build once it is newer than `generation`, or after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.snapshot.generation != generation or self.stopping.is_set(),
                timeout=timeout,
            )
            return self.snapshot


class _Handler(BaseHTTPRequestHandler):
    dev: DevServer
    server_version = "sitegen-serve"

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would bury the build reports

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == EVENTS_PATH:
            self.stream_events()
        else:
            self.respond(body=True)

    def send(self, status: HTTPStatus, content_type: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        self.end_headers()
        if body:
            self.wfile.write(data)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def respond(self, body: bool) -> None:
        snapshot = self.dev.snapshot
        path = unquote(urlsplit(self.path).path)
        if path == RELOAD_SCRIPT_PATH:
            self.send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT, body)
            return
        prefix = snapshot.prefix
        if not path.startswith(prefix):
            if path + "/" == prefix or path == "/":
                self.redirect(prefix)
            else:
                message = f"Not found: the site is at {prefix}".encode()
                self.send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", message, body)
            return
        if not snapshot.ok:
            page = error_page(snapshot)
            self.send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8", page, body)
            return
        relative = path[len(prefix) :]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if snapshot.file(relative) is None and snapshot.file(f"{relative}/index.html"):
            self.redirect(path + "/")
            return
        status = HTTPStatus.OK
        data = self.read(snapshot, relative)
        if data is None:
            status, relative = HTTPStatus.NOT_FOUND, "404.html"
            data = self.read(snapshot, relative) or b"Not found"
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        if content_type == "text/html":
            data = with_reload_script(data, snapshot.generation)
        if content_type.startswith("text/") or content_type.endswith(("xml", "json")):
            content_type += "; charset=utf-8"
        self.send(status, content_type, data, body)

    @staticmethod
    def read(snapshot: Snapshot, relative: str) -> bytes | None:
        """The file's bytes, or None. A rebuild may be replacing it: the page then gets
        the rebuild's event and loads again. A file moved from the staging folder since it
        was found there is read where it went."""
        for found in snapshot.files(relative):
            with contextlib.suppress(OSError):
                return found.read_bytes()
        return None

    def stream_events(self) -> None:
        """Server-sent events: the current build's number now, and each new one as it comes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        dev = self.dev
        generation = -1
        try:
            self.wfile.write(b"retry: 300\n\n")
            while not dev.stopping.is_set():
                snapshot = dev.wait_for_change(generation, KEEPALIVE)
                if dev.stopping.is_set():
                    break
                if snapshot.generation != generation:
                    generation = snapshot.generation
                    self.wfile.write(f"event: build\ndata: {generation}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded


def serve(project: Path, port: int, base_url: str | None, log: Log) -> int:
    """Serve until Ctrl-C. Raises OSError when the port cannot be had."""
    server = DevServer(project, port, base_url, log)
    server.start()
    log(f"serving {server.url} (Ctrl-C to stop)")
    try:
        while not server.stopping.wait(1.0):
            pass
    except KeyboardInterrupt:
        log("stopped")
    finally:
        server.stop()
    return 0
