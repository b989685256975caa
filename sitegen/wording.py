"""Where two wordings of one passage differ, word by word.

Words are compared case-folded and without punctuation ("Trump's," and
"trump's" are one word), in order, by difflib's longest-matching-blocks
algorithm. A run of words one wording has where the other has other words is
*changed*; a run with nothing in the other wording is *only* in this one (the
other drops it, or this one adds it).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .model import Span

TOKEN = re.compile(r"\S+")
NOT_WORD = re.compile(r"[\W_]+")

Difference = Literal["changed", "only"]


@dataclass(frozen=True)
class Word:
    span: Span  # in the seed
    key: str  # what is compared


@dataclass(frozen=True)
class Run:
    """Consecutive words of one wording that the other does not share."""

    span: Span
    difference: Difference


def words(text: str, spans: Sequence[Span]) -> list[Word]:
    """The words of a passage (several spans of one seed), punctuation-only tokens left out."""
    found = []
    for span in spans:
        for token in TOKEN.finditer(text, span.start, span.end):
            key = NOT_WORD.sub("", unicodedata.normalize("NFKC", token.group()).casefold())
            if key:
                found.append(Word(Span(token.start(), token.end()), key))
    return found


def differences(first: Sequence[Word], second: Sequence[Word]) -> tuple[list[Run], list[Run]]:
    """The runs of each wording that differ from the other."""
    matcher = difflib.SequenceMatcher(
        None, [w.key for w in first], [w.key for w in second], autojunk=False
    )
    mine: list[Run] = []
    theirs: list[Run] = []
    for tag, first_start, first_end, second_start, second_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        kind: Difference = "changed" if tag == "replace" else "only"
        if first_end > first_start:
            mine.append(_run(first[first_start:first_end], kind))
        if second_end > second_start:
            theirs.append(_run(second[second_start:second_end], kind))
    return mine, theirs


def _run(run: Sequence[Word], kind: Difference) -> Run:
    return Run(Span(run[0].span.start, run[-1].span.end), kind)


def shared_share(first: Sequence[Word], second: Sequence[Word]) -> float:
    """The share of the words of both wordings that they have in common, in order."""
    total = len(first) + len(second)
    if not total:
        return 1.0
    matcher = difflib.SequenceMatcher(
        None, [w.key for w in first], [w.key for w in second], autojunk=False
    )
    return 2 * sum(block.size for block in matcher.get_matching_blocks()) / total
