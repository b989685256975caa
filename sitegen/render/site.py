"""Every file of the built site, as a mapping from output path to bytes."""

from __future__ import annotations

from collections.abc import Callable

from .. import urls
from ..model import Site
from ..parallel import in_story_order
from ..theme import Theme
from .annotations import render_annotations
from .coverage import render_alignment, story_coverage
from .feed import render_feed, render_robots, render_sitemap
from .pages import PageRenderer, TemplateProblem

StoryFiles = list[tuple[str, bytes]]


def story_renderer(shared: tuple[Site, Theme]) -> Callable[[int], StoryFiles]:
    """What renders the files of the site's story number i (once per process: it compiles
    the templates): its page, annotations and coverage alignment, the bulk of a build."""
    site, theme = shared
    renderer = PageRenderer(site, theme)

    def render_story(index: int) -> StoryFiles:
        story = site.stories[index]
        found = story_coverage(site, story)
        path, html = renderer.story_page(story, found.view if found else None)
        annotations = render_annotations(site, story)
        files = [(urls.file_for(path), html), (path + "annotations.jsonld", annotations)]
        if found is not None:
            alignment = render_alignment(site, story, found.alignment, found.view)
            files.append((path + "alignment.json", alignment))
        return files

    return render_story


def render_site(site: Site, theme: Theme, jobs: int = 1) -> dict[str, bytes]:
    """The whole site. Pure: the same site and theme give the same bytes, whatever `jobs`.

    The stories' files are rendered in `jobs` processes (parallel.in_story_order) while
    this one renders the shared pages. Raises TemplateProblem: the first in the order of
    the pages (front pages, story pages, the rest), as a serial build would.
    """
    renderer = PageRenderer(site, theme)
    with in_story_order(story_renderer, (site, theme), len(site.stories), jobs) as collect:
        front = list(renderer.front_pages())
        later_problem: TemplateProblem | None = None
        try:
            shared = list(renderer.shared_pages())
            shared.append(("404.html", renderer.not_found_page()))
        except TemplateProblem as problem:
            later_problem = problem
        stories = collect()
    if later_problem is not None:
        raise later_problem
    pages = [(urls.file_for(path), html) for path, html in front]
    pages += [files[0] for files in stories]
    pages += [(urls.file_for(path), html) for path, html in shared]
    files = dict(pages)
    sitemap = [path.removesuffix("index.html") for path in files if path.endswith("index.html")]
    for story, story_files in zip(site.stories, stories, strict=True):
        files.update(story_files[1:])
        for article in story.articles:
            # The seed as read, for the annotations' offsets to be checked against.
            files[f"seeds/{article.seed.name}"] = article.seed.text.encode()
    for name, data in theme.static.items():
        files[f"static/{name}"] = data
    files["feed.xml"] = render_feed(site)
    files["sitemap.xml"] = render_sitemap(site, sitemap)
    files["robots.txt"] = render_robots(site)
    files[".nojekyll"] = b""
    if site.config.cname:
        # GitHub Pages publishing from a branch reads the custom domain from this file.
        files["CNAME"] = f"{site.config.cname}\n".encode()
    return dict(sorted(files.items()))
