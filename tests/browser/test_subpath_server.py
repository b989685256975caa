"""The helper server behaves like GitHub Pages for a project site (no browser needed)."""

from __future__ import annotations

import http.client
import socket
from pathlib import Path

import pytest

from tests.support.subpath_server import SubpathServer, normalize_prefix


@pytest.fixture
def site(tmp_path: Path) -> Path:
    files = {
        "index.html": "<p>home</p>",
        "404.html": "<p>site 404 page</p>",
        "stories/a/index.html": "<p>story a</p>",
        "stories/a/annotations.jsonld": "{}",
        "static/style.css": "body{}",
        "static/app.js": "1",
        "feed.xml": "<feed/>",
        "data.json": "{}",
        "robots.txt": "User-agent: *",
        "empty/.keep": "",
    }
    for name, text in files.items():
        path = tmp_path / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
    return tmp_path / "site"


def fetch(server: SubpathServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path)
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read().decode()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("/sitegen/", "/sitegen/"), ("sitegen", "/sitegen/"), ("/a/b", "/a/b/"), ("", "/")],
)
def test_normalize_prefix(prefix: str, expected: str) -> None:
    assert normalize_prefix(prefix) == expected


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/sitegen/", "<p>home</p>", "text/html"),
        ("/sitegen/index.html", "<p>home</p>", "text/html"),
        ("/sitegen/stories/a/", "<p>story a</p>", "text/html"),
        ("/sitegen/stories/a/?q=1#x", "<p>story a</p>", "text/html"),
        ("/sitegen/stories/a/annotations.jsonld", "{}", "application/ld+json"),
        ("/sitegen/static/style.css", "body{}", "text/css"),
        ("/sitegen/static/app.js", "1", "text/javascript"),
        ("/sitegen/feed.xml", "<feed/>", "application/xml"),
        ("/sitegen/data.json", "{}", "application/json"),
        ("/sitegen/robots.txt", "User-agent: *", "text/plain"),
    ],
)
def test_serves_files_under_the_prefix(site: Path, path: str, body: str, content_type: str) -> None:
    with SubpathServer(site, "/sitegen/") as server:
        status, headers, text = fetch(server, path)
    assert status == 200
    assert text == body
    assert headers["Content-Type"].split(";")[0] == content_type


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/index.html",
        "/stories/a/",
        "/static/style.css",
        "/sitegen-other/",
        "/sitegen/missing/",
        "/sitegen/missing.css",
        "/sitegen/empty/",
        "/sitegen/../secret.txt",
        "/sitegen/%2e%2e/secret.txt",
    ],
)
def test_answers_404_with_the_sites_404_page_elsewhere(site: Path, path: str) -> None:
    with SubpathServer(site, "/sitegen/") as server:
        status, headers, text = fetch(server, path)
    assert status == 404
    assert text == "<p>site 404 page</p>"
    assert headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "location"),
    [("/sitegen", "/sitegen/"), ("/sitegen/stories/a", "/sitegen/stories/a/")],
)
def test_redirects_folders_to_their_slash(site: Path, path: str, location: str) -> None:
    with SubpathServer(site, "/sitegen/") as server:
        status, headers, _ = fetch(server, path)
    assert status == 301
    assert headers["Location"] == location


def test_head_and_request_log(site: Path) -> None:
    with SubpathServer(site, "sitegen") as server:
        assert server.url == f"http://127.0.0.1:{server.port}/sitegen/"
        assert server.url_for("stories/a/") == server.url + "stories/a/"
        status, headers, text = fetch(server, "/sitegen/", method="HEAD")
        assert (status, text) == (200, "")
        assert headers["Content-Length"] == str(len("<p>home</p>"))
        fetch(server, "/nope")
    assert server.requests == [("HEAD", "/sitegen/", 200), ("GET", "/nope", 404)]


def test_stops_cleanly(site: Path) -> None:
    with SubpathServer(site, "/sitegen/") as server:
        port = server.port
        assert fetch(server, "/sitegen/")[0] == 200
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    server.stop()  # stopping twice is harmless


def test_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SubpathServer(tmp_path / "nope", "/sitegen/")
