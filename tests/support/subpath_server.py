"""Serve a built site under a path prefix, as GitHub Pages serves a project site.

``SubpathServer(site_dir, "/sitegen/")`` serves ``site_dir`` only below
``http://127.0.0.1:<port>/sitegen/``.  Everything else answers 404 with the
site's own ``404.html`` as the body, so a page that links to ``/style.css``
instead of ``/sitegen/style.css`` breaks here exactly as it would in
production.  ``dir/`` resolves to ``dir/index.html``; ``dir`` (no slash) is
redirected to ``dir/`` when it is a folder, like GitHub Pages does.

    with SubpathServer(out, "/sitegen/") as srv:
        srv.url                      # "http://127.0.0.1:41234/sitegen/"
        srv.url_for("stories/x/")   # absolute URL of a page
        srv.requests                 # [(method, path, status), ...]

Run by hand to preview a build:  python tests/support/subpath_server.py OUT --prefix /sitegen/
"""

from __future__ import annotations

import argparse
import http.server
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".jsonld": "application/ld+json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".map": "application/json; charset=utf-8",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

FALLBACK_404 = b"<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1>\n"


def content_type_for(path: Path | str) -> str:
    """The Content-Type header for a file name (by its extension)."""
    return CONTENT_TYPES.get(Path(path).suffix.lower(), DEFAULT_CONTENT_TYPE)


def normalize_prefix(prefix: str) -> str:
    """'/sitegen', 'sitegen/', '' -> '/sitegen/', '/sitegen/', '/'."""
    parts = [p for p in prefix.split("/") if p]
    return "/" + "".join(p + "/" for p in parts)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "sitegen-test-server"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean; requests are recorded in server.requests

    # -- internals --------------------------------------------------------

    def _respond(self, send_body: bool) -> None:
        status, headers, body = self._resolve()
        self.server.on_request(self.command, self.path, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _resolve(self) -> tuple[int, dict[str, str], bytes]:
        prefix = self.server.prefix
        raw_path = urlsplit(self.path).path
        path = unquote(raw_path)
        if path + "/" == prefix:  # "/sitegen" -> "/sitegen/"
            return self._redirect(raw_path + "/")
        if not path.startswith(prefix) or "\x00" in path:
            return self._not_found()
        rel = path[len(prefix) :]
        # Refuse anything that would climb out of the site folder.
        parts = [p for p in rel.split("/") if p]
        if any(p in (".", "..") or "\\" in p for p in parts):
            return self._not_found()
        target = self.server.root.joinpath(*parts) if parts else self.server.root
        if target.is_dir():
            if not rel.endswith("/") and rel:
                return self._redirect(raw_path + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        return 200, {"Content-Type": content_type_for(target)}, target.read_bytes()

    def _redirect(self, location: str) -> tuple[int, dict[str, str], bytes]:
        query = urlsplit(self.path).query
        if query:
            location += "?" + query
        return 301, {"Location": location, "Content-Type": "text/plain"}, b""

    def _not_found(self) -> tuple[int, dict[str, str], bytes]:
        page = self.server.root / "404.html"
        body = page.read_bytes() if page.is_file() else FALLBACK_404
        return 404, {"Content-Type": CONTENT_TYPES[".html"]}, body


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, root: Path, prefix: str, on_request: Callable[[str, str, int], None]
    ) -> None:
        self.root = root
        self.prefix = prefix
        self.on_request = on_request
        super().__init__(("127.0.0.1", 0), _Handler)


class SubpathServer:
    """A threaded HTTP server on 127.0.0.1 (OS-chosen port) serving a folder under a prefix."""

    def __init__(self, root: str | os.PathLike[str], prefix: str = "/") -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"site folder does not exist: {self.root}")
        self.prefix = normalize_prefix(prefix)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._requests: list[tuple[str, str, int]] = []

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> SubpathServer:
        if self._server is not None:
            raise RuntimeError("server already started")
        self._server = _Server(self.root, self.prefix, self._record)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"SubpathServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()  # waits for serve_forever to return
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SubpathServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------

    @property
    def _running(self) -> _Server:
        if self._server is None:
            raise RuntimeError("server is not running")
        return self._server

    @property
    def port(self) -> int:
        return int(self._running.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The site's root URL, ending in the prefix: http://127.0.0.1:PORT/sitegen/"""
        return self.origin + self.prefix

    def url_for(self, rel: str) -> str:
        """Absolute URL of a site-relative path such as 'stories/x/'."""
        return self.url + rel.lstrip("/")

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every request answered so far (also after stop)."""
        with self._lock:
            return list(self._requests)

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._requests.append((method, path, status))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("root", help="built site folder")
    parser.add_argument("--prefix", default="/", help="path prefix, e.g. /sitegen/")
    args = parser.parse_args(argv)
    srv = SubpathServer(args.root, args.prefix)
    srv.start()
    print(f"serving {srv.root} at {srv.url}  (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
