"""The search stage: what Pagefind is given of each page, and the index it makes of it.

A page's search input must give Pagefind the very record the whole page gives
(the same words, title, excerpt, anchors, metadata and filters), so the tests
index both and compare. The index must be the same bytes for the same pages,
whatever their order or the hash seed; and a Pagefind that is missing, fails or
hangs is a problem to report, not a traceback.

The index is in shards, each a Pagefind bundle made by its own Pagefind process:
a shard made alone must be the same bytes as in a whole build, and hold its own
pages only; the word bundle must hold each shard's words on a page of its own, for
the search page to search only the shards that match a word the way one index
would (tests/browser/test_search.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sitegen import cache_keys, pagefind_service, search
from sitegen.errors import Problem
from sitegen.pagefind_service import PagefindService
from sitegen.search import (
    SearchIndex,
    SearchInput,
    build_search_index,
    build_search_shards,
    index_site,
    page_words,
    search_input,
    shard_count,
    shard_key,
    shard_of,
    shard_words,
    shards_file,
    words_keys,
)

ROOT = Path(__file__).resolve().parent.parent

# Everything Pagefind reads, in and around two bodies: metadata and filters in the head
# and after the bodies, the first <h1> outside them, an ignored part that still holds a
# sort key, an excluded one whose metadata must not count, anchors, a weight, and the
# words of a body in a script, which are not a body.
TRICKY_PAGE = """<!doctype html>
<html lang="en-GB" class="site">
<head><meta charset="utf-8"><title>Page A · Site</title>
<meta data-pagefind-meta="image[content]" content="/cover.png" property="og:image">
<script>var fake = "<article data-pagefind-body>";</script>
</head>
<body>
<header id="top"><a href="/">Site</a> <nav id="menu">Home Stories</nav></header>
<!-- <div data-pagefind-body>a comment</div> -->
<h1 id="site-title">The site heading</h1>
<p data-pagefind-meta="author">Ann Author</p>
<div data-pagefind-ignore="all"><span data-pagefind-meta="hidden:yes">no</span></div>
<main>
<article data-pagefind-body id="story">
  <h2 id="first">First part</h2>
  <p>Words about <b>ships</b> and <span data-pagefind-ignore>IGNORED</span> harbours.</p>
  <section data-pagefind-ignore><h3 id="legend">Legend</h3><p>not indexed at all</p></section>
  <section data-pagefind-ignore><p>ignored but <span data-pagefind-sort="rank:3">ranked</span></p>
  </section>
  <div data-pagefind-ignore="all"><p data-pagefind-meta="secret:1">excluded</p></div>
  <p data-pagefind-weight="5">Heavy words.</p>
  <img src="in-body.png" alt="An image">
  <ul><li id="one">One</li><li>Two <a id="three" href="#">three</a></li></ul>
  <script>document.write("</article>");</script>
</article>
<aside>Not in any body</aside>
<section data-pagefind-body><h2 id="second">Second body</h2>
<p>More words, <em>ocean</em>.</p></section>
</main>
<footer><img src="late.png" alt="Footer image">
<span data-pagefind-meta="tag">Footer tag</span></footer>
</body></html>
"""
PAGES = {
    "a/index.html": TRICKY_PAGE,
    # The first <h1> comes after the body: still the title.
    "b/index.html": '<html lang="fr"><head><title>B</title></head><body><div data-pagefind-body>'
    '<p>Texte <img src="i.png"></p></div><h1>Late heading</h1></body></html>',
    # No <h1> at all: the <title> is the title.
    "c/index.html": "<html><head><title>Title only</title></head><body>"
    "<div data-pagefind-body><p>No heading here.</p></div></body></html>",
    # A body that is also marked ignored is a body.
    "d.html": '<!doctype html><html lang="en"><body><div data-pagefind-body data-pagefind-ignore>'
    "<h1>Both</h1><p>Body wins.</p><p data-pagefind-ignore>gone</p></div></body></html>",
    "index.html": '<html lang="en"><body><main data-pagefind-body><h1>Home</h1></main>'
    "</body></html>",
}


def records(index: SearchIndex | Problem | dict[str, bytes]) -> dict[str, Any]:
    """Pagefind's record of each page (its fragment), by URL."""
    assert not isinstance(index, Problem), index
    files = index.files if isinstance(index, SearchIndex) else index
    found = {}
    for name, data in files.items():
        if name.endswith(".pf_fragment"):
            text = gzip.decompress(data).removeprefix(b"pagefind_dcd")
            record = json.loads(text)
            found[record["url"]] = record
    return found


