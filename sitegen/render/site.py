"""Every file of the built site, as a mapping from output path to bytes."""

from __future__ import annotations

from .. import urls
from ..model import Site
from ..theme import Theme
from .annotations import render_annotations
from .coverage import render_alignment, story_coverage
from .feed import render_feed, render_robots, render_sitemap
from .pages import render_pages


def render_site(site: Site, theme: Theme) -> dict[str, bytes]:
    """The whole site. Pure: the same site and theme give the same bytes."""
    coverage = {
        story.slug: found for story in site.stories if (found := story_coverage(site, story))
    }
    files = render_pages(site, theme, {slug: found.view for slug, found in coverage.items()})
    pages = [path.removesuffix("index.html") for path in files if path.endswith("index.html")]
    for story in site.stories:
        files[urls.story(story.slug) + "annotations.jsonld"] = render_annotations(site, story)
        for article in story.articles:
            # The seed as read, for the annotations' offsets to be checked against.
            files[f"seeds/{article.seed.name}"] = article.seed.text.encode()
        if story.slug in coverage:
            found = coverage[story.slug]
            files[urls.story(story.slug) + "alignment.json"] = render_alignment(
                site, story, found.alignment, found.view
            )
    for name, data in theme.static.items():
        files[f"static/{name}"] = data
    files["feed.xml"] = render_feed(site)
    files["sitemap.xml"] = render_sitemap(site, pages)
    files["robots.txt"] = render_robots(site)
    files[".nojekyll"] = b""
    if site.config.cname:
        # GitHub Pages publishing from a branch reads the custom domain from this file.
        files["CNAME"] = f"{site.config.cname}\n".encode()
    return dict(sorted(files.items()))
