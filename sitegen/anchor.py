"""Finding an editor's quote in a seed, as FORMAT.md folds them.

Both sides are folded: NFC; every run of white space as one space; quotation
marks and apostrophes as one character; hyphens, dashes and minus as one. The
folded seed keeps a map back to the seed's own offsets, so a match highlights
exactly the seed's characters. Exact matching is `str.find`, linear in the
seed; only the "closest passage" hint for a quote that is not found does more.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

QUOTE_MARKS = "\"“”„‟«»‹›'‘’‚‛"  # noqa: RUF001 (these look alike on purpose)
DASHES = "-‐‑‒–—―−"  # noqa: RUF001
WHITE_SPACE = re.compile(r"\s")
SPACE_RUN = re.compile(r"  +")
WHITE_SPACE_RUN = re.compile(r"\s+")  # WHITE_SPACE, then SPACE_RUN, in one pass
# Characters that do not show: zero-width space, non-joiner and joiner, word
# joiner, zero-width no-break space (a stray BOM) and soft hyphen. Scraped text
# carries them where a reader sees nothing, so matching ignores them.
INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]+")
WORD = re.compile(r"\w+")
# The marks and dashes that fold into another character and can stand in ASCII text.
ASCII_QUOTE_MARKS = "".join(mark for mark in QUOTE_MARKS[1:] if mark.isascii())
ASCII_DASHES = "".join(dash for dash in DASHES[1:] if dash.isascii())


@dataclass(frozen=True)
class OffsetMap:
    """Maps an offset of a folded text to the offset of the text it was folded from.

    Stored as breakpoints: from folded offset `starts[i]` on, original = folded + `shifts[i]`,
    so it costs one entry per place where lengths differ, not one per character.
    """

    starts: tuple[int, ...] = (0,)
    shifts: tuple[int, ...] = (0,)

    def original(self, offset: int) -> int:
        return offset + self.shifts[bisect.bisect_right(self.starts, offset) - 1]


@dataclass(frozen=True)
class Folded:
    text: str
    maps: tuple[OffsetMap, ...]  # applied last to first to get back to the source
    source: str  # the text it was folded from

    def original(self, offset: int) -> int:
        for offset_map in reversed(self.maps):
            offset = offset_map.original(offset)
        return offset

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of a folded span that starts and ends on a non-space character.

        The end is where the next folded character comes from, so a character
        that NFC made of several (e and a combining accent) is taken whole; any
        white space or invisible character before that point is left out.
        """
        begin = self.original(start) if start < len(self.text) else len(self.source)
        if end <= start:
            return begin, begin
        finish = self.original(end) if end < len(self.text) else len(self.source)
        while finish > begin + 1 and (
            self.source[finish - 1].isspace() or INVISIBLE.fullmatch(self.source[finish - 1])
        ):
            finish -= 1
        return begin, finish


