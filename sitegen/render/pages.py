"""The HTML pages of the site, rendered with the theme's Jinja2 templates.

Templates get plain values and a `links` object bound to the page being
rendered, so every href in a theme goes through `urls.Urls.href` and works
under the `base_url` prefix. Autoescaping is on: content text can only reach a
page escaped, or as the HTML of our own Markdown and mark renderers.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import urls
from ..errors import Location, Problem
from ..model import Article, Comparison, Digest, Highlight, Site, Source, Story
from ..reuse import Reuse
from ..schema import HIGHLIGHT_KINDS
from ..theme import Theme
from .colors import derived_color, text_color
from .coverage import CoverageView
from .fragments import Fragments
from .markdown import render_inline, render_markdown
from .marks import RenderedParagraph, render_paragraphs
from .structured_data import json_for_script, story_structured_data

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

SEARCH_PAGE = "search/"

KIND_NAMES = {
    "quote": "Quote",
    "claim": "Claim",
    "context": "Context",
    "disputed": "Disputed",
    "correction": "Correction",
}
KIND_DESCRIPTIONS = {
    "quote": "words attributed to a speaker",
    "claim": "an assertion the article makes",
    "context": "background the reader needs",
    "disputed": "a statement others contest",
    "correction": "a fact the article gets wrong",
}


class TemplateProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem

    def __reduce__(self) -> tuple[type[TemplateProblem], tuple[Problem]]:
        # Raised in a worker process, it is pickled back to the parent whole.
        return (TemplateProblem, (self.problem,))


# Languages written right to left, by primary subtag; a script subtag decides first.
RIGHT_TO_LEFT_LANGUAGES = frozenset(
    "ar arc ckb dv fa he iw ks ps sd syr ug ur yi".split()  # noqa: SIM905 (a word list reads better)
)
RIGHT_TO_LEFT_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"})


def text_direction(language: str) -> str:
    """'rtl' for a BCP 47 tag of a right-to-left language or script, else 'ltr'."""
    subtags = language.lower().split("-")
    scripts = [tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in RIGHT_TO_LEFT_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RIGHT_TO_LEFT_LANGUAGES else "ltr"


def count_by_kind(highlights: Sequence[Highlight]) -> dict[str, int]:
    """How many of the highlights are of each kind: one pass, where a template would
    filter the list once per kind (every story card does, on every list it is on)."""
    return dict(Counter(highlight.kind for highlight in highlights))


def format_date(value: datetime.date) -> str:
    """A date as readers write it, the same on every machine and locale."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


_KEPT_STORY = "sitegen.story_cache.CachedStory object"  # as jinja2.utils.object_type_repr


@dataclass(frozen=True)
class Badge:
    id: str
    name: str
    color: str
    text_color: str
    country: str
    url: str


@dataclass(frozen=True)
class Links:
    """Every link a template makes, relative to the page it is rendering."""

    site_urls: urls.Urls
    page: str | None
    theme: Theme

    def to(self, path: str) -> str:
        return self.site_urls.href(path, self.page)

    @property
    def home(self) -> str:
        return self.to("")

    def story(self, story: Story) -> str:
        return self.to(urls.story(story.slug))

    def source(self, source_id: str) -> str:
        return self.to(urls.source(source_id))

    def tag(self, slug: str) -> str:
        return self.to(urls.tag(slug))

    def digest(self, digest: Digest) -> str:
        return self.to(urls.digest(digest.slug))

    def asset(self, name: str) -> str:
        return self.to(f"static/{name}") + f"?v={self.theme.fingerprint(name)}"


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    previous: str | None
    next: str | None


@dataclass(frozen=True)
class ArticleView:
    article: Article
    badge: Badge
    cited: tuple[Badge, ...]
    paragraphs: tuple[RenderedParagraph, ...]
    seed_url: str
    direction: str  # "rtl" or "ltr", for the article's language


@dataclass(frozen=True)
class PassageView:
    article: Article
    badge: Badge
    text: str