def digest(index: SearchIndex | Problem) -> str:
    assert isinstance(index, SearchIndex), index
    return hashlib.sha256(
        b"".join(name.encode() + b"\0" + data for name, data in sorted(index.files.items()))
    ).hexdigest()


def inputs_of(pages: dict[str, str]) -> list[tuple[str, str]]:
    found = [(path, search_input(path, html.encode("utf-8"))) for path, html in pages.items()]
    return [(path, value) for path, value in found if value is not None]


def site_pages(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*.html"))
        if not path.relative_to(site).as_posix().startswith("pagefind/")
    }


# -- the search input of a page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "html"),
    [
        (
            "404.html",
            '<html lang="en"><body><main data-pagefind-body>Not found</main></body></html>',
        ),
        ("feed.xml", '<feed data-pagefind-body="x"></feed>'),
        ("tags/index.html", '<html lang="en"><body><main>No body marked</main></body></html>'),
        (
            "a/index.html",
            "<html><body><p>Only the words data-pagefind-body, in text</p></body></html>",
        ),
        ("b/index.html", "<body><main data-pagefind-body>No html element</main></body>"),
    ],
    ids=["404", "not-html", "no-body", "body-only-in-text", "no-html-element"],
)
def test_pages_that_are_not_indexed_have_no_input(path: str, html: str) -> None:
    assert search_input(path, html.encode("utf-8")) is None


def test_the_input_keeps_what_pagefind_reads_and_drops_the_rest() -> None:
    value = search_input("a/index.html", TRICKY_PAGE.encode("utf-8"))
    assert value is not None
    for kept in (
        '<html lang="en-GB" class="site">',
        "<title>Page A · Site</title>",
        'data-pagefind-meta="image[content]" content="/cover.png"',
        '<h1 id="site-title">The site heading</h1>',
        '<p data-pagefind-meta="author">Ann Author</p>',
        '<h2 id="first">First part</h2>',
        '<span data-pagefind-sort="rank:3">ranked</span>',
        '<p data-pagefind-weight="5">Heavy words.</p>',
        '<h2 id="second">Second body</h2>',
        '<img src="late.png" alt="Footer image">',
        '<span data-pagefind-meta="tag">Footer tag</span>',
    ):
        assert kept in value
    for dropped in (
        "Home Stories",
        "a comment",
        "IGNORED",
        "Legend",
        "hidden:yes",
        "secret:1",
        "Not in any body",
        "var fake",
    ):
        assert dropped not in value


def test_a_story_page_gives_a_fraction_of_itself(example_site: Path) -> None:
    story = next((example_site / "stories").glob("*/index.html"))
    page = story.read_bytes()
    value = search_input("stories/x/index.html", page)
    assert value is not None
    assert len(value.encode("utf-8")) < len(page) * 0.6
    assert 'id="coverage"' in page.decode("utf-8")
    assert 'id="coverage"' not in value  # the coverage view is not indexed
    assert 'class="note-text"' in value  # the notes are


def test_pagefind_makes_the_same_records_of_the_inputs_as_of_the_pages() -> None:
    whole = records(build_search_index(sorted(PAGES.items())))
    assert records(build_search_index(inputs_of(PAGES))) == whole
    # What the records hold, for the record: Pagefind reads all of that.
    page = whole["/a/"]
    assert page["content"] == (
        "First part. Words about ships and harbours. Heavy words. One. Two three. "
        "Second body. More words, ocean."
    )
    assert page["meta"] == {
        "title": "The site heading",
        "author": "Ann Author",
        "image": "/cover.png",
        "tag": "Footer tag",
    }
    assert [anchor["id"] for anchor in page["anchors"]] == ["first", "one", "three", "second"]
    assert whole["/b/"]["meta"]["title"] == "Late heading"
    assert whole["/c/"]["meta"]["title"] == "Title only"
    assert set(whole) == {"/", "/a/", "/b/", "/c/", "/d.html"}


def test_the_example_site_gets_the_same_index_from_its_inputs(example_site: Path) -> None:
    pages = site_pages(example_site)
    whole = build_search_index(
        [
            (path, data.decode("utf-8"))
            for path, data in pages.items()
            if search_input(path, data) is not None
        ]
    )
    assert digest(index_site(pages)) == digest(whole)


