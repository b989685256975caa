"""Quotations found in an article's text, who the text says spoke them, and the same one elsewhere.

A quotation is text between double quotation marks (straight, curly, low or
angle: `" “ ” „ « »`) of three words or more, so scare quotes around a word
("Organisation") are left alone, or the text of a `Quote:` paragraph. Single
marks are not read as quotation marks: they are apostrophes far more often.
A quotation may run over paragraphs, as the press writes them: opened in one
paragraph and closed in a later one.

Its speaker is taken from the words around it, and only where the text names
one with a verb of saying right at the quotation:

- after it: `..." wrote former US Ambassador to Ukraine Bridget Brink.`,
  `..." Trump added.`, `...," according to the official.`
- before it: `Trump said that "...`, `quotes an unnamed European official
  who "...`
- a `Quote:` paragraph: the outlet's `Source:` paragraph before it.

"he wrote" names nobody, so that quotation has no speaker: a wrong name is
worse than none. The same quotation in different articles is found by the
similarity measure of the alignment (`similarity`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Span
from .seeds import Paragraph, Seed
from .similarity import Vector, Weights, similar_pairs, terms

OPENING = "“„«"
CLOSING = "”»"
STRAIGHT = '"'
MARKS = OPENING + CLOSING + STRAIGHT
MINIMUM_WORDS = 3
QUOTE_LABELS = ("Quote", "Quotes")
SOURCE_LABELS = ("Source",)

# Measured on the example story (tests/test_align_quality.py): the two quotations
# both outlets carry score 0.35 and 0.58 against each other; the best pair of
# different quotations 0.16. The threshold sits in the middle of that gap.
SAME_QUOTATION = 0.25

VERBS = (
    r"(?:said|says|say|wrote|writes|added|adds|told|tells|stated|states|noted|notes|"
    r"explained|explains|argued|argues|insisted|insists|claimed|claims|declared|declares|"
    r"warned|warns|asked|asks|replied|replies|posted|tweeted|continued|concluded|"
    r"stressed|emphasised|emphasized|recalled|according to)"
)
NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|of|to|for|the|de|van|von|al|bin))*"  # noqa: RUF001
PRONOUNS = frozenset(
    "he she they it we i you this that these those there his her their its the a an one".split()  # noqa: SIM905 (a word list reads best as words)
)
SPEAKER_AFTER = [
    # `..." wrote former US Ambassador to Ukraine Bridget Brink.`
    re.compile(rf"^[\s,.]*{VERBS}\s+(?P<speaker>[^.,;:!?\n\"“”]+)"),
    # `..." Trump added.`
    re.compile(rf"^[\s,.]*(?P<speaker>{NAME})\s+{VERBS}\b"),
]
SPEAKER_BEFORE = [
    # `Trump said that "...`, `Trump wrote: "...`
    re.compile(rf"(?P<speaker>{NAME})\s+{VERBS}(?:\s+that)?[\s,:]*$"),
    # `quotes an unnamed European official who "...`
    re.compile(
        r"\b(?:quotes?|quoted|quoting|cites?|cited|citing)\s+"
        r"(?P<speaker>(?:an?|the)\s+[^.,;:!?\n\"“”]+?)\s+(?:who|as saying)[\s,:]*$"
    ),
]


@dataclass(frozen=True)
class Quotation:
    """Quoted words of one article: the span holds the words, without the marks."""

    article: str
    span: Span
    speaker: str = ""


@dataclass(frozen=True)
class QuotationGroup:
    """The same quotation as two or more articles give it (or one article's alone)."""

    quotations: tuple[Quotation, ...]
    score: float = 0.0  # the mean similarity of its linked pairs

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.article for q in self.quotations))


def _is_opening(text: str, position: int) -> bool:
    """Whether the mark at `position` opens a quotation (straight marks by their neighbours)."""
    mark = text[position]
    if mark in OPENING:
        return True
    if mark in CLOSING:
        return False
    before = text[position - 1] if position else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    if before.isspace() or before in "([{–—-:":  # noqa: RUF001
        return not after.isspace()
    return False


def _marks(text: str) -> list[tuple[int, bool]]:
    """The quotation marks of the text, in text order, each with whether it opens."""
    # Found mark by mark with str.find (memchr), several times faster than one scan of
    # the regex engine over the text; and once for the whole text rather than once a
    # paragraph, as most paragraphs have none.
    positions = []
    for mark in MARKS:
        at = text.find(mark)
        while at >= 0:
            positions.append(at)
            at = text.find(mark, at + 1)
    return [(position, _is_opening(text, position)) for position in sorted(positions)]


