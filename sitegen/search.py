"""Full-text search: a Pagefind index of the rendered pages, made during the build.

Two steps, so that a build can keep the first one's result per page:

- `search_input(path, html)` (pagefind_reads) cuts a page down to what Pagefind
  reads of it: the elements marked `data-pagefind-body` without their
  `data-pagefind-ignore` parts, the `<html>` tag (its `lang` picks the index's
  language), the `<title>`, and from the rest of the page only what Pagefind takes
  a result's title, image, metadata, filters and sort keys from (`<h1>`, `<img>`,
  `data-pagefind-meta` and the like). A story page of the default theme shrinks to
  between a half and a quarter of itself: its coverage view is not indexed.
- `build_search_shards(inputs, count, only)` splits the pages into `count` shards by
  a stable hash of their path (`shard_of`) and gives each shard's pages to a Pagefind
  process in its service mode (pagefind_service), as many at once as there are
  CPUs, getting each shard's index back in memory: nothing is written to disk. A
  shard is a whole Pagefind bundle, in `pagefind/<k>/`, with a `shard.json` of
  sitegen's. Pages are added in path order, so the same pages give the same bytes.
  After a small edit a build re-makes only the shards whose `shard_key` changed
  (`only`); the others stay as they are. With several shards, the word bundles
  (`pagefind/words/<b>/`, see "Shards" below) are made along with them when asked
  for, each again only when the words of its letters changed (`words_keys`). The
  build calls `index_shards`, the same with each shard's pages read only when that
  shard's turn comes, so that the search inputs of the whole site are never in
  memory at once.

`shard_count` says how many shards a site of so many pages gets, and `shards_file`
is `pagefind/shards.json`, which lists the bundles; `build_search_index(inputs)`
makes every bundle and that file at once. Pagefind has no incremental mode, and
indexes one page after another (some 5.5 ms of CPU a story page): shards are what
lets a build use every core and re-index a part of the site.

Only the parts of pages marked `data-pagefind-body` are indexed (in the default
theme: each story's articles, highlights, notes and comparisons); a page without
one is not indexed at all. The theme's own small script (`static/search.js`) reads
`pagefind/shards.json`, loads the first bundle's `pagefind.js`, asks the word
bundles which shards can answer a query and merges those into one Pagefind
(`mergeIndex`), all by URLs relative to the site's root, and makes result links
relative to that root: search works under any base_url prefix and needs nothing but
the site itself (no CDN, no server code), and no page's bytes depend on the number
of shards.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import importlib
import json
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from .errors import BuildCancelled, Location, Problem
from .meanwhile import job_count
from .pagefind_reads import SearchInput, search_input
from .pagefind_service import PagefindService
from .search_order import in_order

SEARCH_FOLDER = "pagefind"
SHARDS_FILE = f"{SEARCH_FOLDER}/shards.json"
# Pagefind's ready-made interfaces and highlighter: the theme talks to pagefind.js
# directly, so these would only add 400 kB that no page loads.
UNUSED_FILES = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    }
)
# Shards: Pagefind takes some 5.5 ms of CPU per story page, plus 30 ms to start, and has
# no incremental mode: an edit re-indexes its page's shard whole. A site of over 200
# pages has shards of 100 to 200 pages (a story edit re-indexes one in some 0.9 s), a
# power of two of them, so that the count changes only when the site doubles (each
# change re-indexes every shard, as a full build does). A shard costs the reader only
# when a query needs it (the search page loads the shards the word bundles name, see
# "Shards" below): its entry, metadata and an index chunk, three small requests. A
# common word needs them all: at 5,000 stories, 32 shards showed the first results
# 1.44 s after the last key, the 16 shards of 400 pages that held the whole site's
# words 1.50 s, and 64 shards about a quarter longer than 32 (bench/RESULTS.md).
PAGES_PER_SHARD = 200
MAX_SHARDS = 32
CANCEL_POLL_SECONDS = 0.05  # how soon a cancelled build's Pagefind processes are stopped

Words: TypeAlias = Mapping[str, frozenset[str]]
"""Words of a page by language (see `page_words`)."""

ShardWords: TypeAlias = Mapping[int, Mapping[str, str]]
"""Words of a shard's pages by word bucket, then by language, sorted and space-separated
(see `shard_words`): what the word bundles are made of."""


@dataclass(frozen=True)
class SearchEntry:
    """What the index takes of one page: its search input, and its language and words."""

    input: SearchInput
    language: str
    # Sorted and space-separated: a build holds thousands of these, and one string is
    # a tenth of the memory of a set of words.
    words: str

    def word_sets(self) -> Words:
        return {self.language: frozenset(self.words.split())}


def search_entry(path: str, html: bytes) -> SearchEntry | None:
    """The page's `search_input` and `page_words`, or None for a page that is not indexed."""
    page = search_input(path, html)
    if page is None:
        return None
    return SearchEntry(page, _language(page), " ".join(sorted(_words(page))))