# -- the index -----------------------------------------------------------------------------


def test_an_index_of_pages_in_several_languages_is_the_same_at_every_build() -> None:
    """Pagefind lists an index's languages in the order of a hash map, another at each
    run; sitegen lists them by code."""
    pages = {
        f"{language}/{number}/index.html": (
            f'<!doctype html><html lang="{language}"><head><title>{number}</title></head>'
            f"<body><main data-pagefind-body><p>word{number} shared text</p></main></body></html>"
        )
        for number, language in enumerate(["en", "fr", "de", "uk", "pl"] * 2)
    }
    builds = {digest(build_search_index(inputs_of(pages))) for _ in range(4)}
    assert len(builds) == 1
    index = build_search_index(inputs_of(pages))
    assert isinstance(index, SearchIndex)
    entry = json.loads(index.files["pagefind/0/pagefind-entry.json"])
    assert list(entry["languages"]) == ["de", "en", "fr", "pl", "uk"]


def filtered_pages() -> dict[str, str]:
    colours = ["red", "blue", "green", "teal", "ochre"]
    return {
        f"{language}/{number}/index.html": (
            f'<!doctype html><html lang="{language}"><head><title>{number}</title></head>'
            f"<body><main data-pagefind-body><p>word{number} shared text</p>"
            f'<span data-pagefind-filter="colour">{colours[number % 5]}</span>'
            f'<span data-pagefind-filter="size">s{number % 3}</span>'
            f'<span data-pagefind-sort="weight">{number}</span>'
            f'<span data-pagefind-sort="rank">{number % 4}</span></main></body></html>'
        )
        for number, language in enumerate(["en", "fr"] * 8)
    }


def test_an_index_with_filters_and_sort_keys_is_the_same_at_every_build() -> None:
    """Pagefind lists filters, their values and sort keys in hash-map order; sitegen sorts
    them."""
    builds = {digest(build_search_index(inputs_of(filtered_pages()))) for _ in range(4)}
    assert len(builds) == 1


def test_files_not_as_pagefind_writes_them_are_left_as_they_are() -> None:
    from sitegen.search_order import in_order

    index = build_search_index(inputs_of(filtered_pages()))
    assert isinstance(index, SearchIndex)
    files = dict(index.files)
    # Put in order, a bundle is put in order again as it is.
    assert in_order(files) == files
    damaged = {
        name: b"not CBOR" if name.endswith(".pf_filter") else data for name, data in files.items()
    }
    assert in_order(damaged) == damaged


def test_the_index_does_not_depend_on_the_order_of_the_pages(example_site: Path) -> None:
    # Some stories: the example's, retitled.
    story = next((example_site / "stories").glob("*/index.html")).read_text("utf-8")
    pages = {
        f"stories/{number}/index.html": story.replace(
            '<h1 class="page-title">', f'<h1 class="page-title">Part {number}: '
        )
        for number in range(6)
    }
    inputs = inputs_of(pages)
    assert len({value for _, value in inputs}) == len(pages)
    shuffled = inputs[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != inputs
    assert digest(build_search_index(shuffled)) == digest(build_search_index(inputs))


def test_the_index_does_not_depend_on_the_hash_seed(example_site: Path) -> None:
    program = (
        "import hashlib, sys; from pathlib import Path; from sitegen.search import index_site\n"
        "site = Path(sys.argv[1])\n"
        "pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob('*.html')\n"
        "         if not p.relative_to(site).as_posix().startswith('pagefind/')}\n"
        "files = index_site(dict(reversed(pages.items()))).files\n"
        "print(hashlib.sha256(b''.join(n.encode() + b'\\0' + d for n, d in sorted(files.items())))"
        ".hexdigest())\n"
    )
    seen = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", program, str(example_site)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        seen.add(result.stdout.strip())
    assert seen == {digest(index_site(site_pages(example_site)))}


def test_the_index_holds_pagefinds_search_code_and_no_ready_made_ui() -> None:
    index = build_search_index(inputs_of(PAGES))
    assert isinstance(index, SearchIndex)
    # A small site: one shard.
    assert json.loads(index.files["pagefind/shards.json"]) == {"bundles": ["0/"]}
    assert {"pagefind/0/pagefind.js", "pagefind/0/pagefind-entry.json"} <= set(index.files)
    assert all(name.startswith("pagefind/0/") for name in index.files if "shards" not in name)
    assert not any(name.rsplit("/", 1)[-1] in search.UNUSED_FILES for name in index.files)
    entry = json.loads(index.files["pagefind/0/pagefind-entry.json"])
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(PAGES)
    assert json.loads(index.files["pagefind/0/shard.json"]) == {"pages": len(PAGES)}


def test_a_site_without_indexed_pages_gets_an_empty_index() -> None:
    index = build_search_index([])
    assert isinstance(index, SearchIndex)
    assert json.loads(index.files["pagefind/0/pagefind-entry.json"])["languages"] == {}
    assert json.loads(index.files["pagefind/0/shard.json"]) == {"pages": 0}


# -- shards --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "count"),
    [
        (0, 1),
        (1, 1),
        (200, 1),
        (201, 2),
        (400, 2),
        (401, 4),
        (1_000, 8),
        (3_200, 16),
        (3_201, 32),
        (6_400, 32),
        (1_000_000, 32),
    ],
)
def test_a_site_gets_a_power_of_two_of_shards_of_at_most_200_pages(pages: int, count: int) -> None:
    assert shard_count(pages) == count


