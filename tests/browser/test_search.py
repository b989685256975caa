"""Search, as a reader uses it: in chromium, on the site served under its subpath.

The query is taken from an editor's note in the example content, so the test
finds out whether notes really are in the index, and the result must lead to
the note's story. Everything the search loads must come from the site itself
(it works offline), and the page must say something useful without JavaScript.

A big site's index is in shards, merged in the browser: the example site, with
copies of its story added, is indexed in 16 shards (some of them empty, the
first one too) and in one, and a search must find the same pages, with the same
excerpts, in both.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sitegen import search
from sitegen.search import (
    Bundles,
    build_search_shards,
    search_input,
    shard_of,
    shards_file,
)
from tests.support.browser import ACTION_TIMEOUT_MS, PHONE, OpenPage, PageLog, PageLogs
from tests.support.subpath_server import SubpathServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SEARCH = "search/"
ROOT = Path(__file__).resolve().parents[2]


def note_query(story: dict[str, Any]) -> str:
    """Two words that only the story's notes hold (not its articles, title or summary).

    So the story can only be found if the notes are in the index.
    """
    elsewhere = " ".join(
        [(ROOT / "seeds" / a["seed"]).read_text("utf-8") for a in story["articles"]]
        + [story["title"], story.get("summary", "")]
    ).lower()
    for highlight in story.get("highlights", []):
        words = [
            word
            for word in dict.fromkeys(re.findall(r"[A-Za-z]{6,}", highlight.get("note", "")))
            if word.lower() not in elsewhere
        ]
        if len(words) >= 2:
            return " ".join(words[:2])
    raise AssertionError("no note of the story has two words of its own to search for")


def results(page: Any) -> list[tuple[str, str]]:
    page.wait_for_selector(".search-result a")
    return [
        (link.inner_text(), link.get_attribute("href"))
        for link in page.query_selector_all(".search-result-title a")
    ]


def test_a_query_from_a_note_finds_its_story(
    open_page: OpenPage,
    page_logs: PageLogs,
    site_server: SubpathServer,
    story: dict[str, Any],
    story_slug: str,
) -> None:
    page = open_page(SEARCH)
    page.fill("input[name=q]", note_query(story))
    found = results(page)
    assert (story["title"], f"{site_server.prefix}stories/{story_slug}/") in found
    # The result leads to the story, under the prefix.
    with page.expect_navigation():
        page.click(f".search-result a[href$='stories/{story_slug}/']")
    assert page.url == site_server.url_for(f"stories/{story_slug}/")
    assert page.locator("h1").first.inner_text() == story["title"]
    assert page_logs[page].problems == []


def test_search_loads_nothing_from_outside_the_site(
    open_page: OpenPage, page_logs: PageLogs, site_server: SubpathServer, story: dict[str, Any]
) -> None:
    page = open_page(SEARCH)
    page.fill("input[name=q]", note_query(story))
    results(page)
    requested = page_logs[page].requests
    assert any("/pagefind/" in request for request in requested), requested
    outside = [r for r in requested if not r.split(" ", 1)[1].startswith(site_server.url)]
    assert outside == []
    # No script was refused by the Content-Security-Policy, no error was logged.
    assert page_logs[page].problems == []


def test_the_status_line_says_how_many_stories_match(
    open_page: OpenPage, story: dict[str, Any]
) -> None:
    page = open_page(SEARCH)
    page.fill("input[name=q]", note_query(story))
    results(page)
    assert re.fullmatch(r"\d+ stor(y matches|ies match) “.+”\.", page.inner_text("[role=status]"))
    page.fill("input[name=q]", "zzxqvzzy")
    page.wait_for_selector("[role=status]:has-text('No story matches')")
    assert page.query_selector_all(".search-result") == []


def test_a_search_address_can_be_shared(
    open_page: OpenPage, story: dict[str, Any], story_slug: str
) -> None:
    query = note_query(story)
    page = open_page(SEARCH)
    page.fill("input[name=q]", query)
    results(page)
    shared = page.url
    assert "?q=" in shared
    again = open_page(SEARCH + shared.split(SEARCH, 1)[1])
    assert again.input_value("input[name=q]") == query
    assert any(href.endswith(f"stories/{story_slug}/") for _, href in results(again))


def test_without_javascript_the_page_explains_and_lists_the_stories(
    open_page: OpenPage, story: dict[str, Any]
) -> None:
    page = open_page(SEARCH, javascript=False)
    assert "needs JavaScript" in page.inner_text("main")
    # The form would do nothing: it is not shown.
    assert not page.is_visible("[role=search]")
    assert page.is_visible(f".search-browse a:text-is({story['title']!r})")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_results_appear_without_moving_the_form(
    open_page: OpenPage, story: dict[str, Any], viewport: Any
) -> None:
    page = open_page(SEARCH, viewport=viewport)
    before = page.locator("[role=search]").bounding_box()
    page.fill("input[name=q]", note_query(story))
    results(page)
    assert page.locator("[role=search]").bounding_box() == before
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], "the results make the page scroll sideways"


# -- a sharded index -----------------------------------------------------------------------

SHARDS = 16
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
WORDS += ["india", "juliett", "kilo", "lima"]


def copy_marker(word: str) -> str:
    """A word of one copy's title only, to find that copy by."""
    return f"{word}zyx"


