"""The validated site: frozen values that the render stage turns into pages.

Everything here has been checked: ids are valid and resolve, every quote is
anchored to one span of its seed. Each value that came from a file keeps its
`Location`, for warnings raised after validation.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections import Counter
from dataclasses import dataclass, field

from .errors import Location
from .seeds import Seed

NOWHERE = Location("")


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    theme: str = "default"
    author: str = ""
    labels: tuple[str, ...] = ()
    page_size: int = 50
    feed_size: int = 50
    cname: str = ""  # a custom domain, written to CNAME


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    url: str = ""
    country: str = ""
    color: str = ""


@dataclass(frozen=True)
class Span:
    """A span of a seed's text: code point offsets, end exclusive, header included."""

    start: int
    end: int


@dataclass(frozen=True)
class Article:
    id: str
    seed: Seed
    source: str
    date: datetime.date
    title: str = ""
    url: str = ""
    cites: tuple[str, ...] = ()
    language: str = ""
    omit: tuple[Span, ...] = ()  # scraping debris: not shown as article text, not aligned


@dataclass(frozen=True)
class Highlight:
    id: str  # h1, h2 ... in the order of the story file: stable anchors on the page
    number: int
    article: str
    span: Span
    kind: str = "quote"
    speaker: str = ""
    note: str = ""
    rating: str = ""  # a fact-check verdict, only on claim and disputed highlights
    location: Location = NOWHERE


@dataclass(frozen=True)
class Passage:
    article: str
    span: Span


@dataclass(frozen=True)
class Comparison:
    title: str
    passages: tuple[Passage, ...]
    note: str = ""


@dataclass(frozen=True)
class Unrelated:
    """Passages the editor marks as not telling the same thing: never aligned together."""

    passages: tuple[Passage, ...]
    note: str = ""


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str


@dataclass(frozen=True)
class Outline:
    """What a build needs of every story, whether or not its page is rendered again:
    what lists are sorted, grouped and keyed by, and what a story card shows (the
    story cache decodes a story past it only when its own page is rendered)."""

    seeds: tuple[tuple[str, str], ...]  # (name, digest) of each seed its articles use
    sources: tuple[str, ...]  # the sources its articles come from or cite, sorted
    highlights: int
    comparisons: int
    title: str
    summary: str
    article_sources: tuple[str, ...]  # the source of each article, in order, each once
    articles: int
    kinds: tuple[tuple[str, int], ...]  # how many highlights of each kind, in first-seen order
    speakers: tuple[str, ...]  # the speakers of its highlights, sorted: some are sources
    # The summary as the `markdown` filter renders it, when known: the story cache keeps
    # it, so that a list need not render again the summaries of stories it kept (1,250
    # on the benchmark's front page: 0.5 s of a rebuild). Empty otherwise; being made
    # from `summary`, it takes no part in comparisons.
    summary_html: str = field(default="", compare=False)


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    date: datetime.date
    articles: tuple[Article, ...]
    summary: str = ""
    tags: tuple[Tag, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    unrelated: tuple[Unrelated, ...] = ()
    location: Location = NOWHERE

    def article(self, article_id: str) -> Article:
        return next(article for article in self.articles if article.id == article_id)

    @functools.cached_property
    def outline(self) -> Outline:
        seeds = {article.seed.name: article.seed.digest for article in self.articles}
        sources = {article.source for article in self.articles}
        sources.update(cited for article in self.articles for cited in article.cites)
        return Outline(
            seeds=tuple(seeds.items()),
            sources=tuple(sorted(sources)),
            highlights=len(self.highlights),
            comparisons=len(self.comparisons),
            title=self.title,
            summary=self.summary,
            article_sources=tuple(dict.fromkeys(article.source for article in self.articles)),
            articles=len(self.articles),
            kinds=tuple(Counter(highlight.kind for highlight in self.highlights).items()),
            speakers=tuple(sorted({h.speaker for h in self.highlights if h.speaker})),
        )

    # What a story card shows, read from the outline: a list of stories renders
    # without decoding the stories the story cache keeps.
    @property
    def article_count(self) -> int:
        return self.outline.articles

    @property
    def highlight_count(self) -> int:
        return self.outline.highlights

    @property
    def kind_counts(self) -> dict[str, int]:
        """How many of its highlights are of each kind."""
        return dict(self.outline.kinds)

    def with_tags(self, tags: tuple[Tag, ...]) -> Story:
        return dataclasses.replace(self, tags=tags)


@dataclass(frozen=True)
class Digest:
    slug: str
    title: str
    date: datetime.date
    stories: tuple[str, ...]
    intro: str = ""


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    sources: dict[str, Source]
    stories: tuple[Story, ...]  # newest first
    digests: tuple[Digest, ...]  # newest first
    # Per seed, the quotes (folded) that matched word for word: for the anchor record.
    exact_quotes: dict[str, frozenset[str]] = field(default_factory=dict)

    def shown_sources(self, story: Story) -> tuple[str, ...]:
        """The sources a story's own files show (its page, annotations and alignment): its
        articles', those they cite, and those that speak in its highlights. Renaming
        another source leaves them as they are."""
        outline = story.outline
        speaking = (speaker for speaker in outline.speakers if speaker in self.sources)
        return tuple(sorted({*outline.sources, *speaking}))
