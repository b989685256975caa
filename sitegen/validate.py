"""From the raw project to the validated `Site`, reporting every problem on the way.

Each reader takes the YAML nodes of one file and returns model values, or
None where the content is wrong, after adding a `Problem` with the file, line
and a hint. Quotes are anchored to their seeds here, since a quote that is not
in its seed is a content error like any other.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from . import schema
from .anchor import SeedIndex, fold_quote
from .errors import Location, Problem, Problems, did_you_mean
from .fields import NODE_NAMES, Reader, is_null
from .fingerprint import content_digest
from .load import RawProject, YamlFile, read_unparsed
from .model import (
    Article,
    Comparison,
    Digest,
    Highlight,
    Passage,
    Site,
    SiteConfig,
    Source,
    Span,
    Story,
    Tag,
    Unrelated,
)
from .parallel import in_story_order, worker_count
from .quote_checks import Quote, check_quote
from .seeds import Seed, SeedDecodeError, parse_seed
from .story_cache import Entry, StoryCache, kept_story, new_entry, story_key
from .yaml_source import parse_yaml

SLUG_PATTERN = re.compile(r"[a-z0-9-]+")
RATED_KINDS = ("claim", "disputed")  # the kinds a fact-check rating (ClaimReview) applies to
PLACEHOLDER_URL = "https://example.invalid/"


def tag_slug(name: str) -> str:
    """FORMAT.md's tag slug: lower case, each run of non-letters/digits one '-', trimmed."""
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", name).lower()).strip("-")


@dataclass
class SeedLibrary:
    """The project's seeds, each parsed and indexed once however many articles use it."""

    files: Mapping[str, bytes]
    outside: frozenset[str]
    labels: tuple[str, ...]
    # The digest of each seed's bytes, where known already (the build's fingerprint).
    digests: Mapping[str, str] = field(default_factory=dict)
    parsed: dict[str, Seed | SeedDecodeError | OSError] = field(default_factory=dict)
    indexes: dict[str, SeedIndex] = field(default_factory=dict)
    # Quotes (folded) that matched each seed word for word in an earlier build, and now.
    once_matched: dict[str, frozenset[str]] = field(default_factory=dict)
    matched_now: dict[str, set[str]] = field(default_factory=dict)

    def seed(self, name: str) -> Seed | SeedDecodeError | OSError:
        """The seed, or why it cannot be used: bytes that are not UTF-8, or a file that
        cannot be read."""
        if name not in self.parsed:
            try:
                self.parsed[name] = parse_seed(name, self.files[name], self.labels)
            except (SeedDecodeError, OSError) as error:
                self.parsed[name] = error
        return self.parsed[name]

    def digest(self, name: str) -> str:
        """The digest of a seed's bytes (fingerprint.content_digest), without parsing it."""
        known = self.digests.get(name)
        if known is not None:
            return known
        try:
            return content_digest(self.files[name])
        except OSError as error:
            return f"unreadable: {error.errno}"

    def index(self, seed: Seed) -> SeedIndex:
        if seed.name not in self.indexes:
            self.indexes[seed.name] = SeedIndex(seed.text, seed.body_start)
        return self.indexes[seed.name]


def read_site_config(
    file: YamlFile | None, themes: frozenset[str], problems: Problems
) -> SiteConfig:
    fallback = SiteConfig(title="", base_url=PLACEHOLDER_URL)
    if file is None or not file.readable:
        return fallback
    if file.root is None:
        problems.error(
            Location.whole_file(file.path),
            "site.yaml is empty",
            "give it at least:\n  title: My digest\n  base_url: https://example.org/digest/",
        )
        return fallback
    reader = Reader(file.path, problems)
    values = reader.fields(file.root, schema.SITE, "site.yaml")
    if values is None:
        return fallback
    theme = values.get("theme")
    if theme is not None and theme not in themes:
        hint = did_you_mean(theme, themes) or "themes you can use: " + ", ".join(sorted(themes))
        node = value_node(file.root, "theme")
        reader.error(node, f"there is no theme '{theme}' in themes/", hint)
    if "cname" in values:
        values["cname"] = read_cname(
            reader, value_node(file.root, "cname"), values["cname"], values.get("base_url")
        )
    if "title" not in values or "base_url" not in values:
        return fallback
    base_url = values.pop("base_url")
    labels = tuple(values.pop("labels", ()))
    return SiteConfig(
        base_url=base_url if base_url.endswith("/") else base_url + "/", labels=labels, **values
    )