def test_a_page_has_the_same_shard_everywhere() -> None:
    # Pinned: a shard must not move between machines, processes or Python versions.
    assert [shard_of(f"stories/{n}/index.html", 4) for n in range(8)] == [0, 2, 2, 0, 2, 3, 1, 1]
    assert shard_of("stories/x/index.html", 16) == 11
    assert {shard_of(f"stories/{n}/index.html", 1) for n in range(8)} == {0}
    with pytest.raises(ValueError):
        shard_of("a.html", 0)


def test_the_shards_file_lists_the_bundles() -> None:
    assert shards_file(1) == ("pagefind/shards.json", b'{"bundles": ["0/"]}\n')
    assert shards_file(3, 2) == (
        "pagefind/shards.json",
        b'{"bundles": ["0/", "1/", "2/"], "words": ["words/0/", "words/1/"]}\n',
    )


def story_copies(example_site: Path, count: int) -> list[tuple[str, str]]:
    """The search inputs of `count` copies of the example story, each with a word of its own."""
    story = next((example_site / "stories").glob("*/index.html")).read_text("utf-8")
    return inputs_of(
        {
            f"stories/{number}/index.html": story.replace(
                '<h1 class="page-title">', f'<h1 class="page-title">Part{number}zyx: '
            )
            for number in range(count)
        }
    )


def test_a_shard_made_alone_is_the_same_bytes_as_in_a_whole_build(example_site: Path) -> None:
    inputs = story_copies(example_site, 8)
    whole = build_search_shards(inputs, 4)
    assert isinstance(whole, search.Bundles) and sorted(whole.shards) == [0, 1, 2, 3]
    shuffled = inputs[:]
    random.Random(3).shuffle(shuffled)
    alone = build_search_shards(shuffled, 4, only=[2])
    assert isinstance(alone, search.Bundles) and list(alone.shards) == [2]
    assert alone.shards[2] == whole.shards[2]
    assert alone.words == {}
    assert all(name.startswith("pagefind/2/") for name in alone.shards[2])
    # Each shard has its own pages, and nothing else.
    for shard, files in whole.shards.items():
        urls = set(records(files))
        expected = {f"/{path.removesuffix('index.html')}" for path, _ in inputs}
        assert urls == {url for url in expected if shard_of(f"{url[1:]}index.html", 4) == shard}
        assert json.loads(files[f"pagefind/{shard}/shard.json"]) == {"pages": len(urls)}
    assert build_search_shards(inputs, 4, only=[]) == search.Bundles({}, {}, 0)
    with pytest.raises(ValueError):
        build_search_shards(inputs, 4, only=[4])


