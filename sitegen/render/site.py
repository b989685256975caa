"""Every file of the built site, as (output path, bytes, search entry) triples.

With a `Reuse`, the files of a unit whose cache key is unchanged since the
previous build come out as (path, None, None): the previous build's file is
right. With `describe`, each HTML page rendered also comes with what
`describe(path, html)` makes of it (the build's search entry), made in the
process that rendered it: story pages are described on every core.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from dataclasses import dataclass

from .. import urls
from ..model import Site, Story
from ..parallel import MIN_STORIES, in_story_order, worker_count
from ..reuse import Reuse
from ..search import SearchEntry
from ..theme import Theme
from .annotations import render_annotations
from .coverage import render_alignment, story_coverage
from .feed import render_feed, render_robots, render_sitemap, sitemap_entries
from .pages import PageRenderer, TemplateProblem

Describe = Callable[[str, bytes], SearchEntry | None]
File = tuple[str, bytes | None, SearchEntry | None]  # bytes None: the previous build's
Files = Iterator[File]
StoryFiles = list[tuple[str, bytes, SearchEntry | None]]


def story_renderer(
    shared: tuple[Site, Theme, tuple[int, ...], Describe | None],
) -> Callable[[int], StoryFiles]:
    """What renders the files of the i-th story to render (once per process: it compiles the
    templates): its page, annotations and coverage alignment, the bulk of a build."""
    site, theme, chosen, describe = shared
    renderer = PageRenderer(site, theme)

    def render_story(index: int) -> StoryFiles:
        story = site.stories[chosen[index]]
        found = story_coverage(site, story)
        path, html = renderer.story_page(story, found.view if found else None)
        annotations = render_annotations(site, story)
        page = urls.file_for(path)
        described = describe(page, html) if describe is not None else None
        files = [(page, html, described), (path + "annotations.jsonld", annotations, None)]
        if found is not None:
            alignment = render_alignment(site, story, found.alignment, found.view)
            files.append((path + "alignment.json", alignment, None))
        return files

    return render_story


@dataclass(frozen=True)
class RenderedAlone:
    """The files of stories rendered from a site of their own (validate gives a rebuild
    the stories it reads anew so, with the site's settings and sources), and what
    they were rendered with."""

    site: Site
    theme: Theme
    files: dict[str, StoryFiles]  # by story slug

    def files_of(self, site: Site, theme: Theme, story: Story) -> StoryFiles | None:
        """The story's files, when rendered from what the whole site renders them from:
        the same story, settings, sources and theme (all a story's files show of the
        site, as its key says: cache_keys)."""
        files = self.files.get(story.slug)
        if files is None or (site.config, site.sources, theme) != (
            self.site.config,
            self.site.sources,
            self.theme,
        ):
            return None
        alone = next(alone for alone in self.site.stories if alone.slug == story.slug)
        return files if alone == story else None


def render_alone(site: Site, theme: Theme, describe: Describe | None) -> RenderedAlone | None:
    """The files of each story of `site`, a site of those stories alone; None when one
    cannot be rendered so (the render stage then reports why, in page order)."""
    render = story_renderer((site, theme, tuple(range(len(site.stories))), describe))
    try:
        files = {story.slug: render(index) for index, story in enumerate(site.stories)}
    except TemplateProblem:
        return None
    return RenderedAlone(site, theme, files)


def render_site(site: Site, theme: Theme, parallel: bool = False) -> dict[str, bytes]:
    """The whole site in memory. Pure: the same site and theme give the same bytes."""
    files = {}
    for path, data, _ in render_files(site, theme, parallel):
        assert data is not None, "nothing is reused without a Reuse"
        files[path] = data
    return dict(sorted(files.items()))


def render_files(
    site: Site,
    theme: Theme,
    parallel: bool = False,
    reuse: Reuse | None = None,
    describe: Describe | None = None,
    stories_done: Callable[[], None] | None = None,
    first: Collection[str] = (),
    sooner: RenderedAlone | None = None,
) -> Files:
    """Every file of the site, in no particular order; with `reuse`, only what changed.

    With `parallel`, the stories to render are shared among processes
    (parallel.in_story_order) while this one renders the shared pages. Rendered
    here (serially), the stories come first, and `stories_done` is called once
    the caller has taken their files: a rebuild starts the search shards of
    their pages then (search_ahead), while the lists that show them render.
    A few stories whose slugs are in `first` (those validated again) come before
    the others are even looked up for reuse, and `stories_done` is called after
    them: looking up 5,000 stories took 0.26 s, which the shards then wait less.
    Their files are those of `sooner` (render_alone) when rendered from the same.
    Raises TemplateProblem: the first in the order of the pages (front pages,
    story pages, the rest), whichever order they are rendered in.
    """
    renderer = PageRenderer(site, theme, reuse)
    done: set[int] = set()  # the stories rendered (or reused) first
    if reuse is not None and stories_done is not None and first:
        done = yield from _stories_first(site, theme, reuse, describe, first, sooner)
        if done:
            stories_done()
            stories_done = None
    chosen = []  # the stories to render, by number
    for number, story in enumerate(site.stories):
        if number in done:
            continue
        paths = _reused_story(reuse, story) if reuse is not None else None
        if paths is None:
            chosen.append(number)
        else:
            yield from ((path, None, None) for path in paths)
    jobs = worker_count(len(chosen)) if parallel else 1
    pages = [urls.file_for(urls.story(story.slug)) for story in site.stories]

    def page(path: str, html: bytes | None) -> tuple[str, bytes | None, SearchEntry | None]:
        described = describe(path, html) if describe is not None and html is not None else None
        return path, html, described

    shared = (site, theme, tuple(chosen), describe)

    def story_files(stories: Iterator[StoryFiles]) -> Files:
        for number, files in zip(chosen, stories, strict=True):
            if reuse is not None:
                _made_story(reuse, site.stories[number], files)
            yield from files

    with in_story_order(story_renderer, shared, len(chosen), jobs) as stories:
        story_problem: TemplateProblem | None = None
        if jobs == 1:
            try:
                yield from story_files(stories)
            except TemplateProblem as problem:
                story_problem = problem
            if stories_done is not None and story_problem is None:
                stories_done()
        for path, html in renderer.front_pages():
            pages.append(urls.file_for(path))
            yield page(urls.file_for(path), html)
        if story_problem is not None:
            raise story_problem
        later_problem: TemplateProblem | None = None
        try:
            for path, html in renderer.shared_pages():
                pages.append(urls.file_for(path))
                yield page(urls.file_for(path), html)
            yield page("404.html", renderer.not_found_page())
        except TemplateProblem as problem:
            later_problem = problem
        if jobs > 1:
            yield from story_files(stories)
    if later_problem is not None:
        raise later_problem
    yield from _seeds(site, reuse)
    for name, data in theme.static.items():
        yield f"static/{name}", data, None
    yield "feed.xml", render_feed(site), None
    sitemap = sitemap_entries(site, [path.removesuffix("index.html") for path in pages])
    if reuse is not None and reuse.reused("file:sitemap.xml", reuse.keys.of(sitemap)):
        yield "sitemap.xml", None, None  # 6,000 pages took 0.2 s of every rebuild
    else:
        if reuse is not None:
            reuse.made("file:sitemap.xml", ("sitemap.xml",))
        yield "sitemap.xml", render_sitemap(sitemap), None
    yield "robots.txt", render_robots(site), None
    yield ".nojekyll", b"", None
    if site.config.cname:
        # GitHub Pages publishing from a branch reads the custom domain from this file.
        yield "CNAME", f"{site.config.cname}\n".encode(), None


def _stories_first(
    site: Site,
    theme: Theme,
    reuse: Reuse,
    describe: Describe | None,
    first: Collection[str],
    sooner: RenderedAlone | None = None,
) -> Generator[File, None, set[int]]:
    """The files of the stories of `first` (render_files), serially; returns their numbers,
    or none when there are too many to render serially or one of them has a template
    problem (rendered again in story order, that one is reported as always)."""
    numbers = [n for n, story in enumerate(site.stories) if story.slug in first]
    if not 0 < len(numbers) <= MIN_STORIES:
        return set()
    render = story_renderer((site, theme, tuple(numbers), describe))
    made: list[tuple[Story, list[File], bool]] = []  # (story, its files, whether rendered)
    for index, number in enumerate(numbers):
        story = site.stories[number]
        paths = _reused_story(reuse, story)
        if paths is not None:
            made.append((story, [(path, None, None) for path in paths], False))
            continue
        already = sooner.files_of(site, theme, story) if sooner is not None else None
        try:
            made.append((story, list(already or render(index)), True))
        except TemplateProblem:
            return set()
    for story, files, rendered in made:
        if rendered:
            _made_story(reuse, story, files)
        yield from files
    return set(numbers)


def _reused_story(reuse: Reuse, story: Story) -> tuple[str, ...] | None:
    """The previous build's files of the story, when they are still right."""
    return reuse.reused(f"story:{story.slug}", reuse.keys.story(story))


def _made_story(reuse: Reuse, story: Story, files: Iterable[File]) -> None:
    reuse.made(f"story:{story.slug}", tuple(path for path, _, _ in files))


def _seeds(site: Site, reuse: Reuse | None) -> Files:
    """Each seed as read, for the annotations' offsets to be checked against."""
    # From each story's outline: a story from the story cache is decoded (for its
    # seeds' text) only when one of its seeds must be written again.
    seeds = {
        name: (digest, story) for story in site.stories for name, digest in story.outline.seeds
    }
    for name, (digest, story) in sorted(seeds.items()):
        path = f"seeds/{name}"
        if reuse is not None and reuse.reused(f"file:{path}", digest) is not None:
            yield path, None, None
            continue
        if reuse is not None:
            reuse.made(f"file:{path}", (path,))
        seed = next(article.seed for article in story.articles if article.seed.name == name)
        yield path, seed.text.encode(), None
