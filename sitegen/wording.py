"""Where two wordings of one passage differ, word by word.

Words are compared case-folded and without punctuation ("Trump's," and
"trump's" are one word), in order, by difflib's longest-matching-blocks
algorithm (`matching_blocks`). A run of words one wording has where the
other has other words is *changed*; a run with nothing in the other wording
is *only* in this one (the other drops it, or this one adds it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, cast

from .model import Span

TOKEN = re.compile(r"\S+")
NOT_WORD = re.compile(r"[\W_]+")

Difference = Literal["changed", "only"]


@dataclass(frozen=True)
class Wording:
    """The words of a passage: what each compares as, and where it is in the seed.

    Two lists, not a list of word objects: a story's view reads every word of its
    articles, and making an object (and a Span) for each cost more than reading it.
    """

    keys: list[str]
    places: list[tuple[int, int]]  # (start, end) in the seed


class Run(NamedTuple):
    """Consecutive words of one wording that the other does not share: seed offsets,
    end exclusive, as in a Span.

    A named tuple, not a frozen dataclass with a Span: a story's view makes hundreds
    of runs, and a tuple costs a third as much to make.
    """

    start: int
    end: int
    difference: Difference


@dataclass(frozen=True)
class WordingDifferences:
    """How two wordings differ: the runs of each, and the share of words they have in common."""

    first: list[Run]
    second: list[Run]
    shared: float  # of the words of both, in order; 1.0 for two empty wordings


# What each token compares as, kept across stories: news copy repeats its words, and a
# dict read inline costs less than a call per token. Cleared when full, so that a long
# `sitegen serve` does not grow it without end.
_keys: dict[str, str] = {}
_KEYS_LIMIT = 1 << 16


def _key(token: str) -> str:
    """What a token compares as; '' for punctuation."""
    if len(_keys) >= _KEYS_LIMIT:
        _keys.clear()
    key = _keys[token] = NOT_WORD.sub("", unicodedata.normalize("NFKC", token).casefold())
    return key


def words(text: str, spans: Sequence[Span]) -> Wording:
    """The words of a passage (several spans of one seed), punctuation-only tokens left out."""
    keys: list[str] = []
    places: list[tuple[int, int]] = []
    for span in spans:
        # Each token's key and place read by map() (in C), not a statement each: a story's
        # view reads thousands of words. A span of known words only, the common case, is
        # taken whole.
        tokens = list(TOKEN.finditer(text, span.start, span.end))
        found = list(map(_keys.get, map(re.Match.group, tokens)))
        if all(found):
            keys += cast(list[str], found)  # all() saw no None
            places += map(re.Match.span, tokens)
            continue
        for token, key in zip(tokens, found, strict=True):
            if key is None:
                key = _key(token[0])
            if key:
                keys.append(key)
                places.append(token.span())
    return Wording(keys, places)


def differences(first: Wording, second: Wording) -> WordingDifferences:
    """The runs of each wording that differ from the other, and the words they share."""
    blocks = matching_blocks(first.keys, second.keys)
    mine: list[Run] = []
    theirs: list[Run] = []
    i = j = 0  # where each wording's words stand: past the last matching block
    for block_i, block_j, size in blocks:
        # Before a matching block: words of both (changed), or of one only.
        kind: Difference = "changed" if i < block_i and j < block_j else "only"
        if i < block_i:
            mine.append(_run(first, i, block_i, kind))
        if j < block_j:
            theirs.append(_run(second, j, block_j, kind))
        i, j = block_i + size, block_j + size
    total = len(first.keys) + len(second.keys)
    shared = 2 * sum(size for _, _, size in blocks) / total if total else 1.0
    return WordingDifferences(mine, theirs, shared)


def _run(wording: Wording, start: int, end: int, kind: Difference) -> Run:
    """The run of words start..end - 1 of a wording."""
    return Run(wording.places[start][0], wording.places[end - 1][1], kind)


def matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """`difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()`, as
    plain (i, j, size) tuples, the final (len(a), len(b), 0) included.

    difflib's algorithm step for step, with its names, less what it does for
    junk and popular elements (there are none without `isjunk` and
    `autojunk`): the longest matching block of a[alo:ahi] and b[blo:bhi],
    earliest in a, then in b; then the same on each side of it. On a
    sentence's words, the matcher's general machinery costs more than the
    matching. tests/test_align_wording.py holds it to difflib.
    """
    b2j: dict[str, list[int]] = {}
    for j, element in enumerate(b):
        b2j.setdefault(element, []).append(j)
    queue = [(0, len(a), 0, len(b))]
    blocks = []
    while queue:
        alo, ahi, blo, bhi = queue.pop()
        besti, bestj, bestsize = alo, blo, 0
        j2len: dict[int, int] = {}  # the length of the match ending at a[i - 1] and b[j]
        for i in range(alo, ahi):
            newj2len = {}
            for j in b2j.get(a[i], ()):
                if j < blo:
                    continue
                if j >= bhi:
                    break
                k = newj2len[j] = j2len.get(j - 1, 0) + 1
                if k > bestsize:
                    besti, bestj, bestsize = i - k + 1, j - k + 1, k
            j2len = newj2len
        if bestsize:
            blocks.append((besti, bestj, bestsize))
            if alo < besti and blo < bestj:
                queue.append((alo, besti, blo, bestj))
            if besti + bestsize < ahi and bestj + bestsize < bhi:
                queue.append((besti + bestsize, ahi, bestj + bestsize, bhi))
    blocks.sort()
    joined: list[tuple[int, int, int]] = []  # adjacent blocks as one, as difflib gives them
    for i, j, k in blocks:
        if joined and joined[-1][0] + joined[-1][2] == i and joined[-1][1] + joined[-1][2] == j:
            joined[-1] = (joined[-1][0], joined[-1][1], joined[-1][2] + k)
        else:
            joined.append((i, j, k))
    joined.append((len(a), len(b), 0))
    return joined
