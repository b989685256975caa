"""Cutting an article's text into sentences, the units the coverage view aligns.

A sentence is a span of the seed (code point offsets, header included, as
everywhere). The cut is rule-based, since a news story's traps are few and
known:

- a period after an abbreviation ("Mr.", "Gen.", "U.S.", "J.") ends nothing;
- a sentence ends only where the next one starts with a capital letter or a
  digit, maybe after an opening quotation mark or bracket ("... wealth. Its",
  "... said. \u201cWe"), so "(Trump - ed.) wants" and "Americans. - the
  publication quotes" stay whole;
- closing quotation marks and brackets after the period belong to the
  sentence they close ("... anyway.\u201d");
- a paragraph's label ("Quote:", "Details:") is not part of its first
  sentence, and a paragraph always ends a sentence, even without a period
  (a headline, a "Source: The New York Times" line);
- spans the editor omitted (`omit:`) are cut out before anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import Span
from .seeds import Seed

# Words that end with a period and are not the end of a sentence in English news
# copy. Lower case, without the period. Single letters (initials, "U." of
# "U.S.") are handled by rule, not listed.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt ft gen col lt capt cpt sgt maj adm cmdr rev hon
    pres gov sen rep amb supt insp det fr sec dept est approx vs etc ed eds al cf ca
    jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp bros plc
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# "No. 5", "pp. 3", "Art. 5": abbreviations only when a number follows.
NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "p", "pp", "vol", "art", "fig", "ch", "sect"})

OPENERS = "\"'“‘„‚«‹([{–—-"  # noqa: RUF001 (these look alike on purpose)
# A candidate end: terminal punctuation, then closing marks, then white space.
CANDIDATE_END = re.compile(r"[.!?…]+[\"'”’»›)\]]*(?=\s)")  # noqa: RUF001
WORD_BEFORE = re.compile(r"(?:\w+\.)*\w+$")


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article: its span in the seed and its place in the article."""

    index: int  # 0-based, in the order of the article's text
    paragraph: int  # index into Seed.paragraphs
    span: Span


def _is_abbreviation(text: str, end: int, next_start: int) -> bool:
    """Whether the period at text[end - 1] closes an abbreviation rather than a sentence."""
    start = max(0, end - 40)
    # The word has no space or line break in it: search after the last one (the regex
    # tries every start it is given, and most of these 40 cannot start it).
    start = max(start, text.rfind(" ", start, end - 2) + 1, text.rfind("\n", start, end - 2) + 1)
    match = WORD_BEFORE.search(text, start, end - 1)
    if match is None:
        return False
    word = match.group()
    lower = word.lower()
    if "." in word or len(word) == 1:
        return True  # "U.S.", "e.g.", an initial
    if lower in ABBREVIATIONS:
        return True
    return lower in NUMBER_ABBREVIATIONS and text[next_start : next_start + 1].isdigit()


def _starts_sentence(text: str, position: int, end: int) -> tuple[bool, int]:
    """Whether text[position:end] opens a new sentence, and where its first letter is."""
    cursor = position
    while cursor < end and (text[cursor] in OPENERS or text[cursor].isspace()):
        cursor += 1
    if cursor >= end:
        return False, cursor
    first = text[cursor]
    return first.isupper() or first.isdigit(), cursor


def _cut(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The sentences of text[start:end] (a piece of one paragraph), trimmed of white space."""
    sentence_start = start
    for candidate in CANDIDATE_END.finditer(text, start, end):
        stop = candidate.end()
        if stop >= end:
            break
        next_start = stop
        while next_start < end and text[next_start].isspace():
            next_start += 1
        opens, letter = _starts_sentence(text, next_start, end)
        if not opens:
            continue
        terminal = candidate.group().rstrip("\"'”’»›)]")  # noqa: RUF001
        if terminal == "." and _is_abbreviation(text, candidate.start() + 1, letter):
            continue
        yield sentence_start, stop
        sentence_start = next_start
    yield sentence_start, end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _kept_pieces(start: int, end: int, omitted: Sequence[Span]) -> Iterator[tuple[int, int]]:
    """The parts of [start, end) outside every omitted span."""
    position = start
    for span in sorted(omitted, key=lambda s: s.start):
        if span.end <= position or span.start >= end:
            continue
        if span.start > position:
            yield position, span.start
        position = max(position, span.end)
    if position < end:
        yield position, end


def split_sentences(seed: Seed, omitted: Sequence[Span] = ()) -> tuple[Sentence, ...]:
    """Every sentence of the seed's article text, in order, leaving out omitted spans."""
    text = seed.text
    sentences: list[Sentence] = []
    for number, paragraph in enumerate(seed.paragraphs):
        body_start = paragraph.label_end if paragraph.label else paragraph.start
        for piece_start, piece_end in _kept_pieces(body_start, paragraph.end, omitted):
            for start, end in _cut(text, piece_start, piece_end):
                trimmed = _trimmed(text, start, end)
                if trimmed and any(character.isalnum() for character in text[slice(*trimmed)]):
                    sentences.append(Sentence(len(sentences), number, Span(*trimmed)))
    return tuple(sentences)
