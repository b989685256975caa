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
theme, static files, settings), the page's template with every template it
uses, the macro's name, and each argument (a story by its cache key, which
covers the sources it shows; links by the depth of the page, a helper by its
name, a plain value by its repr). So a macro given to `cached` must depend on
nothing else: not on the page being rendered (its path, its pagination), nor on
the badge of a source its story does not show. Without a build's keys (a check from
scratch), or given any other kind of argument, the macro is simply called.

A build also keeps the fragments in `.sitegen/fragments.sqlite` (`FragmentStore`),
so that the next process finds them there: `sitegen build` after a one-story edit
renders that story's cards, not the front page's 1,250 (0.5 s at 5,000 stories).
The store is emptied when the site's key changes (sitegen, theme, settings),
and when it holds more than MOST_STORED fragments.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
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

STORE_PATH = Path(".sitegen") / "fragments.sqlite"
VERSION = 1
# Emptied past this many: a story has a card per kind of list and depth of page (up
# to 8 in the default theme), and each story edit leaves its old cards behind.
MOST_STORED = 200_000


class FragmentStore:
    """The fragments of earlier builds, on disk; this build's new ones, to keep.

    Any failure to read or write it only costs time: a fragment not found is rendered.
    """

    def __init__(self, project: Path, site_key: str) -> None:
        self.path = project / STORE_PATH
        self.site_key = site_key
        self.new: dict[str, str] = {}
        self._connection: sqlite3.Connection | None = None
        self._readable: bool | None = None  # not known until first asked

    @property
    def readable(self) -> bool:
        """Whether the store holds fragments of this site (of its key)."""
        if self._readable is None:
            self._readable = False
            if self.path.is_file():
                try:
                    self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                    about = dict(self._connection.execute("SELECT name, value FROM about"))
                    same = (about.get("version"), about.get("site")) == (
                        str(VERSION),
                        self.site_key,
                    )
                    self._readable = same
                except sqlite3.Error:
                    pass
                if not self._readable:
                    self.close()
        return self._readable

    def get(self, key: str) -> str | None:
        if not self.readable or self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT html FROM fragments WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error:
            self.close()
            self._readable = False
            return None
        return str(row[0]) if row is not None else None

    def add(self, key: str, html: str) -> None:
        self.new[key] = html

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def save(self) -> None:
        """Keep the new fragments, in a store of this site's key."""
        if not self.new and self.readable:
            self.close()
            return
        self.close()
        with contextlib.suppress(sqlite3.Error, OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._write()
            except sqlite3.DatabaseError:  # not a database (damaged): made anew
                self.path.unlink()
                self._write()
        self.new = {}

    def _write(self) -> None:
        with contextlib.closing(sqlite3.connect(self.path)) as connection, connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS about (name TEXT PRIMARY KEY, value TEXT)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS fragments (key TEXT PRIMARY KEY, html TEXT)"
            )
            about = dict(connection.execute("SELECT name, value FROM about"))
            stored = connection.execute("SELECT COUNT(*) FROM fragments").fetchone()[0]
            same = about.get("version") == str(VERSION) and about.get("site") == self.site_key
            if not same or stored + len(self.new) > MOST_STORED:
                connection.execute("DELETE FROM fragments")
            about = {"version": str(VERSION), "site": self.site_key}
            connection.executemany("INSERT OR REPLACE INTO about VALUES (?, ?)", about.items())
            connection.executemany(
                "INSERT OR REPLACE INTO fragments VALUES (?, ?)", sorted(self.new.items())
            )


class Fragments:
    """The `cached` helper of one renderer: `keys` are its build's (None: no build, so
    nothing is kept), and `links_type` is pages.Links, which imports this module."""

    def __init__(
        self, keys: Keys | None, links_type: type[Any], store: FragmentStore | None = None
    ) -> None:
        self.keys = keys
        self.links_type = links_type
        self.store = store

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
        if found is not None and self.store is not None and not self.store.readable:
            # Rendered by an earlier build of this process, into a store since emptied
            # (or that another site's build took over): kept again.
            self.store.add(key, str(found))
        if found is None:
            if len(_KEPT) >= MOST_KEPT:
                _KEPT.clear()
            stored = self.store.get(key) if self.store is not None else None
            if stored is None:
                found = Markup(macro(*arguments))
                if self.store is not None:
                    self.store.add(key, str(found))
            else:
                found = Markup(stored)
            _KEPT[key] = found
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
