"""What Pagefind reads of a page: `search_input` cuts a rendered page down to it.

Pagefind indexes that small document as it would the whole page, and a build keeps
it per page (search_inputs), so that a reused page is not parsed again.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias

SearchInput: TypeAlias = str
"""What Pagefind reads of one page, as a small HTML document (see `search_input`)."""

# Pagefind 1.5 (its fossick/parser.rs) reads of a page: the language, from <html lang>;
# the text of the data-pagefind-body elements less their data-pagefind-ignore parts,
# with the ids in them as anchors; and from anywhere in the page, ignored elements
# too but not data-pagefind-ignore="all" ones: metadata, filters and sort keys
# (data-pagefind-meta, -default-meta, -filter, -sort), the title (the first <h1>, else
# the <title>) and the image (the first <img> after the title).
#
# The page is not parsed as a whole, which would take longer than Pagefind does: the
# few elements that matter are found with str.find and end where the count of start
# and end tags of their name comes back to zero, comments and raw text (script, style,
# textarea, title) skipped. Attribute names are looked for in lower case, as sitegen's
# themes write them; tag names in any case.

# Elements that have no end tag (HTML's "void elements").
_VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)
_RAW_TEXT_ELEMENTS = frozenset({"script", "style", "textarea", "title"})
# The lookahead is the first character of each alternative, so it changes no match; it
# lets the engine pass over the page's other `<` (most of them) twice as fast.
_RAW_TEXT = re.compile(r"<(?=[!st])(?:!--|(script|style|textarea|title)(?=[\s/>]))", re.IGNORECASE)
# A start tag, its quoted attribute values allowed to hold `>`.
_START_TAG = re.compile(r"""<([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_AFTER_ATTRIBUTE_NAME = frozenset(" \t\n\r\f=/>")
_DATA_ATTRIBUTES = (
    "data-pagefind-meta",
    "data-pagefind-default-meta",
    "data-pagefind-filter",
    "data-pagefind-sort",
)
# What Pagefind reads wherever it is: as a pattern, for the rest of the page around the
# bodies; for big ignored elements, as start tags in lower or upper case and attribute
# names. Those two patterns begin with a literal, which the regex engine looks for as
# fast as str.find does one string: both are six times faster than the first pattern,
# and twice as fast as str.find of each of their eight strings.
_READ_ANYWHERE = re.compile(
    r"(?i:<(?:h1|img))(?=[\s/>])|\sdata-pagefind-(?:meta|default-meta|filter|sort)(?=[\s=/>])"
)
_READ_ANYWHERE_TAGS = re.compile("<(?:h1|H1|img|IMG)")
_READ_ANYWHERE_ATTRIBUTES = re.compile("data-pagefind-(?:meta|default-meta|filter|sort)")


def search_input(path: str, html: bytes) -> SearchInput | None:
    """What Pagefind reads of the page at `path`, or None for a page that is not indexed.

    Pure, so a build can keep it per page. Not indexed: 404.html, pages other than
    HTML, pages without an `<html>` element (Pagefind skips them) and pages without a
    `data-pagefind-body` element. Pagefind makes the same record of the input as of the
    whole page: the same words, title, excerpt, anchors, metadata, filters and language.
    """
    if not path.endswith(".html") or path == "404.html" or b"data-pagefind-body" not in html:
        return None
    page = _Page(html.decode("utf-8", "replace"))
    html_tag = page.first_start_tag("html")
    bodies = page.outermost(page.elements_with("data-pagefind-body"))
    if html_tag is None or not bodies:
        return None
    if any(body.name in ("html", "head", "body") for body in bodies):
        return page.text  # all of the page is read anyway
    pieces = [(body.start, page.without_ignored(body)) for body in bodies]
    pieces += page.read_outside(bodies)
    title = page.first("title")
    head = page.text[title.start : title.end] if title and title.end <= bodies[0].start else ""
    parts = [html_tag, f"<head>{head}</head>", "<body>"]
    parts += [piece for _, piece in sorted(pieces)]
    return "<!doctype html>\n" + "\n".join(parts) + "\n</body>\n</html>\n"


@dataclass(frozen=True)
class _Element:
    name: str  # lowercased
    start: int  # of its start tag
    start_tag_end: int
    end: int  # after its end tag (or its start tag, for a void element)
    attributes: dict[str, str]  # names lowercased, values as written


class _Page:
    """A page's HTML, for finding elements in it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.raw_text = self._raw_text()  # (start, end) of each comment and raw text element
        self.raw_text_starts = [start for start, _ in self.raw_text]

    def _raw_text(self) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        position = 0
        while opening := _RAW_TEXT.search(self.text, position):
            if opening.group(1) is None:
                closing = self.text.find("-->", opening.end())
                position = len(self.text) if closing < 0 else closing + len("-->")
            else:
                tag = _end_tag(opening.group(1).lower()).search(self.text, opening.end())
                position = len(self.text) if tag is None else tag.end()
            found.append((opening.start(), position))
        return found

    def in_raw_text(self, index: int) -> bool:
        """Whether text[index] is in a comment or a raw text element (not its first `<`)."""
        before = bisect.bisect_left(self.raw_text_starts, index) - 1
        return before >= 0 and index < self.raw_text[before][1]

    def first(self, name: str) -> _Element | None:
        index = self._first_start(name)
        return None if index is None else self.element_at(index)

    def first_start_tag(self, name: str) -> str | None:
        """The start tag of `first(name)` as written, or None for no such element.

        Without looking for the element's end: for <html>, that is reading the whole page.
        """
        index = self._first_start(name)
        tag = None if index is None else self._start_tag_at(index)
        return None if tag is None else tag.group()

    def _first_start(self, name: str) -> int | None:
        for tag in _same_name_tags(name).finditer(self.text):
            if not tag.group(1) and not self.in_raw_text(tag.start()):
                return tag.start()
        return None

    def elements_with(self, attribute: str, start: int = 0, end: int = -1) -> Iterator[_Element]:
        """The elements starting in text[start:end] whose start tag has `attribute`."""
        end = len(self.text) if end < 0 else end
        found = self.attribute_at(attribute, start, end)
        while found >= 0:
            element = self.element_at(found)
            if element is not None and attribute in element.attributes:
                yield element
            found = self.attribute_at(attribute, found + len(attribute), end)

    def attribute_at(self, attribute: str, start: int, end: int) -> int:
        """Where `attribute` is next written as an attribute's name in text[start:end], or -1.

        It may still be text that only reads like one: `element_at` tells.
        """
        text = self.text
        while (found := text.find(attribute, start, end)) > 0:
            after = found + len(attribute)
            if text[found - 1].isspace() and text[after : after + 1] in _AFTER_ATTRIBUTE_NAME:
                return found
            start = after
        return -1

    def element_at(self, index: int) -> _Element | None:
        """The element whose start tag holds text[index], or None when that is not in a tag."""
        tag = self._start_tag_at(index)
        if tag is None:
            return None
        name = tag.group(1).lower()
        attributes = {
            found.group(1).lower(): found.group(2) or found.group(3) or found.group(4) or ""
            for found in _ATTRIBUTE.finditer(tag.group(2))
        }
        opening = tag.start()
        return _Element(name, opening, tag.end(), self._end(name, opening, tag.end()), attributes)

    def _start_tag_at(self, index: int) -> re.Match[str] | None:
        """The start tag (a `_START_TAG` match) that holds text[index], or None."""
        text = self.text
        opening = text.rfind("<", 0, index + 1)
        if opening < 0 or text.rfind(">", opening, index) >= 0 or self.in_raw_text(opening):
            return None
        tag = _START_TAG.match(text, opening)
        if tag is None or tag.end() <= index:
            return None
        return tag

    def _end(self, name: str, start: int, after_start_tag: int) -> int:
        """Where the element ends: after the end tag that matches its start tag."""
        if name in _VOID_ELEMENTS:
            return after_start_tag
        if name in _RAW_TEXT_ELEMENTS:
            at = bisect.bisect_left(self.raw_text_starts, start)
            if at < len(self.raw_text) and self.raw_text[at][0] == start:
                return self.raw_text[at][1]
        depth = 1
        for tag in _same_name_tags(name).finditer(self.text, after_start_tag):
            if self.in_raw_text(tag.start()):
                continue
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                closing = self.text.find(">", tag.end())
                return len(self.text) if closing < 0 else closing + 1
        return len(self.text)  # never closed: it runs to the end, as for a browser

    @staticmethod
    def outermost(elements: Iterable[_Element]) -> list[_Element]:
        kept: list[_Element] = []
        for element in elements:
            if not kept or element.start >= kept[-1].end:
                kept.append(element)
        return kept

    def without_ignored(self, body: _Element) -> str:
        """The body's HTML without the ignored elements that hold nothing Pagefind reads."""
        kept: list[str] = []
        position = body.start  # what comes before is kept
        found = self.attribute_at("data-pagefind-ignore", body.start_tag_end, body.end)
        while found >= 0:
            element = self.element_at(found)
            found += len("data-pagefind-ignore")
            if element is not None and self._left_out(element):
                kept.append(self.text[position : element.start])
                position = found = element.end
            found = self.attribute_at("data-pagefind-ignore", found, body.end)
        kept.append(self.text[position : body.end])
        return "".join(kept)

    def _left_out(self, element: _Element) -> bool:
        """Whether Pagefind reads nothing of an element: ignored, and holding nothing it reads.

        Metadata, filters and titles inside an ignored element still count, unless it is
        excluded ("all", which Pagefind also takes any unknown value for).
        """
        if "data-pagefind-ignore" not in element.attributes:
            return False
        return _excluded(element) or not self._holds_read_anywhere(element.start, element.end)

    def _holds_read_anywhere(self, start: int, end: int) -> bool:
        """Whether text[start:end] holds `_READ_ANYWHERE_TAGS` or `_READ_ANYWHERE_ATTRIBUTES`."""
        return bool(
            _READ_ANYWHERE_TAGS.search(self.text, start, end)
            or _READ_ANYWHERE_ATTRIBUTES.search(self.text, start, end)
        )

    def read_outside(self, bodies: Sequence[_Element]) -> Iterator[tuple[int, str]]:
        """The elements outside the bodies that Pagefind reads something of, where they start.

        Each is kept in an ignored element, so that Pagefind reads no words from it.
        """
        gaps = [(0, bodies[0].start)]
        gaps += [(before.end, after.start) for before, after in itertools.pairwise(bodies)]
        gaps.append((bodies[-1].end, len(self.text)))
        for start, end in gaps:
            excluded = [
                element
                for element in self.elements_with("data-pagefind-ignore", start, end)
                if _excluded(element)
            ]
            taken_until = start
            for match in _READ_ANYWHERE.finditer(self.text, start, end):
                if match.start() < taken_until:
                    continue
                element = self.element_at(
                    match.start() if match.group().startswith("<") else match.start() + 1
                )
                if element is None or any(e.start <= element.start < e.end for e in excluded):
                    continue
                # Without its content when Pagefind does not read it, or when that holds
                # a body (which would then be read twice).
                if _reads_text(element) and element.end <= end:
                    kept = self.text[element.start : element.end]
                    taken_until = element.end
                else:
                    kept = self.text[element.start : element.start_tag_end]
                    if element.name not in _VOID_ELEMENTS:
                        kept += f"</{element.name}>"
                    taken_until = element.start_tag_end
                yield element.start, f"<div data-pagefind-ignore>{kept}</div>"


def _excluded(element: _Element) -> bool:
    return element.attributes["data-pagefind-ignore"].strip().lower() not in ("", "index", "true")


def _reads_text(element: _Element) -> bool:
    """Whether Pagefind reads the element's text, not only its start tag."""
    if element.name in ("h1", "img"):
        return True
    for name in _DATA_ATTRIBUTES:
        for value in element.attributes.get(name, "").split(","):
            if value.strip() and ":" not in value and "[" not in value:
                return True  # `data-pagefind-meta="title"` takes the element's text
    return False


@functools.lru_cache(maxsize=64)
def _same_name_tags(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])", re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}(?=[\s/>])[^>]*>", re.IGNORECASE)