def test_each_word_bundle_holds_each_shards_words_of_its_letters(example_site: Path) -> None:
    inputs = story_copies(example_site, 8)
    words = {
        shard: shard_words(page_words(page) for path, page in inputs if shard_of(path, 4) == shard)
        for shard in range(4)
    }
    # Each copy's own word is in its shard's words of its bucket, and in no other shard's.
    for path, _ in inputs:
        word = f"part{path.split('/')[1]}zyx"
        bucket = search.bucket_of(word)
        having = [shard for shard in range(4) if word in words[shard][bucket]["en"].split()]
        assert having == [shard_of(path, 4)]
    # A word of parts is in the bucket of each part too, as Pagefind may index them alone.
    hyphenated = shard_words([{"en": frozenset({"well-known"})}])
    assert set(hyphenated) == {search.bucket_of("w"), search.bucket_of("k")}
    # The bundles, as the build makes them: a page per shard, and no page records.
    whole = build_search_shards(inputs, 4)
    assert isinstance(whole, search.Bundles)
    assert sorted(whole.words) == list(range(search.WORD_BUCKETS))
    assert whole.buckets == search.WORD_BUCKETS
    for bucket, files in whole.words.items():
        assert all(name.startswith(f"pagefind/words/{bucket}/") for name in files)
        assert not any(name.endswith(".pf_fragment") for name in files)
        named = json.loads(files[f"pagefind/words/{bucket}/words.json"])["shards"]
        entry = json.loads(files[f"pagefind/words/{bucket}/pagefind-entry.json"])
        counted = sum(language["page_count"] for language in entry["languages"].values())
        assert counted == len(named) == len({s for s in range(4) if bucket in words[s]})
    # One shard: no word bundle, as one index matches words as one index does.
    single = build_search_shards(inputs, 1)
    assert isinstance(single, search.Bundles) and single.words == {}


def test_a_word_bundle_names_the_shard_of_each_of_its_pages(example_site: Path) -> None:
    inputs = story_copies(example_site, 8)
    words = {
        shard: shard_words(page_words(page) for path, page in inputs if shard_of(path, 4) == shard)
        for shard in range(4)
    }
    bucket = search.bucket_of("trump")
    executable = search.pagefind_executable()
    assert executable is not None
    pages = search._word_pages(words, dict.fromkeys(range(4), 2), bucket, search.WORD_BUCKETS)
    raw = PagefindService(executable).index(pages)
    assert isinstance(raw, dict), raw
    expected = {}
    for name, data in raw.items():
        if name.endswith(".pf_fragment"):
            url = json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))["url"]
            page_id = name.removeprefix("fragment/").removesuffix(".pf_fragment")
            expected[page_id] = int(url.split("/")[4])  # /pagefind/words/<bucket>/<shard>/en/
    named = json.loads(search._word_bundle_files(raw)["words.json"])["shards"]
    assert named == expected
    assert sorted(named.values()) == [0, 1, 2, 3]


def shard_keys(inputs: list[tuple[str, SearchInput]], count: int) -> dict[int | str, str]:
    """Each shard's `shard_key` and each word bundle's key, made as the build makes them:
    from the digest of each of a shard's pages, and from each shard's words."""
    pages: dict[int, list[tuple[str, SearchInput]]] = {shard: [] for shard in range(count)}
    for path, page in sorted(inputs):
        pages[shard_of(path, count)].append((path, page))
    keys: dict[int | str, str] = {
        shard: shard_key([(path, cache_keys.digest([page])) for path, page in listed])
        for shard, listed in pages.items()
    }
    words = {
        shard: shard_words(page_words(page) for _, page in listed)
        for shard, listed in pages.items()
    }
    for bucket, key in words_keys(words, search.WORD_BUCKETS).items():
        keys[f"words {bucket}"] = key
    return keys


def test_a_new_word_changes_its_shard_and_its_word_bundle_only(example_site: Path) -> None:
    inputs = story_copies(example_site, 8)
    keys = shard_keys(inputs, 4)
    assert len(keys) == 4 + search.WORD_BUCKETS
    assert shard_keys(list(reversed(inputs)), 4) == keys
    path, page = inputs[0]
    shard = shard_of(path, 4)
    # The same words in another order: only the page's shard changes.
    reworded = [(path, page.replace("Part0zyx: Trump", "Trump Part0zyx:")), *inputs[1:]]
    changed = shard_keys(reworded, 4)
    assert [k for k in keys if keys[k] != changed[k]] == [shard]
    # A word the site did not have: the page's shard and its letter's word bundle.
    new_word = [(path, page.replace("Part0zyx", "Part0zyx Quuxwordzyx")), *inputs[1:]]
    changed = shard_keys(new_word, 4)
    bucket = search.bucket_of("quuxwordzyx")
    assert [k for k in keys if keys[k] != changed[k]] == [shard, f"words {bucket}"]