@dataclass(frozen=True)
class ComparisonView:
    comparison: Comparison
    passages: tuple[PassageView, ...]


TEMPLATE_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, in its own folder for this user (made 0700,
    and refused if another user owns it: outside the project, so that no cloned site
    can plant code in it). Compiling the default theme took 0.2 s of every build, in
    each process. A template is compiled again when its text changes; the file names
    carry the options that change what a template compiles to."""
    options = hashlib.blake2b(repr(sorted(TEMPLATE_OPTIONS.items())).encode(), digest_size=6)
    try:
        return jinja2.FileSystemBytecodeCache(pattern=f"sitegen-{options.hexdigest()}-%s.cache")
    except (OSError, RuntimeError):  # no usable temporary folder: compile every time
        return None


class PageRenderer:
    """Renders pages; with `reuse`, a shared page whose key is unchanged comes out as None."""

    def __init__(self, site: Site, theme: Theme, reuse: Reuse | None = None) -> None:
        self.site = site
        self.theme = theme
        self.reuse = reuse
        self.site_urls = urls.Urls(site.config.base_url)
        self.environment = jinja2.Environment(
            # The theme's own templates first, then those of the themes it extends.
            loader=jinja2.FileSystemLoader([str(folder) for _, folder in theme.template_folders]),
            bytecode_cache=_compiled_templates(),
            **TEMPLATE_OPTIONS,
        )
        self.environment.filters["date"] = format_date
        self.environment.filters["markdown"] = self._markdown
        self.environment.filters["markdown_inline"] = render_inline
        self.environment.filters["count_by_kind"] = count_by_kind
        keys = reuse.keys if reuse is not None else None
        store = reuse.fragments if reuse is not None else None
        self.environment.globals["cached"] = Fragments(keys, Links, store).cached
        self.badges = {source_id: self._badge(source) for source_id, source in site.sources.items()}
        self.stories_by_slug = {story.slug: story for story in site.stories}

    # Both made on first use (at 5,000 stories, each was a pass over every story's
    # outline, 0.1 s of each renderer made): a renderer of story pages never lists a
    # source's stories, and a rebuild's lists take their cards from the fragment cache.
    @functools.cached_property
    def _summaries(self) -> dict[str, str]:
        return {
            story.outline.summary: story.outline.summary_html
            for story in self.site.stories
            if story.outline.summary_html
        }

    @functools.cached_property
    def _stories_by_source(self) -> dict[str, list[Story]]:
        """Each source's stories, newest first: every source page and the sources page
        list them, so they are found in one pass over the site, not one per source."""
        by_source: dict[str, list[Story]] = {}
        for story in self.site.stories:
            for source_id in story.outline.sources:
                by_source.setdefault(source_id, []).append(story)
        return by_source

    def _markdown(self, text: str) -> Markup:
        """The `markdown` filter: a kept story's summary as the story cache has it."""
        known = self._summaries.get(text)
        return Markup(known) if known is not None else render_markdown(text)

    def _badge(self, source: Source) -> Badge:
        color = source.color or derived_color(source.id)
        return Badge(
            id=source.id,
            name=source.name,
            color=color,
            text_color=text_color(color),
            country=source.country,
            url=source.url,
        )

    def speaker_name(self, highlight: Highlight) -> str:
        source = self.site.sources.get(highlight.speaker)
        return source.name if source else highlight.speaker

    def render(self, template: str, page: str | None, **context: Any) -> bytes:
        """A page from a template; `page` is its path, or None for pages served anywhere."""
        links = Links(self.site_urls, page, self.theme)
        variables = {
            "site": self.site.config,
            "links": links,
            "canonical": self.site_urls.absolute(page) if page is not None else None,
            "kinds": [
                (kind, KIND_NAMES[kind], KIND_DESCRIPTIONS[kind]) for kind in HIGHLIGHT_KINDS
            ],
            "kind_names": KIND_NAMES,
            "badges": self.badges,
            **context,
        }
        try:
            html = self.environment.get_template(template).render(variables)
        except jinja2.TemplateSyntaxError as error:
            shown = error.filename and self.theme.template_path(error.filename)
            where = Location(
                shown or f"themes/{self.theme.name}/templates/{error.name}", error.lineno or 0
            )
            raise TemplateProblem(Problem(where, f"template error: {error.message}")) from error
        except jinja2.TemplateError as error:
            where = self._template_frame(error) or Location(
                f"themes/{self.theme.name}/templates/{template}"
            )
            page_name = page if page is not None else template
            # A story kept from the last build is a story_cache.CachedStory, which Jinja
            # names by its class in some errors: named as a clean build's Story.
            told = str(error).replace(_KEPT_STORY, f"{Story.__module__}.{Story.__name__} object")
            message = f"template error while rendering {page_name or 'the front page'}: {told}"
            raise TemplateProblem(Problem(where, message)) from error
        return html.encode()

    def _template_frame(self, error: Exception) -> Location | None:
        """The template file and line where a render error arose.

        Jinja rewrites tracebacks so that frames of compiled templates carry the
        template's own file name and line.
        """
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            shown = self.theme.template_path(frame.filename)
            if Path(frame.filename).suffix == ".html" and shown:
                return Location(shown, frame.lineno or 0)
        return None

    # -- views ---------------------------------------------------------------

    def story_sources(self, story: Story) -> list[Badge]:
        return [self.badges[source_id] for source_id in story.outline.article_sources]

    def article_view(self, story: Story, article: Article) -> ArticleView:
        highlights = [h for h in story.highlights if h.article == article.id]
        paragraphs = render_paragraphs(article.seed, highlights, self.speaker_name, article.omit)
        return ArticleView(
            article=article,
            badge=self.badges[article.source],
            cited=tuple(self.badges[source_id] for source_id in article.cites),
            paragraphs=tuple(paragraphs),
            seed_url=self.site_urls.href(f"seeds/{article.seed.name}", urls.story(story.slug)),
            direction=text_direction(article.language),
        )

    def comparison_view(self, story: Story, comparison: Comparison) -> ComparisonView:
        passages = []
        for passage in comparison.passages:
            article = story.article(passage.article)
            text = article.seed.text[passage.span.start : passage.span.end]
            passages.append(
                PassageView(article, self.badges[article.source], " ".join(text.split()))
            )
        return ComparisonView(comparison, tuple(passages))

    # -- pages ---------------------------------------------------------------

    def paginate(
        self, items: Sequence[Any], first_page: str
    ) -> Iterator[tuple[str, list[Any], Pagination]]:
        size = self.site.config.page_size
        count = max(1, math.ceil(len(items) / size))
        for number in range(1, count + 1):
            path = urls.page(first_page, number)
            pagination = Pagination(
                number=number,
                count=count,
                previous=self.site_urls.href(urls.page(first_page, number - 1), path)
                if number > 1
                else None,
                next=self.site_urls.href(urls.page(first_page, number + 1), path)
                if number < count
                else None,
            )
            yield path, list(items[(number - 1) * size : number * size]), pagination

    def shared_page(self, template: str, page: str | None, **context: Any) -> bytes | None:
        """A page other than a story's: None when the previous build's is still right."""
        if self.reuse is not None:
            file = urls.file_for(page) if page is not None else template
            key = self.reuse.keys.page(template, file, context)
            if self.reuse.reused(f"page:{file}", key) is not None:
                return None
            self.reuse.made(f"page:{file}", (file,))
        return self.render(template, page, **context)

    def shared_pages(self) -> Iterator[tuple[str, bytes | None]]:
        """The pages after the story pages: lists of stories, sources, tags, search, digests."""
        site = self.site
        yield from self.listing(
            "stories/", site.stories, title="All stories", heading="All stories"
        )
        yield (
            "sources/",
            self.shared_page(
                "sources.html",
                "sources/",
                title="Sources",
                sources=[(self.badges[s], self.stories_from(s)) for s in sorted(site.sources)],
            ),
        )
        for source_id in sorted(site.sources):
            badge = self.badges[source_id]
            yield from self.listing(
                urls.source(source_id),
                self.stories_from(source_id),
                title=badge.name,
                heading=badge.name,
                badge=badge,
            )
        tags = self.tags()
        yield ("tags/", self.shared_page("tags.html", "tags/", title="Tags", tags=tags))
        yield from self.search_page()
        for tag_name, slug, stories in tags:
            yield from self.listing(
                urls.tag(slug), stories, title=f"Tag: {tag_name}", heading=tag_name, tag=tag_name
            )
        for digest in site.digests:
            stories = [self.stories_by_slug[slug] for slug in digest.stories]
            for path, items, pagination in self.paginate(stories, urls.digest(digest.slug)):
                yield (
                    path,
                    self.shared_page(
                        "digest.html",
                        path,
                        title=digest.title,
                        digest=digest,
                        stories=items,
                        pagination=pagination,
                        story_sources=self.story_sources,
                    ),
                )

    def front_pages(self) -> Iterator[tuple[str, bytes | None]]:
        """The front page lists the digests, newest first; with none, the stories."""
        site = self.site
        items: Sequence[Any] = site.digests or site.stories
        for path, page_items, pagination in self.paginate(items, ""):
            digests = (
                [
                    (digest, [self.stories_by_slug[slug] for slug in digest.stories])
                    for digest in page_items
                ]
                if site.digests
                else []
            )
            yield (
                path,
                self.shared_page(
                    "index.html",
                    path,
                    title=site.config.title,
                    digests=digests,
                    stories=[] if site.digests else page_items,
                    pagination=pagination,
                    story_sources=self.story_sources,
                ),
            )

    def listing(
        self, first_page: str, stories: Sequence[Story], **context: Any
    ) -> Iterator[tuple[str, bytes | None]]:
        for path, items, pagination in self.paginate(stories, first_page):
            yield (
                path,
                self.shared_page(
                    "list.html",
                    path,
                    stories=items,
                    pagination=pagination,
                    story_sources=self.story_sources,
                    **context,
                ),
            )

    def stories_from(self, source_id: str) -> list[Story]:
        return list(self._stories_by_source.get(source_id, ()))

    def tags(self) -> list[tuple[str, str, list[Story]]]:
        by_slug: dict[str, tuple[str, list[Story]]] = {}
        for story in self.site.stories:
            for tag in story.tags:
                by_slug.setdefault(tag.slug, (tag.name, []))[1].append(story)
        return [(name, slug, stories) for slug, (name, stories) in sorted(by_slug.items())]

    def story_page(self, story: Story, coverage: CoverageView | None = None) -> tuple[str, bytes]:
        """A story's page, with its coverage view when it has one."""
        path = urls.story(story.slug)
        return path, self.render(
            "story.html",
            path,
            title=story.title,
            story=story,
            articles=[self.article_view(story, article) for article in story.articles],
            comparisons=[self.comparison_view(story, c) for c in story.comparisons],
            coverage=coverage,
            highlights_by_id={h.id: h for h in story.highlights},
            speaker_name=self.speaker_name,
            sources=self.story_sources(story),
            # Only the badges of the sources it shows, which its key covers (cache_keys):
            # renaming another source leaves the page as it is.
            badges={s: self.badges[s] for s in self.site.shown_sources(story)},
            description=story.summary,
            structured_data=Markup(json_for_script(story_structured_data(self.site, story))),
        )

    def search_page(self) -> Iterator[tuple[str, bytes | None]]:
        """The search page, when the theme has one (the default theme does)."""
        if "search.html" not in self.environment.list_templates():
            return
        yield (
            SEARCH_PAGE,
            self.shared_page(
                "search.html",
                SEARCH_PAGE,
                title="Search",
                stories=self.site.stories[: self.site.config.page_size],
                story_count=len(self.site.stories),
                story_sources=self.story_sources,
            ),
        )

    def not_found_page(self) -> bytes | None:
        return self.shared_page("404.html", None, title="Page not found")