def copy_path(word: str) -> str:
    return f"stories/copy-{word}/index.html"


def index_into(site: Path, count: int) -> None:
    """Replace the site's search index by one of `count` shards."""
    shutil.rmtree(site / "pagefind")
    pages = {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*.html")}
    inputs = sorted(
        (path, value) for path, data in pages.items() if (value := search_input(path, data))
    )
    made = build_search_shards(inputs, count)
    assert isinstance(made, Bundles), made
    files = dict([shards_file(count, made.buckets)])
    for bundle in [*made.shards.values(), *made.words.values()]:
        files.update(bundle)
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)


@pytest.fixture(scope="module")
def copies(story_slug: str) -> list[str]:
    """The words of the story's copies: none in the first shard, which is left empty."""
    assert shard_of(f"stories/{story_slug}/index.html", SHARDS) != 0
    words = [word for word in WORDS if shard_of(copy_path(word), SHARDS) != 0]
    assert len({shard_of(copy_path(word), SHARDS) for word in words}) >= 4
    return words


@pytest.fixture(scope="module")
def sharded_servers(
    built_site: Path,
    site_prefix: str,
    story_slug: str,
    copies: list[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[int, SubpathServer]]:
    """The example site with copies of its story, indexed in SHARDS shards and in 1."""
    story = (built_site / "stories" / story_slug / "index.html").read_text("utf-8")
    assert '<h1 class="page-title">' in story
    servers: dict[int, SubpathServer] = {}
    for count in (SHARDS, 1):
        site = tmp_path_factory.mktemp(f"shards-{count}") / "site"
        shutil.copytree(built_site, site)
        for word in copies:
            page = site / copy_path(word)
            page.parent.mkdir(parents=True)
            # The page's address changes, so its relative links are one level off: the
            # search only reads its text.
            page.write_text(
                story.replace(
                    '<h1 class="page-title">', f'<h1 class="page-title">{copy_marker(word)}: '
                ),
                "utf-8",
            )
        index_into(site, count)
        servers[count] = SubpathServer(site, site_prefix).start()
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def search_in(chromium: Browser, server: SubpathServer, query: str) -> tuple[Page, PageLog]:
    """The search page of the site `server` serves, having searched for `query`."""
    context = chromium.new_context(service_workers="block")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    log = PageLog.attach(page)
    page.goto(server.url_for(SEARCH))
    page.fill("input[name=q]", query)
    page.wait_for_selector("[role=status]:not(:empty):not(:has-text('Searching'))")
    return page, log


def shown(page: Page) -> dict[str, tuple[str, str]]:
    """The results shown: href -> (title, excerpt)."""
    return {
        str(item.eval_on_selector("a", "a => a.getAttribute('href')")): (
            item.eval_on_selector("a", "a => a.textContent"),
            item.eval_on_selector(".search-excerpt", "p => p.textContent"),
        )
        for item in page.query_selector_all(".search-result")
    }


def test_a_sharded_index_finds_the_pages_of_every_shard(
    chromium: Browser,
    sharded_servers: dict[int, SubpathServer],
    story: dict[str, Any],
    story_slug: str,
    copies: list[str],
) -> None:
    server = sharded_servers[SHARDS]
    page, log = search_in(chromium, server, note_query(story))
    found = shown(page)
    expected = {f"{server.prefix}stories/{story_slug}/"} | {
        f"{server.prefix}stories/copy-{word}/" for word in copies
    }
    assert set(found) == expected
    assert page.inner_text("[role=status]").startswith(f"{len(expected)} stories match")
    for word in copies:
        page.fill("input[name=q]", copy_marker(word))
        page.wait_for_selector(f"[role=status]:has-text('1 story matches “{copy_marker(word)}”')")
        assert list(shown(page)) == [f"{server.prefix}stories/copy-{word}/"]
    # The result leads to the page, under the prefix.
    with page.expect_navigation():
        page.click(".search-result a")
    assert page.url == server.url_for(f"stories/copy-{copies[-1]}/")
    # Only the site's own files, each of them there; the word bundle, and never the
    # shard without pages.
    assert log.problems == []
    requested = " ".join(log.requests)
    assert f"{server.prefix}pagefind/words/" in requested
    assert f"{server.prefix}pagefind/0/" not in requested.replace("pagefind/0/pagefind.js", "")
    assert all(request.split(" ", 1)[1].startswith(server.url) for request in log.requests), (
        log.requests
    )
    page.context.close()


def test_a_word_whose_word_bundle_is_empty_finds_nothing(
    chromium: Browser, sharded_servers: dict[int, SubpathServer]
) -> None:
    server = sharded_servers[SHARDS]
    empty = [
        bucket
        for bucket in range(search.WORD_BUCKETS)
        if not json.loads(
            (server.root / "pagefind" / "words" / str(bucket) / "words.json").read_text("utf-8")
        )["shards"]
    ]
    assert empty, "every word bundle has words: pick a site with fewer"
    # A Cyrillic letter of that bucket (U+0430 to U+044F cover all 32 buckets).
    letter = chr(0x430 + (empty[0] - 0x430) % search.WORD_BUCKETS)
    assert search.bucket_of(letter) == empty[0]
    page, log = search_in(chromium, server, f"{letter}бв")
    assert page.inner_text("[role=status]") == f"No story matches “{letter}бв”."
    assert log.problems == []
    page.context.close()


def test_a_query_loads_only_the_shards_that_can_answer_it(
    chromium: Browser, sharded_servers: dict[int, SubpathServer], copies: list[str]
) -> None:
    server = sharded_servers[SHARDS]
    word = copies[0]
    page, log = search_in(chromium, server, copy_marker(word))
    page.wait_for_selector(f"[role=status]:has-text('1 story matches “{copy_marker(word)}”')")
    assert log.problems == []
    entries = {
        request.split(f"{server.prefix}pagefind/", 1)[1].split("/pagefind-entry.json")[0]
        for request in log.requests
        if "/pagefind-entry.json" in request
    }
    # The bundle of the word's first letter, and the shard of the only page that has it.
    bucket = search.bucket_of(copy_marker(word))
    assert entries == {f"words/{bucket}", str(shard_of(copy_path(word), SHARDS))}
    page.context.close()


@pytest.mark.parametrize(
    "query",
    # Words of every page; then words of one page, in one shard, which the other shards
    # must not answer with the pages that have a word starting them ("a", "al"); then
    # words no page has, which one index answers with the pages of the longest word
    # that starts them ("alphazyx", "brink"), and so must the shards.
    [
        "note",
        "sanctions Russia",
        "Brink",
        "alphazyx",
        "alphazyx Trump",
        "alphaz",
        "alphazyxq",
        "Brinkqq sanctions",
        '"sanctions on Russia"',
    ],
)
def test_a_sharded_index_gives_the_results_of_one_index(
    chromium: Browser,
    sharded_servers: dict[int, SubpathServer],
    story: dict[str, Any],
    query: str,
) -> None:
    # The same pages, titles and excerpts; not always in the same order, as each shard
    # scores its pages by its own word counts.
    query = note_query(story) if query == "note" else query
    results_of = {}
    for count, server in sharded_servers.items():
        page, log = search_in(chromium, server, query)
        results_of[count] = shown(page)
        assert log.problems == []
        page.context.close()
    assert results_of[SHARDS], f"nothing found for {query!r}"
    assert results_of[SHARDS] == results_of[1]


# -- filters, which Pagefind writes in hash order and sitegen puts in order -----------------

FILTER_SEARCH = """<!doctype html><html lang="en"><head><title>Filters</title></head><body>
<script type="module">
const pagefind = await import("/pagefind/0/pagefind.js");
await pagefind.options({ basePath: "/pagefind/0/" });
const found = await pagefind.search("shared", {
  filters: { color: "red" },
  sort: { weight: "desc" },
});
const pages = await Promise.all(found.results.map((result) => result.data()));
document.body.dataset.found = JSON.stringify(pages.map((page) => page.url));
</script></body></html>"""


def test_a_filtered_search_reads_the_filters_sitegen_put_in_order(
    chromium: Browser, tmp_path: Path
) -> None:
    """Sorted and written again uncompressed, the filters and sort keys still answer in
    pagefind.js."""
    from sitegen.search import build_search_index

    colours = ["red", "blue", "green", "teal"]
    pages = {
        f"p{number}/index.html": search_input(
            f"p{number}/index.html",
            (
                f'<!doctype html><html lang="en"><head><title>P{number}</title></head><body>'
                f"<main data-pagefind-body><h1>Page {number}</h1><p>shared words</p>"
                f'<span data-pagefind-filter="color">{colours[number % 4]}</span>'
                f'<span data-pagefind-sort="weight">{number}</span>'
                f'<span data-pagefind-sort="rank">{12 - number}</span></main>'
                "</body></html>"
            ).encode(),
        )
        for number in range(12)
    }
    index = build_search_index([(path, page) for path, page in pages.items() if page])
    assert not isinstance(index, search.Problem)
    filters = [data for name, data in index.files.items() if name.endswith(".pf_filter")]
    assert filters and all(data.startswith(b"pagefind_dcd") for data in filters)
    site = tmp_path / "site"
    for name, data in index.files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    (site / "index.html").write_text(FILTER_SEARCH, "utf-8")
    with SubpathServer(site, "/") as server:
        page = chromium.new_page()
        try:
            log = PageLog.attach(page)
            page.goto(server.url_for(""))
            page.wait_for_selector("body[data-found]", state="attached")
            found = json.loads(page.eval_on_selector("body", "body => body.dataset.found"))
            assert found == ["/p8/", "/p4/", "/p0/"], log
        finally:
            page.close()