@dataclass(frozen=True)
class SearchIndex:
    files: dict[str, bytes]  # output path (under pagefind/) -> bytes


def pagefind_executable() -> Path | None:
    """The Pagefind binary PAGEFIND_BINARY_PATH names, else the one `pagefind[bin]` ships
    (the extended one first), else one on the PATH: as `pagefind.service.get_executable`
    finds it, without importing that module, which imports asyncio and ssl (60 ms of
    every build that indexes)."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named is not None:
        return Path(named)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            shipped = importlib.import_module(package)
        except ImportError:
            continue
        found: Path = shipped.get_executable()
        return found
    on_path = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(on_path) if on_path is not None else None


def index_site(site_files: Mapping[str, bytes]) -> SearchIndex | Problem:
    """The search index of the site's pages: `search_input` of each, then `build_search_index`."""
    inputs = [
        (path, page)
        for path, data in sorted(site_files.items())
        if (page := search_input(path, data)) is not None
    ]
    return build_search_index(inputs)


# -- the index -----------------------------------------------------------------------------


def shard_count(indexed_pages: int) -> int:
    """How many shards the index of a site with `indexed_pages` indexed pages gets.

    The smallest power of two that keeps shards to PAGES_PER_SHARD pages, at least 1
    and at most MAX_SHARDS: 1 up to 200 pages, 2 up to 400, 4 up to 800, and so on.
    """
    count = 1
    while count < MAX_SHARDS and indexed_pages > count * PAGES_PER_SHARD:
        count *= 2
    return count


def shard_of(path: str, count: int) -> int:
    """The shard (0 to count - 1) of the page at `path`: the same on every machine."""
    if count < 1:
        raise ValueError(f"a search index has at least 1 shard, not {count}")
    digest = hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def shard_folder(shard: int) -> str:
    """The output folder of a shard's Pagefind bundle, such as `pagefind/0/`."""
    return f"{SEARCH_FOLDER}/{shard}/"


def shards_file(count: int, word_buckets: int = 0) -> tuple[str, bytes]:
    """`pagefind/shards.json`: the bundle folders of the `count` shards, relative to it,
    and of the `word_buckets` word bundles (none with one shard).

    The theme's script reads it to know what to load, so no page depends on the count.
    """
    if count < 1:
        raise ValueError(f"a search index has at least 1 shard, not {count}")
    inside = f"{SEARCH_FOLDER}/"
    listed: dict[str, Any] = {
        "bundles": [shard_folder(shard).removeprefix(inside) for shard in range(count)]
    }
    if count > 1:
        listed["words"] = [
            _bundle_folder("words", bucket).removeprefix(inside) for bucket in range(word_buckets)
        ]
    return SHARDS_FILE, (json.dumps(listed) + "\n").encode("utf-8")


def build_search_index(inputs: Sequence[tuple[str, SearchInput]]) -> SearchIndex | Problem:
    """The search index of the pages (path, `search_input`), or why Pagefind could not make it.

    All of it: every shard (`shard_count` of them), the word bundles when there are
    several, and `shards_file`. The same pages give byte-identical files, in whatever
    order they come (what Pagefind 1.5 lists in hash order is put in order: search_order).
    """
    count = shard_count(len(inputs))
    made = build_search_shards(inputs, count)
    if isinstance(made, Problem):
        return made
    files = dict([shards_file(count, made.buckets)])
    for bundle in [*made.shards.values(), *made.words.values()]:
        files.update(bundle)
    return SearchIndex(dict(sorted(files.items())))


def build_search_shards(
    inputs: Sequence[tuple[str, SearchInput]],
    count: int,
    only: Collection[int] | None = None,
) -> Bundles | Problem:
    """Shards of the index of the pages (path, `search_input`): those in `only`, else all.

    Each shard is made of the pages that `shard_of` puts in it; `inputs` hold every page
    of the shards made. Without `only` (every shard made) and with more than one shard,
    every word bundle is made too, of the words of every shard (see "Shards" below).
    `index_shards` says what comes back. A shard's bytes are the same as long as its
    `shard_key` is.
    """
    pages = _pages_by_shard(inputs, count)
    words = None
    if only is None and count > 1:
        words = {
            shard: shard_words(page_words(page) for _, page in pages[shard])
            for shard in range(count)
        }
    sizes = {shard: len(shard_pages) for shard, shard_pages in pages.items()}
    return index_shards(sizes, pages.__getitem__, only, words)


