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
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from . import schema
from .anchor import Ambiguous, Found, NotFound, SeedIndex
from .errors import Location, Problems, did_you_mean
from .fields import Reader, is_null
from .load import RawProject, YamlFile
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
)
from .seeds import Seed, SeedDecodeError, parse_seed

SLUG_PATTERN = re.compile(r"[a-z0-9-]+")
PLACEHOLDER_URL = "https://example.invalid/"
EXCERPT_LENGTH = 160


def tag_slug(name: str) -> str:
    """FORMAT.md's tag slug: lower case, each run of non-letters/digits one '-', trimmed."""
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", name).lower()).strip("-")


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1] + "…"


@dataclass
class SeedLibrary:
    """The project's seeds, each parsed and indexed once however many articles use it."""

    files: dict[str, bytes]
    outside: frozenset[str]
    labels: tuple[str, ...]
    parsed: dict[str, Seed | SeedDecodeError] = field(default_factory=dict)
    indexes: dict[str, SeedIndex] = field(default_factory=dict)

    def seed(self, name: str) -> Seed | SeedDecodeError:
        if name not in self.parsed:
            try:
                self.parsed[name] = parse_seed(name, self.files[name], self.labels)
            except SeedDecodeError as error:
                self.parsed[name] = error
        return self.parsed[name]

    def index(self, seed: Seed) -> SeedIndex:
        if seed.name not in self.indexes:
            self.indexes[seed.name] = SeedIndex(seed.text, seed.body_start)
        return self.indexes[seed.name]


def read_site_config(file: YamlFile | None, problems: Problems) -> SiteConfig:
    fallback = SiteConfig(title="", base_url=PLACEHOLDER_URL)
    if file is None or not file.readable:
        return fallback
    if file.root is None:
        problems.error(Location(file.path), "site.yaml is empty", "it needs title and base_url")
        return fallback
    values = Reader(file.path, problems).fields(file.root, schema.SITE, "site.yaml")
    if values is None or "title" not in values or "base_url" not in values:
        return fallback
    base_url = values.pop("base_url")
    labels = tuple(values.pop("labels", ()))
    return SiteConfig(
        base_url=base_url if base_url.endswith("/") else base_url + "/", labels=labels, **values
    )