DOMAIN_PATTERN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")


def read_cname(reader: Reader, node: yaml.Node, text: str, base_url: str | None) -> str:
    """The custom domain of `cname:`, lower case, or '' after reporting why it is not one.

    GitHub Pages reads a bare host name from CNAME: no scheme, no path, no port.
    """
    domain = text.strip().lower()
    if not DOMAIN_PATTERN.fullmatch(domain):
        bare = urlsplit(domain if "//" in domain else "//" + domain).hostname or ""
        hint = f"write only the domain: cname: {bare}" if bare else "such as news.example.org"
        reader.error(node, f"'cname' of site.yaml must be a domain name, not '{text}'", hint)
        return ""
    if base_url and urlsplit(base_url).hostname != domain:
        # Pages serves the site at the custom domain's root; the feed, the sitemap and
        # the canonical links would still name base_url.
        reader.problems.warning(
            reader.at(node),
            f"cname is {domain} but base_url is {base_url}: "
            "feed, sitemap and canonical links will point at base_url",
            f"set base_url: https://{domain}/ (the Pages workflow passes it with --base-url)",
        )
    return domain


def read_sources(file: YamlFile | None, problems: Problems) -> dict[str, Source] | None:
    """The sources by id, or None when sources.yaml could not be read as a mapping.

    None (unlike an empty mapping) tells the stories not to check their sources,
    since the problem with sources.yaml is reported already.
    """
    if file is None or not file.readable:
        return None
    if file.root is None:
        return {}  # no sources yet: each article that names one is reported
    reader = Reader(file.path, problems)
    entries = reader.entries(file.root, "sources.yaml")
    if entries is None:
        return None
    sources: dict[str, Source] = {}
    for entry in entries:
        source_id = reader.identifier(entry.key_node, entry.key, "the source id")
        values = reader.fields(entry.value, schema.SOURCE, f"source '{entry.key}'")
        if source_id is None or values is None or "name" not in values:
            continue
        sources[source_id] = Source(id=source_id, **values)
    return sources


def item_node(sequence: yaml.Node, text: str) -> yaml.Node:
    """The first item of a sequence node that reads `text`, for pointing errors at it."""
    if isinstance(sequence, yaml.SequenceNode):
        for item in sequence.value:
            if isinstance(item, yaml.ScalarNode) and item.value.strip() == text:
                return item
    return sequence


def value_node(mapping: yaml.Node, key: str) -> yaml.Node:
    """The value node of a key of a mapping node, for pointing errors at it."""
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value  # type: ignore[no-any-return]
    return mapping


def seed_problem(name: str, library: SeedLibrary) -> tuple[str, str] | None:
    """What is wrong with a `seed:` value, as (message, hint), or None if it names a seed."""
    if name.startswith(("/", "\\")) or ".." in name.split("/") or "\\" in name or ":" in name:
        return (
            f"seed '{name}' is not a file name inside seeds/",
            "name a file of the seeds/ folder, as 000_add1d8741fb8f83b.txt",
        )
    if name in library.outside:
        return (f"seeds/{name} links to a file outside seeds/", "copy the file into seeds/")
    if name not in library.files:
        return (
            f"there is no seed '{name}' in seeds/",
            did_you_mean(name, library.files) or "put the article's text in seeds/ first",
        )
    return None