@dataclass(frozen=True)
class Bundles:
    """The files of the Pagefind bundles a build made, by output path."""

    shards: dict[int, dict[str, bytes]]  # of each shard made (under pagefind/<k>/)
    words: dict[int, dict[str, bytes]]  # of each word bundle made (under pagefind/words/<b>/)
    buckets: int = 0  # how many word bundles the index has (`word_bucket_count`), words given


def index_shards(
    sizes: Mapping[int, int],
    read: Callable[[int], Sequence[tuple[str, SearchInput]]],
    only: Collection[int] | None = None,
    words: Mapping[int, ShardWords] | None = None,
    only_words: Collection[int] | None = None,
    ahead: Mapping[int, Callable[[], dict[str, bytes] | str]] | None = None,
    cancel: threading.Event | None = None,
) -> Bundles | Problem:
    """Shards of the index of a site of `len(sizes)` shards: those in `only`, else all.

    `sizes` gives the number of pages of each shard, and `read(k)` the pages of shard k
    to index (path, `search_input`), in path order: called for each shard made, when its
    turn comes, so that only the shards being made are in memory (from a thread of this
    process: `read` must allow it). With `words` (the `shard_words` of every shard) the
    word bundles are made too: those in `only_words`, else all (`word_bucket_count` of
    them). Gives each shard made its files (under `pagefind/<k>/`, `shard.json`
    included) and each word bundle made its own (under `pagefind/words/<b>/`, its
    `words.json` included), or the problem of the first bundle Pagefind failed on. As
    many Pagefind processes run at once as this process may use CPUs (or SITEGEN_JOBS
    says). A shard in `ahead` is not indexed here: its Pagefind files are what that
    callable gives (search_ahead), once it has them. When `cancel` is set, the Pagefind
    processes are stopped and BuildCancelled raised, without waiting for `ahead`'s.
    """
    count = len(sizes)
    jobs: dict[tuple[str, int], Callable[[], Sequence[tuple[str, SearchInput]]]] = {
        ("shard", shard): functools.partial(read, shard) for shard in _wanted(count, only)
    }
    buckets = 0
    if words is not None and count > 1:
        buckets = word_bucket_count(languages_of(words))
        for bucket in _wanted(buckets, only_words):
            jobs["words", bucket] = functools.partial(_word_pages, words, sizes, bucket, buckets)
    if not jobs:
        return Bundles({}, {}, buckets)
    executable = pagefind_executable()
    if executable is None:
        return Problem(
            Location(f"{SEARCH_FOLDER}/"),
            "the search index needs Pagefind, which is not installed",
            "install it with: python3 -m pip install 'pagefind[bin]'",
        )
    services = {job: PagefindService(executable) for job in jobs}
    # The biggest shards first, so that a small one does not hold up the last core.
    order = sorted(jobs, key=lambda job: (-sizes.get(job[1], 0) if job[0] == "shard" else 0, job))
    results: dict[tuple[str, int], dict[str, bytes] | str] = {}
    failed: tuple[str, int] | None = None

    def index(job: tuple[str, int]) -> dict[str, bytes] | str:
        kind, number = job
        if kind == "shard" and ahead is not None and number in ahead:
            return ahead[number]()
        return services[job].index(jobs[job]())

    pool = ThreadPoolExecutor(min(job_count(), len(jobs)))
    futures = {pool.submit(index, job): job for job in order}
    cancelled = False
    try:
        pending = set(futures)
        while pending and failed is None:
            poll = None if cancel is None else CANCEL_POLL_SECONDS
            done, pending = wait(pending, timeout=poll, return_when=FIRST_COMPLETED)
            if cancel is not None and cancel.is_set():
                cancelled = True
                raise BuildCancelled
            for future in done:
                job = futures[future]
                results[job] = future.result()
                if isinstance(results[job], str) and failed is None:
                    failed = job  # the build fails: the other bundles are not needed
    finally:
        # On a failure, a cancel or an interrupt, the bundles not done are not waited for.
        for future in futures:
            future.cancel()
        for service in services.values():
            service.stop()
        # Cancelled, a thread may wait on a shard made ahead, which its owner stops.
        pool.shutdown(wait=not cancelled)
    if failed is not None:
        return _failed(str(results[failed]), _bundle_folder(*failed))
    bundles = Bundles({}, {}, buckets)
    for job in sorted(jobs):
        files = results[job]
        assert isinstance(files, dict)
        kind, number = job
        if kind == "shard":
            files = _kept(files)
            files[SHARD_FILE] = (json.dumps({"pages": sizes[number]}) + "\n").encode("utf-8")
        else:
            files = _word_bundle_files(files)
        folder = _bundle_folder(kind, number)
        made = bundles.shards if kind == "shard" else bundles.words
        made[number] = {f"{folder}{name}": files[name] for name in sorted(files)}
    return bundles


