"""Every output path and every link of the site, made in one place.

Pages live at directory paths relative to the site root ('' for the front page,
'stories/<slug>/' for a story); their files are '<path>index.html'. Links
between pages are relative, so the site works under any prefix: the
`base_url` path on GitHub Pages, a local server's root, or a file:// folder.
Only pages served at unknown depths (404.html) link by absolute path, with the
`base_url` prefix. Absolute URLs (feed, sitemap, canonical) come from `absolute`.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit


def story(slug: str) -> str:
    return f"stories/{slug}/"


def source(source_id: str) -> str:
    return f"sources/{source_id}/"


def tag(slug: str) -> str:
    return f"tags/{slug}/"


def digest(slug: str) -> str:
    return f"digests/{slug}/"


def page(path: str, number: int) -> str:
    """The path of page `number` of a paginated list whose first page is `path`."""
    return path if number == 1 else f"{path}page/{number}/"


def file_for(path: str) -> str:
    """The output file that serves a path: directory paths get their index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path


class Urls:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.prefix = urlsplit(self.base_url).path or "/"

    def href(self, target: str, page: str | None) -> str:
        """The link from the page at path `page` to `target`; absolute-path when page is None."""
        target = quote(target, safe="/?=&#")
        if page is None:
            return self.prefix + target
        return "../" * page.count("/") + target or "./"

    def absolute(self, target: str) -> str:
        return self.base_url + quote(target, safe="/?=&#")