class StoryReader:
    """Reads one story file into a `Story`, anchoring every quote."""

    def __init__(
        self,
        file: YamlFile,
        sources: dict[str, Source] | None,
        library: SeedLibrary,
        problems: Problems,
    ) -> None:
        self.file = file
        self.sources = sources  # None when sources.yaml is unreadable: sources go unchecked
        self.library = library
        self.problems = problems
        self.reader = Reader(file.path, problems)
        self.seeds: dict[str, Seed] = {}  # article id -> its seed, for articles whose seed reads
        # Every article id the file gives as text, valid or not, so that highlights
        # naming an article whose own entry is wrong do not add a second error.
        self.declared: set[str] = set()
        self.ids_complete = True  # False when an article has no id: names then go unchecked
        self.exact: dict[str, set[str]] = {}  # per seed, the quotes that matched word for word

    def read(self) -> Story | None:
        file, reader = self.file, self.reader
        slug = file.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        if not SLUG_PATTERN.fullmatch(slug):
            self.problems.error(
                Location.whole_file(file.path),
                f"'{slug}' is not a valid story slug",
                "rename the file: slugs use only a-z, 0-9 and '-', "
                f"as {tag_slug(slug) or 'story'}.yaml",
            )
        if not file.readable:
            return None
        if file.root is None:
            self.problems.error(
                Location.whole_file(file.path),
                "the story file is empty",
                "give it at least title, date and articles, or delete the file",
            )
            return None
        values = reader.fields(file.root, schema.STORY, "the story")
        if values is None:
            return None
        date = values.get("date")
        articles = self.articles(values.get("articles"), date)
        ids = [article.id for article in articles]
        highlights = self.highlights(values.get("highlights"), ids)
        comparisons = self.comparisons(values.get("comparisons"), ids)
        unrelated = self.unrelated(values.get("unrelated"), ids)
        if "title" not in values or date is None or not articles:
            return None
        return Story(
            slug=slug,
            title=values["title"],
            date=date,
            summary=values.get("summary", ""),
            tags=self.tags(values.get("tags", []), value_node(file.root, "tags")),
            articles=tuple(articles),
            highlights=tuple(highlights),
            comparisons=tuple(comparisons),
            unrelated=tuple(unrelated),
            location=reader.at(file.root),
        )

    def items(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None or is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.reader.error(
                node,
                f"'{what}' must be a list, not {NODE_NAMES[type(node)]}",
                "start each item on a line of its own with '- '",
            )
            return []
        return list(node.value)

    def tags(self, names: list[str], node: yaml.Node) -> tuple[Tag, ...]:
        tags: dict[str, Tag] = {}
        for name in names:
            slug = tag_slug(name)
            if slug:
                tags.setdefault(slug, Tag(name, slug))
            else:
                self.reader.error(
                    item_node(node, name),
                    f"tag '{name}' has no letters or digits, so it can have no page",
                    "name the tag with at least one letter or digit",
                )
        return tuple(tags.values())

    def articles(self, node: yaml.Node | None, story_date: datetime.date | None) -> list[Article]:
        articles: list[Article] = []
        seen: dict[str, Location] = {}
        items = self.items(node, "articles")
        if node is not None and not items and isinstance(node, yaml.SequenceNode | yaml.ScalarNode):
            self.reader.error(
                node,
                "a story needs at least one article",
                "add one under 'articles:', as '- id: ...' with its seed and source",
            )
        for item in items:
            values = self.reader.fields(item, schema.ARTICLE, "an article")
            if values is None:
                continue
            id_node = value_node(item, "id")
            if isinstance(id_node, yaml.ScalarNode) and id_node is not item:
                self.declared.add(id_node.value.strip())
            else:
                self.ids_complete = False
            article_id = values.get("id")
            if article_id in seen:
                self.reader.error(
                    id_node,
                    f"article id '{article_id}' is used twice in this story",
                    f"the first is on line {seen[article_id].line}; give each article its own id",
                )
                continue
            if article_id:
                seen[article_id] = self.reader.at(id_node)
            seed = self.seed(item, values.get("seed"))
            source = values.get("source")
            if source is not None and self.sources is not None and source not in self.sources:
                self.unknown_source(value_node(item, "source"), source)
                source = None
            for cited in values.get("cites", []):
                if self.sources is not None and cited not in self.sources:
                    self.unknown_source(item_node(value_node(item, "cites"), cited), cited)
            if article_id is None or seed is None or source is None:
                continue
            self.seeds[article_id] = seed
            omit = self.omissions(values.get("omit"), article_id)
            date = values.get("date") or seed.date or story_date
            if date is None:
                continue
            articles.append(
                Article(
                    id=article_id,
                    seed=seed,
                    source=source,
                    date=date,
                    title=values.get("title", ""),
                    url=values.get("url") or seed.header.get("url", ""),
                    cites=tuple(values.get("cites", ())),
                    language=values.get("language") or seed.header.get("language", ""),
                    omit=omit,
                )
            )
        return articles

    def unknown_source(self, node: yaml.Node, source: str) -> None:
        sources = self.sources or {}
        hint = did_you_mean(source, sources) or (
            f"add '{source}' to content/sources.yaml, or name one of: " + ", ".join(sources)
        )
        self.reader.error(node, f"'{source}' is not a source of content/sources.yaml", hint)

    def seed(self, item: yaml.Node, name: str | None) -> Seed | None:
        if name is None:
            return None
        node = value_node(item, "seed")
        problem = seed_problem(name, self.library)
        if problem:
            self.reader.error(node, *problem)
            return None
        seed = self.library.seed(name)
        if isinstance(seed, OSError):
            self.reader.error(
                node,
                f"seeds/{name} cannot be read: {seed.strerror or seed}",
                f"make it readable (chmod u+r seeds/{name})",
            )
            return None
        if isinstance(seed, SeedDecodeError):
            data = self.library.files[name]
            line = data[: seed.byte_offset].count(b"\n") + 1
            self.reader.error(
                node,
                f"seeds/{name} is not valid UTF-8: byte {seed.byte_offset} "
                f"(line {line} of the seed) is 0x{data[seed.byte_offset]:02X}",
                "re-save the scraped text as UTF-8 (it was likely saved as Latin-1 "
                "or Windows-1252)",
            )
            return None
        return seed

    def anchor(
        self, node: yaml.Node, article_id: str, quote: str, prefix: str, suffix: str
    ) -> Span | None:
        """The span of the seed that a quote names, or None after reporting why not."""
        seed = self.seeds.get(article_id)
        if seed is None:
            return None
        outcome = check_quote(
            Quote(self.reader.at(node), article_id, quote, prefix, suffix),
            seed,
            self.library.index(seed),
            self.library.once_matched.get(seed.name, frozenset()),
        )
        self.problems.extend(outcome.problems)
        if outcome.exact:
            self.exact.setdefault(seed.name, set()).add(fold_quote(quote))
            self.library.matched_now.setdefault(seed.name, set()).add(fold_quote(quote))
        return outcome.span

    def highlights(self, node: yaml.Node | None, article_ids: list[str]) -> list[Highlight]:
        highlights = []
        for number, item in enumerate(self.items(node, "highlights"), start=1):
            values = self.reader.fields(item, schema.HIGHLIGHT, "a highlight")
            if values is None:
                continue
            article_id = self.known_article(
                value_node(item, "article"), values.get("article"), article_ids
            )
            rating = values.get("rating", "")
            if rating and values.get("kind", "quote") not in RATED_KINDS:
                self.reader.error(
                    value_node(item, "rating"),
                    "a rating is given only to a claim or a disputed highlight; "
                    f"this one is a {values.get('kind', 'quote')}",
                    "set 'kind: claim' or 'kind: disputed', or remove the rating",
                )
            if article_id is None or "quote" not in values:
                continue
            span = self.anchor(
                value_node(item, "quote"),
                article_id,
                values["quote"],
                values.get("prefix", ""),
                values.get("suffix", ""),
            )
            if span is None:
                continue
            highlights.append(
                Highlight(
                    id=f"h{number}",
                    number=number,
                    article=article_id,
                    span=span,
                    kind=values.get("kind", "quote"),
                    speaker=values.get("speaker", ""),
                    note=values.get("note", ""),
                    rating=rating,
                    location=self.reader.at(item),
                )
            )
        return highlights

    def known_article(self, node: yaml.Node, article_id: str | None, ids: list[str]) -> str | None:
        """The article id if it names a valid article; reported if it names none at all."""
        if article_id is None or article_id in ids:
            return article_id
        # With no articles, or one without an id (which may be the one meant), the
        # articles' own problem is reported already.
        if self.ids_complete and self.declared and article_id not in self.declared:
            hint = did_you_mean(article_id, ids) or "articles of this story: " + ", ".join(
                sorted(self.declared)
            )
            self.reader.error(node, f"'{article_id}' is not an article of this story", hint)
        return None

    def comparisons(self, node: yaml.Node | None, article_ids: list[str]) -> list[Comparison]:
        comparisons = []
        for item in self.items(node, "comparisons"):
            values = self.reader.fields(item, schema.COMPARISON, "a comparison")
            if values is None or "passages" not in values:
                continue
            passages = self.passages(values["passages"], article_ids)
            if passages is not None and "title" in values:
                comparisons.append(
                    Comparison(
                        title=values["title"], passages=passages, note=values.get("note", "")
                    )
                )
        return comparisons

    def unrelated(self, node: yaml.Node | None, article_ids: list[str]) -> list[Unrelated]:
        """Passages the editor marks as not related: anchored like a comparison's."""
        marked = []
        for item in self.items(node, "unrelated"):
            values = self.reader.fields(item, schema.UNRELATED, "an item of 'unrelated'")
            if values is None or "passages" not in values:
                continue
            passages = self.passages(values["passages"], article_ids, "an item of 'unrelated'")
            if passages is not None:
                marked.append(Unrelated(passages=passages, note=values.get("note", "")))
        return marked

    def omissions(self, node: yaml.Node | None, article_id: str) -> tuple[Span, ...]:
        """The spans of `omit:`, each a quote or a mapping of quote, prefix and suffix."""
        spans = []
        for item in self.items(node, "omit"):
            values: dict[str, Any] | None
            if isinstance(item, yaml.MappingNode):
                values = self.reader.fields(item, schema.PASSAGE, "an item of 'omit'")
                quote_node = value_node(item, "quote")
            else:
                quote = self.reader.scalar(item, "an item of 'omit'")
                values = {"quote": quote} if quote and quote.strip() else None
                quote_node = item
            if not values or "quote" not in values:
                continue
            span = self.anchor(
                quote_node,
                article_id,
                values["quote"],
                values.get("prefix", ""),
                values.get("suffix", ""),
            )
            if span is not None:
                spans.append(span)
        return tuple(sorted(spans, key=lambda span: (span.start, span.end)))

    def passages(
        self, node: yaml.Node, article_ids: list[str], what: str = "a comparison"
    ) -> tuple[Passage, ...] | None:
        entries = self.reader.entries(node, "'passages'")
        if entries is None:
            return None
        if len(entries) < 2:
            self.reader.error(
                node,
                f"{what} needs passages of at least two articles",
                "write them as article id: quote, one per line",
            )
        passages = []
        for entry in entries:
            if self.known_article(entry.key_node, entry.key, article_ids) is None:
                continue
            values: dict[str, Any] | None
            if isinstance(entry.value, yaml.MappingNode):
                values = self.reader.fields(entry.value, schema.PASSAGE, f"passage '{entry.key}'")
                quote_node = value_node(entry.value, "quote")
            else:
                quote = self.reader.scalar(entry.value, f"passage '{entry.key}'")
                values = {"quote": quote} if quote and quote.strip() else None
                quote_node = entry.value
            if not values or "quote" not in values:
                continue
            span = self.anchor(
                quote_node,
                entry.key,
                values["quote"],
                values.get("prefix", ""),
                values.get("suffix", ""),
            )
            if span is not None:
                passages.append(Passage(entry.key, span))
        if len(passages) != len(entries) or len(entries) < 2:
            return None
        return tuple(passages)


def _kept_entry(
    file: YamlFile, library: SeedLibrary, cache: StoryCache, context: str
) -> Entry | None:
    """The cache's entry for this file, if the story's inputs are unchanged since."""
    unparsed = file.root is None and bool(file.digest) and file.readable
    entry = cache.entries.get(file.path) if unparsed else None
    if entry is None or _story_key(entry.seeds, file.digest, library, context) != entry.key:
        return None
    return entry


def _read_story_file(
    project: Path,
    file: YamlFile,
    sources: dict[str, Source] | None,
    library: SeedLibrary,
    problems: Problems,
    cache: StoryCache | None,
    context: str,
) -> Story | None:
    """A story read from its file and anchored; kept in `cache` if read without a problem."""
    unparsed = file.root is None and bool(file.digest) and file.readable
    if unparsed:  # left unparsed by load, yet not in the cache
        if file.text is None:
            file = read_unparsed(project, file, problems)
        before = len(problems)
        root = parse_yaml(file.path, file.text, problems) if file.text is not None else None
        readable = file.text is not None and len(problems) == before
        file = YamlFile(file.path, root, readable, file.text, file.digest)
    before = len(problems)
    reader = StoryReader(file, sources, library, problems)
    story = reader.read()
    if cache is not None and story is not None and file.digest and len(problems) == before:
        seeds = tuple(dict.fromkeys(article.seed.name for article in story.articles))
        key = _story_key(seeds, file.digest, library, context)
        cache.kept[file.path] = new_entry(seeds, key, story, reader.exact)
    return story


def _cached_story(entry: Entry, library: SeedLibrary) -> Story | None:
    """The story kept in `entry` (a _kept_entry); None for a damaged row."""

    def seed(name: str) -> Seed:
        found = library.seed(name)
        if not isinstance(found, Seed):
            raise ValueError(f"seed {name} does not read")
        return found

    kept = kept_story(entry, seed)
    if kept is None:
        return None
    story, matched = kept
    for name, quotes in matched.items():
        library.matched_now.setdefault(name, set()).update(quotes)
    return story


def _story_key(seeds: tuple[str, ...], file_digest: str, library: SeedLibrary, context: str) -> str:
    named = [(name, library.digest(name) if name in library.files else "missing") for name in seeds]
    return story_key(context, file_digest, named)


# What a worker gives back for a story file: the story (None after an error), its
# problems, its story cache entry (None when not kept) and the quotes that matched
# each seed word for word.
ReadStory = tuple[Story | None, list[Problem], Entry | None, dict[str, set[str]]]


def _read_stories(
    raw: RawProject,
    sources: dict[str, Source] | None,
    library: SeedLibrary,
    problems: Problems,
    cache: StoryCache | None,
    context: str,
    read_anew: Callable[[list[Story]], None] | None = None,
) -> list[Story | None]:
    """The story of each story file, in file order (None for a file with an error).

    Stories the cache keeps are taken here. The others are read and anchored on
    every core (parallel.in_story_order) where that pays: 5,000 stories took 15-20
    s of one core, the other idle. A worker's problems, cache entries and exact
    quotes come back with its stories, so the result is a serial validation's.
    Those are read first: when they read without a problem, `read_anew` is given them
    before the kept stories are decoded (a rebuild starts the search shards of
    their pages then, search_ahead).
    """
    found: list[Story | None] = [None] * len(raw.stories)
    kept: list[tuple[int, Entry]] = []
    to_read: list[int] = []
    for number, file in enumerate(raw.stories):
        entry = _kept_entry(file, library, cache, context) if cache is not None else None
        if entry is None:
            to_read.append(number)
        else:
            kept.append((number, entry))
    before = len(problems)
    _read_story_files(raw, to_read, sources, library, problems, cache, context, found)
    if read_anew is not None and len(problems) == before:
        read_anew([story for number in to_read if (story := found[number]) is not None])
    damaged = []
    for number, entry in kept:
        story = _cached_story(entry, library)
        if story is None:
            damaged.append(number)
            continue
        found[number] = story
        assert cache is not None, "entries come from the cache"
        cache.kept[raw.stories[number].path] = entry
        cache.reused += 1
    _read_story_files(raw, damaged, sources, library, problems, cache, context, found)
    return found


def _read_story_files(
    raw: RawProject,
    numbers: list[int],
    sources: dict[str, Source] | None,
    library: SeedLibrary,
    problems: Problems,
    cache: StoryCache | None,
    context: str,
    found: list[Story | None],
) -> None:
    """Read and anchor these story files, into `found` by number (_read_stories)."""
    jobs = worker_count(len(numbers))
    if jobs == 1:
        for number in numbers:
            file = raw.stories[number]
            found[number] = _read_story_file(
                raw.root, file, sources, library, problems, cache, context
            )
        return
    files = tuple(raw.stories[number] for number in numbers)
    shared = (raw.root, files, sources, library, cache is not None, context)
    with in_story_order(_story_reader, shared, len(files), jobs) as results:
        for number, (story, story_problems, entry, matched) in zip(numbers, results, strict=True):
            found[number] = story
            problems.extend(story_problems)
            if cache is not None and entry is not None:
                cache.kept[raw.stories[number].path] = entry
            for name, quotes in matched.items():
                library.matched_now.setdefault(name, set()).update(quotes)


def _story_reader(
    shared: tuple[Path, tuple[YamlFile, ...], dict[str, Source] | None, SeedLibrary, bool, str],
) -> Callable[[int], ReadStory]:
    """In a worker: what reads the i-th story file to read (parallel.in_story_order)."""
    project, files, sources, library, cached, context = shared

    def read(index: int) -> ReadStory:
        file = files[index]
        problems = Problems()
        cache = StoryCache() if cached else None
        library.matched_now = {}  # this story's only: the worker's library is its own copy
        story = _read_story_file(project, file, sources, library, problems, cache, context)
        entry = cache.kept.get(file.path) if cache is not None else None
        return story, list(problems), entry, library.matched_now

    return read


def read_digest(file: YamlFile, story_slugs: set[str], problems: Problems) -> Digest | None:
    reader = Reader(file.path, problems)
    slug = file.path.rsplit("/", 1)[-1].removesuffix(".yaml")
    if not SLUG_PATTERN.fullmatch(slug):
        problems.error(
            Location.whole_file(file.path),
            f"'{slug}' is not a valid digest slug",
            "rename the file: slugs use only a-z, 0-9 and '-', "
            f"as {tag_slug(slug) or 'digest'}.yaml",
        )
    if not file.readable:
        return None
    if file.root is None:
        problems.error(
            Location.whole_file(file.path),
            "the digest file is empty",
            "give it at least title, date and stories, or delete the file",
        )
        return None
    values = reader.fields(file.root, schema.DIGEST, "the digest")
    if values is None:
        return None
    stories_node = value_node(file.root, "stories")
    for story in values.get("stories", []):
        if story not in story_slugs:
            hint = did_you_mean(story, story_slugs) or "the stories are: " + ", ".join(
                sorted(story_slugs)
            )
            reader.error(
                item_node(stories_node, story),
                f"there is no story '{story}' in content/stories/",
                hint,
            )
    if {"title", "date", "stories"} - values.keys():
        return None
    return Digest(
        slug=slug,
        title=values["title"],
        date=values["date"],
        stories=tuple(values["stories"]),
        intro=values.get("intro", ""),
    )


def unify_tags(stories: list[Story]) -> list[Story]:
    """Give tags that share a slug one name everywhere: the spelling most stories use."""
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for story in stories:
        for tag in story.tags:
            spellings[tag.slug][tag.name] += 1
    # Ties go to the spelling written like the slug, then to the first in order.
    names = {
        slug: min(counts, key=lambda name: (-counts[name], tag_slug(name) != name, name))
        for slug, counts in spellings.items()
    }
    unified = []
    for story in stories:
        tags = tuple(Tag(names[tag.slug], tag.slug) for tag in story.tags)
        # Not replaced when unchanged: a story from the cache would be decoded for it.
        unified.append(story if tags == story.tags else story.with_tags(tags))
    return unified


def validate(
    raw: RawProject,
    problems: Problems,
    cache: StoryCache | None = None,
    context: str = "",
    file_digests: Mapping[str, str] | None = None,
    read_anew: Callable[[Site], None] | None = None,
) -> Site | None:
    """The validated site, or None when any error was reported.

    With `cache`, a story whose inputs are those of a story kept there is taken from
    it, and every story read without a problem is kept for the next build; `context`
    is the digest of what every story's validation depends on (sitegen, site.yaml,
    sources.yaml). `file_digests` gives the digest of the files already hashed (path in
    the project -> fingerprint.content_digest), so that no seed is read for it.
    `read_anew` is given the stories the cache did not hold, once read (_read_stories),
    as a site of their own: with the site's settings and sources, and no other story.
    """
    config = read_site_config(raw.site, raw.themes, problems)
    sources = read_sources(raw.sources, problems)
    library = SeedLibrary(
        files=raw.seeds,
        outside=raw.seeds_outside,
        labels=schema.DEFAULT_LABELS + config.labels,
        once_matched=raw.anchor_record,
        digests={
            path.removeprefix("seeds/"): digest
            for path, digest in (file_digests or {}).items()
            if path.startswith("seeds/")
        },
    )
    told = None
    if read_anew is not None:
        site_told = read_anew

        def told(stories: list[Story]) -> None:
            site_told(Site(config, sources or {}, tuple(stories), digests=()))

    stories = [
        story
        for story in _read_stories(raw, sources, library, problems, cache, context, told)
        if story is not None
    ]
    slugs = {file.path.rsplit("/", 1)[-1].removesuffix(".yaml") for file in raw.stories}
    digests = [
        digest for file in raw.digests if (digest := read_digest(file, slugs, problems)) is not None
    ]
    if problems.has_errors:
        return None
    return Site(
        config=config,
        sources=sources or {},
        stories=tuple(sorted(unify_tags(stories), key=lambda s: (-s.date.toordinal(), s.slug))),
        digests=tuple(sorted(digests, key=lambda d: (-d.date.toordinal(), d.slug))),
        exact_quotes={name: frozenset(quotes) for name, quotes in library.matched_now.items()},
    )