def shard_key(pages: Sequence[tuple[str, str]]) -> str:
    """A digest of all that a shard's bytes depend on (but Pagefind's version).

    `pages` are the shard's, in path order, each with a digest of its search input (or
    of what the input is made from). A build that keeps each shard's key makes again
    only the shards whose key changed: those of the pages that changed.
    """
    return _digest(json.dumps(pages, ensure_ascii=False))


def words_keys(words: Mapping[int, ShardWords], buckets: int) -> dict[int, str]:
    """A digest of all that each of the `buckets` word bundles' bytes depend on (but
    Pagefind's version), given the words of every shard."""
    if buckets == 1:
        return {0: _digest(json.dumps(sorted(words.items()), ensure_ascii=False))}
    return {
        bucket: _digest(json.dumps([[shard, words[shard].get(bucket)] for shard in sorted(words)]))
        for bucket in range(buckets)
    }


def page_words(page: SearchInput) -> Words:
    """The words of a page's search input, under its language."""
    return {_language(page): _words(page)}


def shard_words(words: Iterable[Words]) -> ShardWords:
    """All the words of some pages, by the word bucket each is looked up in, then by language.

    A word goes in the bucket of its first letter, and of the first letter of each of its
    parts (after a hyphen, an apostrophe, a dot): Pagefind may index those parts too.
    """
    merged: dict[str, set[str]] = {}
    for some in words:
        for language, found in some.items():
            merged.setdefault(language, set()).update(found)
    buckets: dict[int, dict[str, list[str]]] = {}
    for language in sorted(merged):
        for word in sorted(merged[language]):
            for bucket in _buckets_of(word):
                buckets.setdefault(bucket, {}).setdefault(language, []).append(word)
    return {
        bucket: {language: " ".join(found) for language, found in by_language.items()}
        for bucket, by_language in sorted(buckets.items())
    }


def languages_of(words: Mapping[int, ShardWords]) -> frozenset[str]:
    """The languages of the pages of some shards, given their `shard_words`."""
    return frozenset(
        language for found in words.values() for some in found.values() for language in some
    )


def word_bucket_count(languages: Iterable[str]) -> int:
    """How many word bundles a site with pages in these languages gets: WORD_BUCKETS, or
    one when a language's stemmer may change the first letter of a word."""
    stemmed = {language.split("-")[0] for language in languages}
    return WORD_BUCKETS if stemmed <= _FIRST_LETTER_KEPT else 1


def _buckets_of(word: str) -> set[int]:
    if word.isalnum():
        return {bucket_of(word)}
    return {bucket_of(word), *(bucket_of(part.group()) for part in _PART_START.finditer(word))}


def bucket_of(word: str) -> int:
    """The word bucket of a word, by its first letter: what the search page computes of
    each word of a query (lowercased, its diacritics apart)."""
    return ord(unicodedata.normalize("NFD", word[:2])[0]) % WORD_BUCKETS


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _wanted(count: int, only: Collection[int] | None) -> list[int]:
    if count < 1:
        raise ValueError(f"a search index has at least 1 shard, not {count}")
    wanted = sorted(set(range(count) if only is None else only))
    if any(not 0 <= shard < count for shard in wanted):
        raise ValueError(f"shards {wanted} are not all among the {count} shards")
    return wanted