def read_sources(file: YamlFile | None, problems: Problems) -> dict[str, Source]:
    if file is None or not file.readable or file.root is None:
        return {}
    reader = Reader(file.path, problems)
    entries = reader.entries(file.root, "sources.yaml")
    sources: dict[str, Source] = {}
    for entry in entries or ():
        source_id = reader.identifier(entry.key_node, entry.key, "the source id")
        values = reader.fields(entry.value, schema.SOURCE, f"source '{entry.key}'")
        if source_id is None or values is None or "name" not in values:
            continue
        sources[source_id] = Source(id=source_id, **values)
    return sources


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
        sources: dict[str, Source],
        library: SeedLibrary,
        problems: Problems,
    ) -> None:
        self.file = file
        self.sources = sources
        self.library = library
        self.problems = problems
        self.reader = Reader(file.path, problems)
        self.seeds: dict[str, Seed] = {}  # article id -> its seed, for articles whose seed reads
        self.declared: set[str] = set()  # every article id the file gives, valid or not

    def read(self) -> Story | None:
        file, reader = self.file, self.reader
        slug = file.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        if not SLUG_PATTERN.fullmatch(slug):
            self.problems.error(
                Location(file.path),
                f"'{slug}' is not a valid story slug",
                f"rename the file: slugs use only a-z, 0-9 and '-', as {tag_slug(slug) or 'story'}.yaml",
            )
        if not file.readable:
            return None
        if file.root is None:
            self.problems.error(Location(file.path), "the story file is empty")
            return None
        values = reader.fields(file.root, schema.STORY, "the story")
        if values is None:
            return None
        date = values.get("date")
        articles = self.articles(values.get("articles"), date)
        ids = [article.id for article in articles]
        highlights = self.highlights(values.get("highlights"), ids)
        comparisons = self.comparisons(values.get("comparisons"), ids)
        if "title" not in values or date is None or not articles:
            return None
        return Story(
            slug=slug,
            title=values["title"],
            date=date,
            summary=values.get("summary", ""),
            tags=self.tags(values.get("tags", [])),
            articles=tuple(articles),
            highlights=tuple(highlights),
            comparisons=tuple(comparisons),
            location=reader.at(file.root),
        )

    def items(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None or is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.reader.error(node, f"'{what}' must be a list of mappings, each item starting '- '")
            return []
        return list(node.value)

    def tags(self, names: list[str]) -> tuple[Tag, ...]:
        tags: dict[str, Tag] = {}
        for name in names:
            slug = tag_slug(name)
            if slug:
                tags.setdefault(slug, Tag(name, slug))
            else:
                self.problems.error(
                    self.reader.at(self.file.root) if self.file.root else Location(self.file.path),
                    f"tag '{name}' has no letters or digits, so it can have no page",
                )
        return tuple(tags.values())

    def articles(self, node: yaml.Node | None, story_date: datetime.date | None) -> list[Article]:
        articles: list[Article] = []
        seen: dict[str, Location] = {}
        items = self.items(node, "articles")
        if node is not None and not items and isinstance(node, yaml.SequenceNode | yaml.ScalarNode):
            self.reader.error(node, "a story needs at least one article")
        for item in items:
            values = self.reader.fields(item, schema.ARTICLE, "an article")
            if values is None:
                continue
            article_id = values.get("id")
            if article_id in seen:
                self.reader.error(
                    item,
                    f"article id '{article_id}' is used twice in this story",
                    f"the first is on line {seen[article_id].line}; give each article its own id",
                )
                continue
            if article_id:
                seen[article_id] = self.reader.at(item)
                self.declared.add(article_id)
            seed = self.seed(item, values.get("seed"))
            source = values.get("source")
            if source is not None and source not in self.sources:
                self.unknown_source(item, "source", source)
                source = None
            for cited in values.get("cites", []):
                if cited not in self.sources:
                    self.unknown_source(item, "cites", cited)
            if article_id is None or seed is None or source is None:
                continue
            self.seeds[article_id] = seed
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
                    language=seed.header.get("language", ""),
                )
            )
        return articles

    def unknown_source(self, item: yaml.Node, key: str, source: str) -> None:
        node = value_node(item, key)
        hint = did_you_mean(source, self.sources) or "add it to content/sources.yaml"
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
        if isinstance(seed, SeedDecodeError):
            self.reader.error(
                node,
                f"seeds/{name} is not valid UTF-8 (byte {seed.byte_offset})",
                "re-save the scraped text as UTF-8",
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
        result = self.library.index(seed).find(quote, prefix, suffix)
        if isinstance(result, Found):
            return Span(result.start, result.end)
        where = f"seeds/{seed.name}"
        if isinstance(result, NotFound):
            hint = ""
            if result.closest:
                start, end = result.closest
                if result.differs_in_case:
                    hint = f"the seed has it with other capitals, line {seed.line_of(start)}: "
                else:
                    hint = f"closest passage, line {seed.line_of(start)}: "
                hint += f"“{excerpt(seed.text[start:end])}”"
            self.reader.error(
                node, f"the quote is not in {where} (article '{article_id}')", hint
            )
            return None
        assert isinstance(result, Ambiguous)
        lines = ", ".join(str(seed.line_of(start)) for start, _ in result.spans)
        count = len(result.spans)
        if result.context_given:
            message = f"the quote occurs {count} times in {where} (lines {lines}) and its prefix/suffix do not pick one"
        else:
            message = f"the quote occurs {count} times in {where} (lines {lines})"
        self.reader.error(node, message, self.context_hint(seed, result.spans))
        return None

    def context_hint(self, seed: Seed, spans: tuple[tuple[int, int], ...]) -> str:
        """Suggest a prefix for each occurrence: the few words right before it."""
        lines = ["add a prefix (text right before the quote) that picks one:"]
        for start, _ in spans[:5]:
            before = seed.text[max(seed.body_start, start - 40) : start]
            words = " ".join(before.split()[-4:])
            lines.append(f'  line {seed.line_of(start)}: prefix: "{words} "')
        return "\n".join(lines)

    def highlights(self, node: yaml.Node | None, article_ids: list[str]) -> list[Highlight]:
        highlights = []
        for number, item in enumerate(self.items(node, "highlights"), start=1):
            values = self.reader.fields(item, schema.HIGHLIGHT, "a highlight")
            if values is None:
                continue
            article_id = self.known_article(
                value_node(item, "article"), values.get("article"), article_ids
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
                    location=self.reader.at(item),
                )
            )
        return highlights

    def known_article(self, node: yaml.Node, article_id: str | None, ids: list[str]) -> str | None:
        """The article id if it names a valid article; reported if it names none at all."""
        if article_id is None or article_id in ids:
            return article_id
        if article_id not in self.declared:
            hint = did_you_mean(article_id, ids) or "articles of this story: " + ", ".join(ids)
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

    def passages(self, node: yaml.Node, article_ids: list[str]) -> tuple[Passage, ...] | None:
        entries = self.reader.entries(node, "'passages'")
        if entries is None:
            return None
        if len(entries) < 2:
            self.reader.error(
                node,
                "a comparison needs passages of at least two articles",
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


def read_digest(file: YamlFile, story_slugs: set[str], problems: Problems) -> Digest | None:
    reader = Reader(file.path, problems)
    slug = file.path.rsplit("/", 1)[-1].removesuffix(".yaml")
    if not SLUG_PATTERN.fullmatch(slug):
        problems.error(
            Location(file.path),
            f"'{slug}' is not a valid digest slug",
            "rename the file: slugs use only a-z, 0-9 and '-'",
        )
    if not file.readable:
        return None
    if file.root is None:
        problems.error(Location(file.path), "the digest file is empty")
        return None
    values = reader.fields(file.root, schema.DIGEST, "the digest")
    if values is None:
        return None
    stories_node = value_node(file.root, "stories")
    for story in values.get("stories", []):
        if story not in story_slugs:
            hint = did_you_mean(story, story_slugs) or "name a file of content/stories/ without .yaml"
            reader.error(stories_node, f"there is no story '{story}'", hint)
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
    names = {
        slug: min(counts, key=lambda name: (-counts[name], name))
        for slug, counts in spellings.items()
    }
    return [
        replace(story, tags=tuple(Tag(names[tag.slug], tag.slug) for tag in story.tags))
        for story in stories
    ]


def validate(raw: RawProject, problems: Problems) -> Site | None:
    """The validated site, or None when any error was reported."""
    config = read_site_config(raw.site, problems)
    sources = read_sources(raw.sources, problems)
    library = SeedLibrary(
        files=raw.seeds,
        outside=raw.seeds_outside,
        labels=schema.DEFAULT_LABELS + config.labels,
    )
    stories = [
        story
        for file in raw.stories
        if (story := StoryReader(file, sources, library, problems).read()) is not None
    ]
    slugs = {file.path.rsplit("/", 1)[-1].removesuffix(".yaml") for file in raw.stories}
    digests = [
        digest
        for file in raw.digests
        if (digest := read_digest(file, slugs, problems)) is not None
    ]
    if problems.has_errors:
        return None
    return Site(
        config=config,
        sources=sources,
        stories=tuple(sorted(unify_tags(stories), key=lambda s: (-s.date.toordinal(), s.slug))),
        digests=tuple(sorted(digests, key=lambda d: (-d.date.toordinal(), d.slug))),
    )