def test_a_site_in_a_language_whose_stemmer_takes_prefixes_has_one_word_bundle(
    example_site: Path,
) -> None:
    assert search.word_bucket_count(["en"]) == search.WORD_BUCKETS
    assert search.word_bucket_count(["en-gb", "", "fr"]) == search.WORD_BUCKETS
    assert search.word_bucket_count(["en", "ar"]) == 1  # Arabic takes "al-" off
    assert search.word_bucket_count(["id"]) == 1
    # Its one bundle holds every word of each shard, whatever its first letter.
    inputs = [
        (path, page.replace('lang="en"', 'lang="ar"'))
        for path, page in story_copies(example_site, 8)
    ]
    made = build_search_shards(inputs, 4)
    assert isinstance(made, search.Bundles)
    assert made.buckets == 1 and list(made.words) == [0]
    named = json.loads(made.words[0]["pagefind/words/0/words.json"])["shards"]
    assert sorted(named.values()) == [0, 1, 2, 3]
    by_shard = {
        shard: shard_words(page_words(page) for path, page in inputs if shard_of(path, 4) == shard)
        for shard in range(4)
    }
    pages = search._word_pages(by_shard, dict.fromkeys(range(4), 2), 0, 1)
    for path, _ in inputs:
        word = f"part{path.split('/')[1]}zyx"
        having = [page for page, text in pages if word in re.split(r"[\s<>]", text)]
        assert having == [f"pagefind/words/0/{shard_of(path, 4)}/ar/index.html"]
    assert shards_file(4, made.buckets)[1].endswith(b'"words": ["words/0/"]}\n')


def test_a_words_bucket_is_its_first_letters_whatever_its_case_or_accent() -> None:
    assert search.bucket_of("élan") == search.bucket_of("elan") == search.bucket_of("e")
    assert search.bucket_of("zebra") == ord("z") % search.WORD_BUCKETS
    assert len({search.bucket_of(letter) for letter in "abcdefghijklmnopqrstuvwxyz"}) > 20


def fake_pagefind_logging(tmp_path: Path, log: Path) -> str:
    """A Pagefind that notes when it starts and ends, around the real one."""
    real = search.pagefind_executable()
    return fake_pagefind(
        tmp_path,
        f'echo "start $(date +%s.%N)" >> {log}\nsleep 0.3\n{real} "$@"\n'
        f'status=$?\necho "end $(date +%s.%N)" >> {log}\nexit $status',
    )


def most_at_once(log: Path) -> int:
    events = sorted(
        (float(time), kind == "start")
        for kind, time in (line.split() for line in log.read_text("utf-8").splitlines())
    )
    running = most = 0
    for _, starting in events:
        running += 1 if starting else -1
        most = max(most, running)
    return most


@pytest.mark.parametrize(("jobs", "expected"), [("", 2), ("1", 1), ("3", 3)])
def test_shards_are_made_as_many_at_once_as_there_are_cpus(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    example_site: Path,
    jobs: str,
    expected: int,
) -> None:
    log = tmp_path / "ran"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_pagefind_logging(tmp_path, log))
    monkeypatch.setenv("SITEGEN_JOBS", jobs)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    # The shards alone (no word bundles): four Pagefinds of 0.3 s at least.
    shards = build_search_shards(story_copies(example_site, 8), 4, only=range(4))
    assert isinstance(shards, search.Bundles) and len(shards.shards) == 4
    assert most_at_once(log) == expected


def test_a_shard_that_fails_is_a_problem_and_stops_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_site: Path
) -> None:
    real = search.pagefind_executable()
    # The first Pagefind to start fails; the others would take a minute.
    script = f'if mkdir {tmp_path}/first 2>/dev/null; then echo "disk on fire" >&2; exit 3; fi\n'
    monkeypatch.setenv(
        "PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, script + f'sleep 60\nexec {real} "$@"')
    )
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    monkeypatch.delenv("SITEGEN_JOBS", raising=False)
    started = time.monotonic()
    problem = build_search_shards(story_copies(example_site, 8), 4)
    assert time.monotonic() - started < 30
    assert isinstance(problem, Problem)
    assert problem.message == "Pagefind could not build the search index"
    assert "disk on fire" in problem.hint
    assert problem.location.path.startswith("pagefind/")