def _kept(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """A bundle's files as the site holds them: without Pagefind's ready-made interfaces,
    which no page loads, and with what Pagefind lists in hash order put in order
    (search_order)."""
    return in_order(
        {name: data for name, data in files.items() if name.split("/")[-1] not in UNUSED_FILES}
    )


def _bundle_folder(kind: str, number: int) -> str:
    return f"{WORDS_FOLDER}{number}/" if kind == "words" else shard_folder(number)


# -- Shards: the same matches as one index -------------------------------------------------
#
# Pagefind (1.5) matches a word of a query to the words of the index that start with it;
# when there are none, to the longest word of the index that the word starts with (that
# word only), so that "ankara" finds the pages that have "an". Merged shards each do that
# on their own: a shard that has no word starting with the query's would answer with its
# pages that have a word starting *it*, where one index of the site has none to give.
#
# So a site of several shards gets word bundles (pagefind/words/<b>/): Pagefind indexes
# whose pages are one per shard and language, holding the words of that shard's pages.
# All the words that a word of a query can match (those that start with it, or that it
# starts with) have its first letter, so the words are cut by first letter (diacritics
# apart) into WORD_BUCKETS buckets, a bundle each: the bundle of a query word's bucket is
# one index of every word of the site that the word can match, so it matches (or falls
# back) as one index of the site would, and the pages it finds are the shards in which
# the word matches what it matches in one index. The search page asks the bundle of each
# word of the query, then searches the shards every word was found in: each shard and
# each word bundle is merged in the browser with a filter of its number (Pagefind's
# mergeFilter, so no bundle's bytes hold a filter). `words.json` maps each page id of a
# word bundle to its shard.
#
# A shard's bytes depend on its own pages only, and a word bundle's on the words of its
# bucket: an edit re-makes its shard and the bundles of the words it brought or took away.
# Where a language's stemmer may change a word's first letter (Arabic, Indonesian and
# Irish take prefixes off, Serbian changes the alphabet, Turkish lowercases its own
# way), there is one word bundle of every word instead.

SHARD_FILE = "shard.json"  # in each shard: {"pages": N}
WORDS_FOLDER = f"{SEARCH_FOLDER}/words/"
WORDS_FILE = "words.json"  # in each word bundle: {"shards": {page id: shard}}
WORD_BUCKETS = 32
# Languages (by the first part of <html lang>) that Pagefind does not stem, or stems by
# taking suffixes off only ("" is a page without a language: not stemmed).
_FIRST_LETTER_KEPT = frozenset(
    {"", "cs", "da", "de", "en", "es", "fi", "fr", "hu", "it", "nl", "no", "nb", "nn", "pl"}
    | {"pt", "ro", "ru", "sv", "uk"}
)
_PART_START = re.compile(r"(?<=\W)\w")
_TAG = re.compile(r"<[^>]*>")
_HTML_LANG = re.compile(r"""<html\s[^>]*?\blang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# Attributes whose values Pagefind may index or search: image alt text, metadata.
_WORD_ATTRIBUTES = (
    "alt",
    "title",
    "content",
    "data-pagefind-meta",
    "data-pagefind-filter",
    "data-pagefind-sort",
)
_ATTRIBUTE_VALUE = re.compile(r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _pages_by_shard(
    inputs: Sequence[tuple[str, SearchInput]], count: int
) -> dict[int, list[tuple[str, SearchInput]]]:
    """The pages of each shard, in path order."""
    pages: dict[int, list[tuple[str, SearchInput]]] = {shard: [] for shard in range(count)}
    for path, page in sorted(inputs):
        pages[shard_of(path, count)].append((path, page))
    return pages


def _word_pages(
    words: Mapping[int, ShardWords], sizes: Mapping[int, int], bucket: int, buckets: int
) -> list[tuple[str, SearchInput]]:
    """The pages of word bundle `bucket` of `buckets`: one per shard with pages, and
    language of its pages, with the shard's words of that bucket (of all, with one)."""
    pages = []
    for shard in sorted(words):
        if not sizes[shard]:
            continue  # an empty shard is not loaded
        if buckets == 1:
            by_language: dict[str, set[str]] = {}
            for found in words[shard].values():
                for language, some in found.items():
                    by_language.setdefault(language, set()).update(some.split())
            texts = {language: " ".join(sorted(some)) for language, some in by_language.items()}
        else:
            texts = dict(words[shard].get(bucket, {}))
        for language, text in sorted(texts.items()):
            if text:
                pages.append(_word_page(bucket, shard, language, text))
    return pages


def _word_page(bucket: int, shard: int, language: str, words: str) -> tuple[str, SearchInput]:
    # No <title> or <h1>: their words would be the page's too.
    path = f"{WORDS_FOLDER}{bucket}/{shard}/{language or 'unknown'}/index.html"
    lang = f' lang="{html.escape(language)}"' if language else ""
    page = (
        f"<!doctype html>\n<html{lang}><head></head>"
        f"<body><div data-pagefind-body>{html.escape(words)}</div></body></html>\n"
    )
    return path, page


_WORD_PAGE_URL = re.compile(rb'"url":"/' + re.escape(WORDS_FOLDER.encode()) + rb"\d+/(\d+)/")


def _word_bundle_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """A word bundle's files to keep, with its `words.json`: the shard of each of its pages,
    by page id. Its pages' records (fragments) are left out: the search page needs their
    ids only, never what they hold."""
    shards = {}
    kept = {}
    for name, data in _kept(files).items():
        if name.startswith("fragment/") and name.endswith(".pf_fragment"):
            found = _WORD_PAGE_URL.search(gzip.decompress(data))
            if found is not None:
                page = name.removeprefix("fragment/").removesuffix(".pf_fragment")
                shards[page] = int(found.group(1))
        else:
            kept[name] = data
    kept[WORDS_FILE] = (json.dumps({"shards": dict(sorted(shards.items()))}) + "\n").encode()
    return kept


def _language(page: SearchInput) -> str:
    """The `lang` of the page's `<html>` element, lowercased as Pagefind does; "" without one."""
    found = _HTML_LANG.search(page)
    if found is None:
        return ""
    return next(value for value in found.groups() if value is not None).strip().lower()


def _words(page: SearchInput) -> frozenset[str]:
    """The page's words, lowercased, such as Pagefind could index or search them.

    More rather than fewer: the text with tags taken out both as spaces and as nothing
    (Pagefind joins the text of inline elements), and the values of the attributes it
    may read (alt text, metadata); edge punctuation is left out, as Pagefind drops it.
    Kept by the page's digest, as a build or `sitegen serve` asks again for most pages.
    """
    key = hashlib.blake2b(page.encode("utf-8"), digest_size=16).digest()
    if (known := _known_words.get(key)) is not None:
        return known
    text = _TAG.sub("\0", page)
    for name in _WORD_ATTRIBUTES:
        at = page.find(name)
        while at >= 0:
            after = at + len(name)
            if page[at - 1].isspace() and (value := _ATTRIBUTE_VALUE.match(page, after)):
                text += " " + (value.group(1) or value.group(2) or "")
            at = page.find(name, after)
    tokens = set(text.lower().split())
    found = {token for token in tokens if token.isalnum()}  # most of them: the quick way
    for token in tokens - found:
        # "\0" is where a tag was: "<b>Trump</b>'s" is both "trump's" and "trump", "'s".
        core = token.strip("\0")
        pieces = [core.replace("\0", ""), *core.split("\0")] if "\0" in core else [core]
        for piece in pieces:
            if "&" in piece:
                found.update(map(_without_punctuation, html.unescape(piece).split()))
            else:
                found.add(_without_punctuation(piece))
    found.discard("")
    if len(_known_words) >= _KNOWN_WORDS_LIMIT:
        _known_words.clear()
    _known_words[key] = result = frozenset(found)
    return result


_known_words: dict[bytes, frozenset[str]] = {}
_KNOWN_WORDS_LIMIT = 20_000  # pages; some 30 kB each


def _without_punctuation(word: str) -> str:
    """The word with the punctuation at its edges left out, as Pagefind leaves it out."""
    # str.strip looks each edge character up in all of its argument: the few ASCII marks
    # first, and the long Unicode list only when an edge is still punctuation (rarely).
    word = word.strip(_ASCII_PUNCTUATION)
    if word and (word[0] in _punctuation_set() or word[-1] in _punctuation_set()):
        word = word.strip(_punctuation())
    return word


_ASCII_PUNCTUATION = "!\"#%&'()*,-./:;?@[\\]{}"  # those of _punctuation()


@functools.cache
def _punctuation_set() -> frozenset[str]:
    return frozenset(_punctuation())


@functools.cache
def _punctuation() -> str:
    """The punctuation (Unicode P*, but connectors like `_`) that Pagefind leaves out of words."""
    return "".join(
        character
        for character in map(chr, range(0x10000))
        if unicodedata.category(character) in ("Pd", "Pe", "Pf", "Pi", "Po", "Ps")
    )


def _failed(output: str, folder: str) -> Problem:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return Problem(
        Location(folder),
        "Pagefind could not build the search index",
        "\n".join(lines[-10:]) or "Pagefind gave no reason",
    )
