"""Parts of pages rendered once and kept: the `cached(macro, ...)` helper of templates.

A story card is the same on every list of the same depth: the front page, the
lists of all stories, of each tag, source and digest. `{{ cached(story_card,
story, links, story_sources) }}` renders it once for those arguments and keeps
the HTML for the life of the process, so that a full build renders each card
once per kind of list and depth rather than once per list, and `serve`, which
renders the front page and the lists again at each save, renders only the cards
of the stories that changed (the 1,000 cards of the benchmark's front page took
about half of a save at 1,000 stories).

A fragment is kept under a digest of all that makes it: the site's key (sitegen,
theme, static files, settings, sources), the page's template with every template
it uses, the macro's name, and each argument (a story by its cache key, links by
the depth of the page, a helper by its name, a plain value by its repr). So a
macro given to `cached` must depend on nothing else: not on the page being
rendered (its path, its pagination). Without a build's keys (`sitegen check`),
or given any other kind of argument, the macro is simply called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..cache_keys import digest
from ..model import Story

if TYPE_CHECKING:
    from ..cache_keys import Keys

# Fragments of every build of this process; emptied past this many, which a site of
# 5,000 stories (a few cards each) does not reach.
_KEPT: dict[str, Markup] = {}
MOST_KEPT = 100_000


class Fragments:
    """The `cached` helper of one renderer: `keys` are its build's (None: no build, so
    nothing is kept), and `links_type` is pages.Links, which imports this module."""

    def __init__(self, keys: Keys | None, links_type: type[Any]) -> None:
        self.keys = keys
        self.links_type = links_type

    @jinja2.pass_context
    def cached(self, context: jinja2.runtime.Context, macro: Any, *arguments: Any) -> Any:
        if self.keys is None or context.name is None:
            return macro(*arguments)  # no build, or a template not of the theme: no key
        if not isinstance(macro, jinja2.runtime.Macro):
            return macro(*arguments)
        parts = [self.keys.site_key, self.keys.templates(context.name), macro.name]
        for argument in arguments:
            shown = self._shown(argument)
            if shown is None:
                return macro(*arguments)
            parts.append(shown)
        key = digest(parts)
        found = _KEPT.get(key)
        if found is None:
            if len(_KEPT) >= MOST_KEPT:
                _KEPT.clear()
            found = _KEPT[key] = Markup(macro(*arguments))
        return found

    def _shown(self, argument: Any) -> str | None:
        """The argument as its part of the key; None for one that cannot be keyed."""
        assert self.keys is not None
        if isinstance(argument, self.links_type):
            page = argument.page
            return f"<links {'absolute' if page is None else page.count('/')}>"
        if argument is None or isinstance(argument, str | int | float):
            return repr(argument)
        helper = callable(argument) and hasattr(argument, "__qualname__")
        if isinstance(argument, Story) or helper:
            return self.keys.canonical(argument)
        return None


def forget() -> None:
    """Drop every fragment kept (for a test that wants a build from nothing)."""
    _KEPT.clear()
