"""Cache keys: a short digest of everything a page's bytes depend on.

An incremental build reuses a file of the previous build when the key it was
rendered under is the key it would be rendered under now. A key must therefore
cover all the page can show, and it is made from values, never from times:

- the environment: sitegen's code and version, Python, the rendering libraries;
- the theme: the page's template with those it extends, includes or imports (of
  the theme or of those it extends), and every static file;
- the site: its configuration, on every page (titles, links);
- the sources: for a story's files those the story shows (`Site.shown_sources`,
  the only badges its page is given), for every other page all of them;
- what the page itself shows: for a story page the validated story, for a list
  the stories it lists and the rest of its template context.

Values stand for themselves by `repr`, which for the frozen dataclasses of
`model` spells out every field; a seed's repr carries the digest of its bytes
instead of its text, and a story inside a list stands for itself by its key.
A story the story cache holds stands for itself by the key it was validated
under (story_cache.story_key: its file, its seeds' bytes, site.yaml, the ids
of sources.yaml and sitegen), its path and its tags (which other stories'
spellings decide): that key determines the validated story, and costs nothing
to repeat, where the repr of 5,000 stories takes half a second of every rebuild.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .model import Site, Story, Tag
from .theme import Theme


def digest(parts: Iterable[str | bytes]) -> str:
    """One digest of a sequence of parts, each length-prefixed so none runs into the next."""
    hashed = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(f"{len(data)}:".encode())
        hashed.update(data)
    return hashed.hexdigest()


# A tag that names another template: {% extends "x" %}, {% include 'x' %}, {% import
# "x" as y %}, {% from "x" import y %}. The name is a string literal, or (group 2 empty)
# something computed at render time.
TEMPLATE_REFERENCE = re.compile(
    r"""\{%[-+]?\s*(?:extends|include|import|from)\s+(?:(["'])(.*?)\1)?"""
)


class TemplateDigests:
    """The digest of each template together with every template it extends, includes or
    imports: a changed template changes the keys of the pages that use it, and no others."""

    def __init__(self, theme: Theme) -> None:
        self.folders = [folder for _, folder in theme.template_folders]
        self._sources: dict[str, str] = {}
        self._digests: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self._digests:
            parts: list[str | bytes] = []
            for used in sorted(self._closure(name)):
                parts += [used, self._source(used)]
            self._digests[name] = digest(parts)
        return self._digests[name]

    def _source(self, name: str) -> str:
        """The template as the renderer finds it: in the theme, else in those it extends."""
        if name not in self._sources:
            self._sources[name] = "<missing>"
            for folder in self.folders:
                path = folder / name
                if path.is_file():
                    self._sources[name] = path.read_text(encoding="utf-8", errors="replace")
                    break
        return self._sources[name]

    def _closure(self, name: str) -> set[str]:
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for match in TEMPLATE_REFERENCE.finditer(self._source(current)):
                if match.group(2) is None:
                    # A name computed at render time: the page may use any template.
                    return seen | self._every_template()
                pending.append(match.group(2))
        return seen

    def _every_template(self) -> set[str]:
        return {
            path.relative_to(folder).as_posix()
            for folder in self.folders
            if folder.is_dir()
            for path in folder.rglob("*")
            if path.is_file()
        }


class Keys:
    """The keys of one build's pages, made once per story and shared by every list."""

    def __init__(
        self,
        environment: str,
        site: Site,
        theme: Theme,
        validated: Mapping[str, str] | None = None,  # story file -> its story_cache key
    ) -> None:
        # Static files show on every page, in the fingerprints of their links.
        static = [part for name, data in theme.static.items() for part in (name, data)]
        self.environment = environment
        self.site_key = digest(
            [
                environment,
                theme.name,
                digest(static),
                repr(site.config),
            ]
        )
        self.site = site
        self.all_sources = repr(sorted(site.sources.items()))
        self._source_reprs = {source_id: repr(source) for source_id, source in site.sources.items()}
        self.templates = TemplateDigests(theme)
        self.validated = validated or {}
        self._stories: dict[str, str] = {}

    def story(self, story: Story) -> str:
        """The key of a story's own files: its page, annotations and alignment."""
        key = self._stories.get(story.slug)
        if key is None:
            template = self.templates("story.html")
            reprs = self._source_reprs
            shown = ", ".join(reprs.get(s, s) for s in self.site.shown_sources(story))
            validated = self.validated.get(story.location.path)
            if validated is None:
                key = digest([self.site_key, template, shown, repr(story)])
            else:
                key = _validated_story_key(
                    self.site_key, template, shown, validated, story.location.path, story.tags
                )
            self._stories[story.slug] = key
        return key

    def of(self, shown: list[tuple[str, str]]) -> str:
        """The key of a file made by sitegen alone (no template) that shows these pairs."""
        return digest([self.environment, *(part for pair in shown for part in pair)])

    def page(self, template: str, page: str, context: Mapping[str, Any]) -> str:
        """The key of a page rendered from `template` at path `page` with `context`."""
        # Every source: any page but a story's is given every badge.
        parts = [self.site_key, self.all_sources, self.templates(template), template, page]
        for name in sorted(context):
            parts += [name, self.canonical(context[name])]
        return digest(parts)

    def canonical(self, value: Any) -> str:
        if isinstance(value, Story):
            return f"<story {self.story(value)}>"
        if isinstance(value, list | tuple):
            # A list's stories without a call each: the lists of a site of 5,000 stories
            # mention 60,000 of them at every rebuild.
            known = self._stories
            parts = []
            for item in value:
                if isinstance(item, Story):
                    key = known.get(item.slug) or self.story(item)
                    parts.append(f"<story {key}>")
                else:
                    parts.append(self.canonical(item))
            return "[" + ", ".join(parts) + "]"
        if callable(value) and hasattr(value, "__qualname__"):
            # Helpers handed to templates (story_sources): their code is in the environment.
            return f"<function {value.__qualname__}>"
        return repr(value)


# serve keys every story again at each save, mostly as it was: at 5,000 stories the
# repr of their tags and a digest each took 0.2 s of every build. The arguments are
# the key's whole input, so a process may keep the keys it made (tags hash by value).
@functools.lru_cache(maxsize=50_000)
def _validated_story_key(
    site_key: str, template: str, sources: str, validated: str, path: str, tags: tuple[Tag, ...]
) -> str:
    shown = f"validated {validated} {path} {tags!r}"
    return digest([site_key, template, sources, shown])