def _normalize(text: str) -> tuple[str, OffsetMap | None]:
    """NFC with an offset map; most seeds are NFC already and take the fast path."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    # Normalize one cluster (a starter and its combining marks) at a time, so
    # each piece of output knows which piece of input it came from.
    pieces: list[str] = []
    starts, shifts = [0], [0]
    folded_length = 0
    cluster_start = 0
    for index in range(1, len(text) + 1):
        if index < len(text) and unicodedata.combining(text[index]):
            continue
        piece = unicodedata.normalize("NFC", text[cluster_start:index])
        if cluster_start - folded_length != shifts[-1]:
            starts.append(folded_length)
            shifts.append(cluster_start - folded_length)
        pieces.append(piece)
        folded_length += len(piece)
        cluster_start = index
    return "".join(pieces), OffsetMap(tuple(starts), tuple(shifts))


def _has_invisible(text: str) -> bool:
    # Looking for each character is some 25 times faster than INVISIBLE.search.
    return any(character in text for character in INVISIBLE_CHARACTERS)


def _drop(text: str, pattern: re.Pattern[str], keep: int) -> tuple[str, OffsetMap | None]:
    """Remove each match of `pattern` but its first `keep` characters, with an offset map."""
    if pattern.search(text) is None:
        return text, None  # most texts: no loop, no copy
    pieces: list[str] = []
    starts, shifts = [0], [0]
    position = 0
    removed = 0
    for match in pattern.finditer(text):
        pieces.append(text[position : match.start() + keep])
        removed += len(match.group()) - keep
        position = match.end()
        starts.append(match.end() - removed)
        shifts.append(removed)
    if not removed:
        return text, None
    pieces.append(text[position:])
    return "".join(pieces), OffsetMap(tuple(starts), tuple(shifts))


def fold(text: str) -> Folded:
    """Fold a text for matching, keeping the way back to its offsets."""
    normalized, nfc_map = _normalize(text)
    visible, invisible_map = (
        _drop(normalized, INVISIBLE, keep=0) if _has_invisible(normalized) else (normalized, None)
    )
    # Chained str.replace measured faster than str.translate for this (issue 6).
    for mark in QUOTE_MARKS[1:]:
        visible = visible.replace(mark, '"')
    for dash in DASHES[1:]:
        visible = visible.replace(dash, "-")
    folded, space_map = _drop(WHITE_SPACE.sub(" ", visible), SPACE_RUN, keep=1)
    maps = tuple(m for m in (nfc_map, invisible_map, space_map) if m is not None)
    return Folded(folded, maps, text)


def fold_text(text: str) -> str:
    """The text `fold` makes, without the offset map: for what is only compared, never mapped.

    The steps are `fold`'s, so the two give the same text (tests/test_fold_text.py):
    NFC cluster by cluster as `_normalize` does (which differs from NFC of the whole
    text, for Hangul jamo say); removing INVISIBLE is `_drop(keep=0)`; and one space
    for each run of white space is WHITE_SPACE then `_drop(SPACE_RUN, keep=1)`.
    """
    if text.isascii():
        # Most quotes: NFC leaves ASCII as it is, and no invisible character is ASCII.
        visible = text
        marks, dashes = ASCII_QUOTE_MARKS, ASCII_DASHES
    else:
        visible, _ = _normalize(text)
        if _has_invisible(visible):
            visible = INVISIBLE.sub("", visible)
        marks, dashes = QUOTE_MARKS[1:], DASHES[1:]
    for mark in marks:
        visible = visible.replace(mark, '"')
    for dash in dashes:
        visible = visible.replace(dash, "-")
    return WHITE_SPACE_RUN.sub(" ", visible)


def fold_quote(text: str) -> str:
    """A quote, prefix or suffix folded and trimmed: its ends carry no meaning."""
    return fold_text(text).strip(" ")


@dataclass(frozen=True)
class Found:
    start: int
    end: int


@dataclass(frozen=True)
class NotFound:
    """The quote is not in the seed; `closest` is the nearest passage, if any."""

    closest: tuple[int, int] | None
    differs_in_case: bool


@dataclass(frozen=True)
class Ambiguous:
    """The quote occurs at each of `spans`; prefix and suffix did not pick one."""

    spans: tuple[tuple[int, int], ...]
    context_given: bool


Anchoring = Found | NotFound | Ambiguous


def word_places(text: str) -> dict[str, list[int]]:
    """Each word of a text with the offsets where it starts, in order."""
    places: dict[str, list[int]] = {}
    for match in WORD.finditer(text):
        places.setdefault(match.group(), []).append(match.start())
    return places


class SeedIndex:
    """A seed's article text folded once, for finding many quotes in it."""

    # A seed this long that is searched this often gets a word index: a scan
    # costs time in the seed's length per quote, the index about one lookup.
    INDEX_FROM_LENGTH = 100_000
    INDEX_FROM_SEARCHES = 32

    def __init__(self, text: str, body_start: int) -> None:
        self.body_start = body_start
        self.folded = fold(text[body_start:])
        self.searches = 0
        self.words: dict[str, list[int]] | None = None

    def _seed_span(self, start: int, end: int) -> tuple[int, int]:
        span_start, span_end = self.folded.original_span(start, end)
        return span_start + self.body_start, span_end + self.body_start

    def occurrences(self, quote: str) -> list[int]:
        """Folded start offsets of every occurrence, overlapping ones included."""
        self.searches += 1
        if (
            self.words is None
            and self.searches > self.INDEX_FROM_SEARCHES
            and len(self.folded.text) > self.INDEX_FROM_LENGTH
        ):
            self.words = word_places(self.folded.text)
        if self.words is not None:
            found = self.indexed_occurrences(quote, self.words)
            if found is not None:
                return found
        return self.scanned_occurrences(quote)

    def scanned_occurrences(self, quote: str) -> list[int]:
        haystack = self.folded.text
        found = []
        position = haystack.find(quote)
        while position != -1:
            found.append(position)
            position = haystack.find(quote, position + 1)
        return found

    def indexed_occurrences(self, quote: str, words: dict[str, list[int]]) -> list[int] | None:
        """Occurrences found through the quote's rarest inner word, or None if it has none.

        An inner word (neither first nor last) of the quote stands whole in the
        seed wherever the quote does, since the characters around it are the
        quote's own; so every occurrence is one of that word's places.
        """
        inner = list(WORD.finditer(quote))[1:-1]
        if not inner:
            return None
        rarest = min(inner, key=lambda match: len(words.get(match.group(), ())))
        haystack = self.folded.text
        starts = (place - rarest.start() for place in words.get(rarest.group(), ()))
        return [start for start in starts if start >= 0 and haystack.startswith(quote, start)]

    def _fits_context(self, start: int, end: int, prefix: str, suffix: str) -> bool:
        haystack = self.folded.text
        if prefix:
            # White space at the seam counts as one space, or none.
            seam = start - 1 if start and haystack[start - 1] == " " else start
            if not haystack.endswith(prefix, 0, seam):
                return False
        if suffix:
            seam = end + 1 if haystack[end : end + 1] == " " else end
            if not haystack.startswith(suffix, seam):
                return False
        return True

    def find(self, quote: str, prefix: str = "", suffix: str = "") -> Anchoring:
        """Anchor a quote (with optional prefix/suffix) to one span of the seed."""
        folded_quote = fold_quote(quote)
        folded_prefix = fold_quote(prefix) if prefix else ""
        folded_suffix = fold_quote(suffix) if suffix else ""
        starts = self.occurrences(folded_quote)
        if not starts:
            # A regex ignores case character by character, so offsets stay those of the
            # text (str.lower() may lengthen it: 'İ'.lower() is two characters).
            other_case = re.search(re.escape(folded_quote), self.folded.text, re.IGNORECASE)
            if other_case:
                closest = self._seed_span(other_case.start(), other_case.end())
                return NotFound(closest, differs_in_case=True)
            return NotFound(self.closest_passage(folded_quote), differs_in_case=False)
        length = len(folded_quote)
        fitting = [
            start
            for start in starts
            if self._fits_context(start, start + length, folded_prefix, folded_suffix)
        ]
        if len(fitting) == 1:
            return Found(*self._seed_span(fitting[0], fitting[0] + length))
        candidates = fitting or starts
        spans = tuple(self._seed_span(start, start + length) for start in candidates)
        return Ambiguous(spans, context_given=bool(folded_prefix or folded_suffix))

    def closest_passage(self, folded_quote: str) -> tuple[int, int] | None:
        """The seed span most like the quote: a word window scored by shared words, then refined.

        One pass over the seed's words (linear), then difflib on the few best windows.
        """
        wanted = Counter(word.lower() for word in WORD.findall(folded_quote))
        size = sum(wanted.values())
        words = list(WORD.finditer(self.folded.text))
        if not size or not words:
            return None
        size = min(size, len(words))
        window: Counter[str] = Counter()
        shared = 0
        best_score = -1
        best_starts: list[int] = []
        for index, match in enumerate(words):
            word = match.group().lower()
            if word in wanted:
                if window[word] < wanted[word]:
                    shared += 1
                window[word] += 1
            if index >= size:
                old = words[index - size].group().lower()
                if old in wanted:
                    window[old] -= 1
                    if window[old] < wanted[old]:
                        shared -= 1
            if index >= size - 1:
                first = index - size + 1
                if shared > best_score:
                    best_score, best_starts = shared, [first]
                elif shared == best_score and len(best_starts) < 20:
                    best_starts.append(first)
        if best_score <= 0:
            return None

        def similarity(window: tuple[int, int]) -> float:
            text = self.folded.text[words[window[0]].start() : words[window[1]].end()]
            return difflib.SequenceMatcher(None, folded_quote, text, autojunk=False).ratio()

        first = max(best_starts, key=lambda start: (similarity((start, start + size - 1)), -start))
        # The passage may be a few words longer or shorter than the quote: let its ends move.
        reach = range(-3, 4)
        windows = [
            (first + left, first + size - 1 + right)
            for left in reach
            for right in reach
            if 0 <= first + left <= first + size - 1 + right < len(words)
        ]
        start, last = max(windows, key=lambda window: (similarity(window), -window[0], window[1]))
        # Similarity favours dropping a reworded word at an end ("he desired" matches
        # "he" better than "he wanted"); take in the seed's counterpart of each.
        inside = {match.group().lower() for match in words[start : last + 1]}
        quote_words = [word.lower() for word in WORD.findall(folded_quote)]
        leading = next((i for i, w in enumerate(quote_words) if w in inside), 0)
        trailing = next((i for i, w in enumerate(reversed(quote_words)) if w in inside), 0)
        # Only where the window ends on a word of the quote: else the counterpart is in.
        if words[start].group().lower() not in quote_words:
            leading = 0
        if words[last].group().lower() not in quote_words:
            trailing = 0
        start, last = max(0, start - leading), min(len(words) - 1, last + trailing)
        return self._seed_span(words[start].start(), words[last].end())


def first_difference(quote: str, passage: str, context: int = 30) -> tuple[str, str] | None:
    """Where a quote first departs from the passage it nearly matches, as (quote, seed) excerpts.

    Both are folded first, so only differences that matter for matching show.
    Returns None when they fold to the same text.
    """
    folded_quote, folded_passage = fold_quote(quote), fold_quote(passage)
    matcher = difflib.SequenceMatcher(None, folded_quote, folded_passage, autojunk=False)
    for tag, quote_start, quote_end, passage_start, passage_end in matcher.get_opcodes():
        if tag == "equal":
            continue

        def around(text: str, start: int, end: int) -> str:
            left, right = max(0, start - context), min(len(text), end + context)
            return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")

        return (
            around(folded_quote, quote_start, quote_end),
            around(folded_passage, passage_start, passage_end),
        )
    return None