def _trimmed(text: str, start: int, end: int) -> Span | None:
    """The words between two marks: white space and a trailing comma or colon dropped."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    if len(text[start:end].split()) < MINIMUM_WORDS:
        return None
    return Span(start, end)


def _outside(span: Span, omitted: Sequence[Span]) -> bool:
    return not any(o.start < span.end and span.start < o.end for o in omitted)


def _spans(seed: Seed, omitted: Sequence[Span]) -> list[tuple[Span, int, int]]:
    """Every quotation span, with the paragraphs it opens and closes in."""
    text = seed.text
    paragraphs = seed.paragraphs
    found: list[tuple[Span, int, int]] = []
    carried: tuple[int, int] | None = None  # an opening mark still open: (offset, paragraph)
    text_marks = _marks(text)
    positions = [position for position, _ in text_marks]
    for number, paragraph in enumerate(paragraphs):
        body = paragraph.label_end if paragraph.label else paragraph.start
        marks = text_marks[
            bisect.bisect_left(positions, body) : bisect.bisect_left(positions, paragraph.end)
        ]
        if carried is not None:
            # A quotation left open goes on only if this paragraph closes it before opening another.
            first = marks[0] if marks else None
            if first is not None and not first[1]:
                span = _trimmed(text, carried[0] + 1, first[0])
                if span:
                    found.append((span, carried[1], number))
                marks = marks[1:]
            elif paragraphs[carried[1]].label in QUOTE_LABELS:
                span = _trimmed(text, carried[0] + 1, paragraphs[carried[1]].end)
                if span:
                    found.append((span, carried[1], carried[1]))
            carried = None
        opened: int | None = None
        for position, opens in marks:
            # German „low-high“: the high mark that opens elsewhere closes here.
            closes = not opens or (opened is not None and text[opened] + text[position] == "„“")
            if opened is None and opens:
                opened = position
            elif opened is not None and closes:
                span = _trimmed(text, opened + 1, position)
                if span:
                    found.append((span, number, number))
                opened = None
        if opened is not None:
            carried = (opened, number)
        elif paragraph.label in QUOTE_LABELS and not marks:
            span = _trimmed(text, body, paragraph.end)
            if span:
                found.append((span, number, number))
    if carried is not None and paragraphs[carried[1]].label in QUOTE_LABELS:
        span = _trimmed(text, carried[0] + 1, paragraphs[carried[1]].end)
        if span:
            found.append((span, carried[1], carried[1]))
    return [item for item in found if _outside(item[0], omitted)]


def _clean_speaker(phrase: str) -> str:
    words = phrase.split()
    if not words or len(words) > 12 or words[0].lower() in PRONOUNS - {"a", "an", "the"}:
        return ""
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return ""
    if not any(word[:1].isupper() for word in words) and words[0].lower() not in ("a", "an"):
        return ""
    return " ".join(words).rstrip(".")


def _speaker(seed: Seed, span: Span, opened_in: Paragraph, closed_in: Paragraph) -> str:
    """Who the text says spoke the quotation at `span`, or ''."""
    text = seed.text
    after = text[span.end : closed_in.end]
    after = after[next((i for i, c in enumerate(after) if c in MARKS), -1) + 1 :]
    for pattern in SPEAKER_AFTER:
        match = pattern.match(after[:120])
        if match and (speaker := _clean_speaker(match.group("speaker"))):
            return speaker
    start = opened_in.label_end if opened_in.label else opened_in.start
    before = text[start : span.start].rstrip()
    before = before[:-1] if before[-1:] in MARKS else before
    for pattern in SPEAKER_BEFORE:
        match = pattern.search(before[-160:])
        if match and (speaker := _clean_speaker(match.group("speaker"))):
            return speaker
    return ""


def _source_before(seed: Seed, number: int) -> str:
    """The text of the last `Source:` paragraph before paragraph `number`, or ''."""
    for paragraph in reversed(seed.paragraphs[:number]):
        if paragraph.label in SOURCE_LABELS:
            return " ".join(seed.text[paragraph.label_end : paragraph.end].split())
    return ""


def find_quotations(article: str, seed: Seed, omitted: Sequence[Span] = ()) -> list[Quotation]:
    """Every quotation of an article, in text order, with its speaker where the text names one."""
    quotations = []
    for span, opened, closed in _spans(seed, omitted):
        paragraphs = seed.paragraphs
        speaker = _speaker(seed, span, paragraphs[opened], paragraphs[closed])
        if not speaker and paragraphs[opened].label in QUOTE_LABELS:
            speaker = _source_before(seed, opened)
        quotations.append(Quotation(article, span, speaker))
    return sorted(quotations, key=lambda q: q.span.start)


def group_quotations(
    quotations: Sequence[Quotation], texts: dict[str, str], weights: Weights
) -> list[QuotationGroup]:
    """The quotations grouped with the same quotation in other articles, in story order.

    `texts` maps article ids to their seed's text. Two quotations of different
    articles are the same when their words score `SAME_QUOTATION` or more.
    """
    vectors = [
        weights.vector(terms(texts[q.article][q.span.start : q.span.end])) for q in quotations
    ]
    by_article: dict[str, list[tuple[int, Vector]]] = {}
    for index, quotation in enumerate(quotations):
        by_article.setdefault(quotation.article, []).append((index, vectors[index]))
    parent = list(range(len(quotations)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    linked: list[tuple[int, float]] = []
    for one, other in itertools.combinations(by_article, 2):
        pairs = similar_pairs(by_article[one], by_article[other], SAME_QUOTATION)
        for (first, second), score in sorted(pairs.items()):
            linked.append((first, score))
            top, bottom = sorted((root(first), root(second)))
            parent[bottom] = top
    scores: dict[int, list[float]] = {}
    for first, score in linked:
        scores.setdefault(root(first), []).append(score)
    members: dict[int, list[int]] = {}
    for index in range(len(quotations)):
        members.setdefault(root(index), []).append(index)
    return [
        QuotationGroup(
            quotations=tuple(quotations[i] for i in indexes),
            score=round(sum(scores.get(top, [])) / len(scores[top]), 3) if top in scores else 0.0,
        )
        for top, indexes in members.items()
    ]