def test_a_cancelled_index_stops_its_pagefinds_and_waits_for_no_shard_made_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_site: Path
) -> None:
    """serve cancels a build's index when a newer save comes: its own Pagefinds (here,
    ones that would take a minute) are stopped, and a shard made ahead, which its owner
    stops afterwards, is not waited for."""
    import threading

    from sitegen.errors import BuildCancelled

    real = search.pagefind_executable()
    monkeypatch.setenv(
        "PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, f'sleep 60\nexec {real} "$@"')
    )
    pages = story_copies(example_site, 8)
    by_shard: dict[int, list[tuple[str, SearchInput]]] = {shard: [] for shard in range(4)}
    for path, page in sorted(pages):
        by_shard[shard_of(path, 4)].append((path, page))
    cancel, released = threading.Event(), threading.Event()

    def read(shard: int) -> list[tuple[str, SearchInput]]:
        cancel.set()  # as a save comes while Pagefind works
        return by_shard[shard]

    def made_ahead() -> str:
        assert released.wait(30)  # until its owner stops it, after index_shards
        return "stopped"

    sizes = {shard: len(found) for shard, found in by_shard.items()}
    started = time.monotonic()
    with pytest.raises(BuildCancelled):
        search.index_shards(sizes, read, ahead={0: made_ahead}, cancel=cancel)
    assert time.monotonic() - started < 10
    released.set()


# -- Pagefind missing, failing, hanging --------------------------------------------------


def fake_pagefind(tmp_path: Path, script: str) -> str:
    path = tmp_path / "pagefind"
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_pagefind_binary_path_names_the_pagefind_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = search.pagefind_executable()
    log = tmp_path / "ran"
    monkeypatch.setenv(
        "PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, f'echo "$@" > {log}\nexec {real} "$@"')
    )
    assert records(build_search_index(inputs_of(PAGES))).keys() == {
        "/",
        "/a/",
        "/b/",
        "/c/",
        "/d.html",
    }
    assert log.read_text(encoding="utf-8").split() == ["--service"]


def test_without_pagefind_the_problem_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "pagefind_executable", lambda: None)
    problem = build_search_index(inputs_of(PAGES))
    assert isinstance(problem, Problem)
    assert "needs Pagefind" in problem.message and "pip install 'pagefind[bin]'" in problem.hint


def test_a_pagefind_that_cannot_start_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere"))
    problem = build_search_index(inputs_of(PAGES))
    assert isinstance(problem, Problem)
    assert problem.message == "Pagefind could not build the search index"
    assert "nowhere" in problem.hint


@pytest.mark.parametrize(
    ("script", "hints"),
    [
        ("echo 'out of cheese' >&2\nexit 3", ["stopped before it was done", "out of cheese"]),
        ("printf 'not json,'\ncat >/dev/null", ["answer could not be read"]),
    ],
    ids=["fails, saying why", "answers nonsense"],
)
def test_a_pagefind_that_goes_wrong_is_a_problem_saying_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, hints: list[str]
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, script))
    problem = build_search_index(inputs_of(PAGES))
    assert isinstance(problem, Problem)
    assert problem.message == "Pagefind could not build the search index"
    assert all(hint in problem.hint for hint in hints)


def test_a_pagefind_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, "exec sleep 60"))
    monkeypatch.setattr(pagefind_service, "TIMEOUT_SECONDS", 0.5)
    problem = build_search_index(inputs_of(PAGES))
    assert isinstance(problem, Problem)
    assert "took longer than 0.5 s" in problem.hint


def test_the_pagefind_binary_is_the_one_pagefind_itself_would_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pagefind.service import get_executable

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    assert search.pagefind_executable() == get_executable()


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no process priorities here")
def test_pagefind_runs_below_the_build_so_that_the_pages_come_first() -> None:
    """While a build renders the pages a reader waits for (serve's reload), Pagefind
    indexes those rendered before: on a core both want, the build's work comes first."""
    service = PagefindService(search.pagefind_executable() or Path("pagefind"))
    own = os.getpriority(os.PRIO_PROCESS, 0)
    seen: list[int] = []

    def more() -> list[tuple[str, str]]:
        assert service.process is not None
        seen.append(os.getpriority(os.PRIO_PROCESS, service.process.pid))
        return inputs_of(PAGES)[1:]

    made = service.index(inputs_of(PAGES)[:1], more)
    assert isinstance(made, dict) and made
    assert seen == [min(own + pagefind_service.NICENESS, 19)]
