"""Seeds: raw article texts as scraped, read into header, paragraphs and labels.

Every offset here counts Unicode code points in the seed's text as read (byte
order mark dropped, CRLF and CR as LF), header included: the same offsets the
Web Annotation `TextPositionSelector` uses.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

HEADER_KEYS = ("date", "url", "language")
HEADER_VALUE = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    # Only web addresses: a seed's url becomes a link on the page.
    "url": re.compile(r"https?://\S+", re.IGNORECASE),
    "language": re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*"),
}
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
WORD = re.compile(r"\S+")


class SeedDecodeError(ValueError):
    def __init__(self, byte_offset: int, reason: str) -> None:
        super().__init__(reason)
        self.byte_offset = byte_offset
        self.reason = reason


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's span in the seed text; `label_end` > `start` when it opens with a label."""

    start: int
    end: int
    label: str | None = None
    label_end: int = 0


@dataclass(frozen=True)
class Seed:
    # The text and what derives from it stay out of repr(), which stands for the seed
    # by its digest: cache keys of pages are made from the repr of what they show.
    name: str
    text: str = field(repr=False)
    body_start: int
    header: dict[str, str]
    labels: tuple[str, ...] = field(repr=False)  # the paragraph labels (schema.DEFAULT_LABELS)
    # Of the file's bytes (BLAKE2b, as fingerprint.content_digest): the text and its
    # paragraphs in one.
    digest: str = ""

    # Split on first use: a rebuild takes most stories from the story cache, and
    # splitting every seed of the site would cost it 1 s at 15,000 seeds.
    @functools.cached_property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return split_paragraphs(self.text, self.body_start, self.labels)

    @functools.cached_property
    def line_starts(self) -> tuple[int, ...]:
        return (0, *(match.end() for match in re.finditer("\n", self.text)))

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    @property
    def date(self) -> datetime.date | None:
        value = self.header.get("date")
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None

    def line_of(self, offset: int) -> int:
        """The 1-based line of the seed that holds this offset."""
        return bisect.bisect_right(self.line_starts, offset)


def decode(data: bytes) -> str:
    """Seed bytes as text: UTF-8, byte order mark dropped, every line end as LF."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SeedDecodeError(error.start, f"not valid UTF-8 at byte {error.start}") from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _fits(key: str, value: str) -> bool:
    if not HEADER_VALUE[key].fullmatch(value):
        return False
    if key == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
    return True


def read_header(text: str) -> tuple[dict[str, str], int]:
    """The seed's `key value` header and the offset where the article text starts.

    The header ends at the first word that is not a header key, or whose value
    does not fit the key (so an article that opens with "date night" is text).
    """
    header: dict[str, str] = {}
    position = 0
    words = WORD.finditer(text)
    for word in words:
        key = word.group()
        if key not in HEADER_KEYS or key in header:
            return header, word.start()
        value = next(words, None)
        if value is None or not _fits(key, value.group()):
            return header, word.start()
        header[key] = value.group()
        position = value.end()
    # Nothing but a header: the text starts after it, at the end of white space.
    return header, len(text) if header else position


def split_paragraphs(text: str, start: int, labels: Iterable[str]) -> tuple[Paragraph, ...]:
    """Paragraphs of text[start:], separated by blank lines, with their labels."""
    label_pattern = re.compile(
        "(" + "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True)) + "):"
    )
    paragraphs = []
    position = start
    for chunk_end, next_start in _breaks(text, start):
        chunk = text[position:chunk_end]
        stripped_start = position + (len(chunk) - len(chunk.lstrip()))
        stripped_end = position + len(chunk.rstrip())
        if stripped_end > stripped_start:
            match = label_pattern.match(text, stripped_start, stripped_end)
            if match:
                paragraphs.append(
                    Paragraph(stripped_start, stripped_end, match.group(1), match.end())
                )
            else:
                paragraphs.append(Paragraph(stripped_start, stripped_end))
        position = next_start
    return tuple(paragraphs)


def _breaks(text: str, start: int) -> Iterable[tuple[int, int]]:
    for match in PARAGRAPH_BREAK.finditer(text, start):
        yield match.start(), match.end()
    yield len(text), len(text)


def parse_seed(name: str, data: bytes, labels: Iterable[str]) -> Seed:
    """Read a seed file's bytes. Raises SeedDecodeError for bytes that are not UTF-8."""
    text = decode(data)
    header, body_start = read_header(text)
    return Seed(
        name=name,
        text=text,
        body_start=body_start,
        header=header,
        labels=tuple(labels),
        digest=hashlib.blake2b(data).hexdigest(),
    )
