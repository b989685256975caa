"""Finding a quote again after its seed was re-scraped and no longer holds it word for word.

Annotation tools re-anchor a highlight by fuzzy matching its quote, with the
text before and after it as context. They take the best candidate, whatever
it is, and so attach notes to lookalike sentences. Here a candidate is taken
only when it is close enough to the quote (`MIN_SCORE`), fits the prefix and
suffix the editor gave (`MIN_CONTEXT`), and is clearly ahead of the next one
(`MIN_LEAD`); anything else is `Unclear`, which the caller reports as an error
listing the candidates, never as a silent anchor.

How: the folded seed's words are scanned once with a window the size of the
quote, counting the words the two share (linear in the seed). The few best
windows are aligned word by word with the quote (edit distance over words, so
inserted and removed words cost one each), their ends moved onto the quote's
own punctuation, and scored by character similarity, ignoring case.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from .anchor import Ambiguous, Found, NotFound, SeedIndex, fold_quote

WORD = re.compile(r"\w+")

MIN_SCORE = 0.8  # character similarity of quote and passage, 0..1, case ignored
MIN_CONTEXT = 0.6  # similarity of the given prefix/suffix to the text around the passage
MAX_REPLACED = 6  # one replaced word is allowed per this many words of the quote (at least one)
MIN_LEAD = 0.06  # how far the taken passage must score ahead of the next candidate
CONTEXT_WEIGHT = 0.25  # the share of the prefix/suffix in a candidate's ranking, when given
EDIT = 1000  # the cost of one word edit in alignment; a matched word earns 1 back
MAX_CANDIDATES = 8  # windows aligned in detail; the rest share too few words to matter


@dataclass(frozen=True)
class Candidate:
    """A passage of the seed that resembles the quote. Offsets are the seed's, end exclusive."""

    start: int
    end: int
    score: float  # the quote's similarity to the passage
    context: float | None  # the prefix's and suffix's similarity to their places; None if none
    replaced: int = 0  # words of the quote that stand replaced by other words in the passage

    @property
    def rank(self) -> float:
        if self.context is None:
            return self.score
        return (1 - CONTEXT_WEIGHT) * self.score + CONTEXT_WEIGHT * self.context


@dataclass(frozen=True)
class Reanchored:
    """The quote, not in the seed as written, found again at one passage beyond doubt."""

    start: int
    end: int
    score: float
    runner_up: Candidate | None  # the next candidate, for the record


@dataclass(frozen=True)
class Unclear:
    """Passages come close to the quote, but none can be taken safely.

    `reason` is "close" when two or more candidates score about the same, and
    "context" when the passage most like the quote does not fit its prefix or suffix.
    """

    candidates: tuple[Candidate, ...]  # best first
    reason: str


Anchored = Found | Ambiguous | NotFound | Reanchored | Unclear


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _align(quote: list[str], region: list[str]) -> tuple[int, int]:
    """The slice of `region` that the word list `quote` aligns to at the least edit distance.

    Semi-global: the quote is aligned whole, the region only in part. Each
    edit (a word replaced, inserted or removed) costs `EDIT`, and each word
    matched earns one back, so of two alignments with as many edits the one
    matching more words wins: the seed's inserted words are taken into the
    passage instead of the quote's words around them being dropped. Ties go
    to the longer passage, so a reworded word at an end keeps its counterpart.
    """
    columns = len(region) + 1
    previous_cost = [0] * columns
    previous_start = list(range(columns))
    for word in quote:
        cost = [previous_cost[0] + EDIT] + [0] * (columns - 1)
        start = [0] * columns
        for j in range(1, columns):
            diagonal = previous_cost[j - 1] + (-1 if word == region[j - 1] else EDIT)
            options = (
                (diagonal, previous_start[j - 1]),
                (previous_cost[j] + EDIT, previous_start[j]),  # a quote word the seed lacks
                (cost[j - 1] + EDIT, start[j - 1]),  # a seed word the quote lacks
            )
            cost[j], start[j] = min(options, key=lambda option: option[0])
        previous_cost, previous_start = cost, start
    best = min(previous_cost[1:])
    end = max(j for j in range(1, columns) if previous_cost[j] == best)
    return previous_start[end], end


class Matcher:
    """Fuzzy re-anchoring of quotes in one seed."""

    def __init__(self, index: SeedIndex) -> None:
        self.index = index
        self.text = index.folded.text
        self.lower = self.text.lower()
        self.words = [(m.start(), m.end()) for m in WORD.finditer(self.lower)]
        self.tokens = [self.lower[start:end] for start, end in self.words]

    def seed_span(self, start: int, end: int) -> tuple[int, int]:
        span_start, span_end = self.index.folded.original_span(start, end)
        return span_start + self.index.body_start, span_end + self.index.body_start

    def windows(self, quote_words: list[str]) -> list[int]:
        """Word indexes where a window of the quote's length shares the most words with it."""
        wanted = Counter(quote_words)
        size = min(len(quote_words), len(self.tokens))
        window: Counter[str] = Counter()
        shared = 0
        scored: list[tuple[int, int]] = []
        for index, word in enumerate(self.tokens):
            if word in wanted:
                if window[word] < wanted[word]:
                    shared += 1
                window[word] += 1
            if index >= size:
                old = self.tokens[index - size]
                if old in wanted:
                    window[old] -= 1
                    if window[old] < wanted[old]:
                        shared -= 1
            if index >= size - 1:
                scored.append((shared, index - size + 1))
        least = max(1, len(quote_words) // 3)
        scored.sort(key=lambda item: (-item[0], item[1]))
        picked: list[int] = []
        for shared_words, first in scored:
            if shared_words < least or len(picked) == MAX_CANDIDATES:
                break
            # One window per place: neighbours of a picked window are the same passage.
            if all(abs(first - other) > size // 2 for other in picked):
                picked.append(first)
        return picked

    def passage(self, quote_words: list[str], first: int) -> tuple[int, int]:
        """The folded span that the quote's words align to, around a window."""
        pad = max(3, len(quote_words) // 2)
        low = max(0, first - pad)
        high = min(len(self.tokens), first + len(quote_words) + pad)
        start, end = _align(quote_words, self.tokens[low:high])
        if end <= start:
            end = start + 1
        return self.words[low + start][0], self.words[low + end - 1][1]

    def fit_ends(self, quote: str, start: int, end: int) -> tuple[int, int]:
        """Move the passage's ends over the punctuation next to it where the quote has it."""
        before = _end_of_word_before(self.words, start)
        after = _next_word_start(self.words, end, len(self.text))
        # Only over punctuation the quote has at that end: a quote that starts with a
        # word starts on one, even when a comma stands before it in the seed.
        if quote[:1].isalnum() or not quote:
            before = start
        if quote[-1:].isalnum() or not quote:
            after = end
        starts = [p for p in range(before, start + 1) if p == start or self.text[p] != " "]
        ends = [p for p in range(end, after + 1) if p == end or self.text[p - 1] != " "]
        lowered = quote.lower()
        return max(
            ((s, e) for s in starts for e in ends),
            # Ties go to the tightest passage.
            key=lambda span: (
                _similarity(lowered, self.lower[span[0] : span[1]]),
                span[0],
                -span[1],
            ),
        )

    def context_score(self, start: int, end: int, prefix: str, suffix: str) -> float | None:
        scores = []
        if prefix:
            before = self.lower[max(0, start - len(prefix) - 1) : start].rstrip(" ")
            scores.append(_similarity(prefix.lower(), before[-len(prefix) :]))
        if suffix:
            after = self.lower[end : end + len(suffix) + 1].lstrip(" ")
            scores.append(_similarity(suffix.lower(), after[: len(suffix)]))
        return sum(scores) / len(scores) if scores else None

    def candidates(self, quote: str, prefix: str, suffix: str) -> list[Candidate]:
        """Passages like the quote, best ranked first, one per place in the seed."""
        quote_words = WORD.findall(quote.lower())
        if not quote_words or not self.tokens:
            return []
        found: dict[tuple[int, int], Candidate] = {}
        for first in self.windows(quote_words):
            start, end = self.fit_ends(quote, *self.passage(quote_words, first))
            passage = self.lower[start:end]
            score = _similarity(quote.lower(), passage)
            context = self.context_score(start, end, prefix, suffix)
            replaced = _replaced_words(quote_words, WORD.findall(passage))
            found[(start, end)] = Candidate(start, end, score, context, replaced)
        ranked = sorted(found.values(), key=lambda c: (-c.rank, c.start))
        distinct: list[Candidate] = []
        for candidate in ranked:
            if all(
                candidate.end <= other.start or candidate.start >= other.end for other in distinct
            ):
                distinct.append(candidate)
        return [
            Candidate(*self.seed_span(c.start, c.end), c.score, c.context, c.replaced)
            for c in distinct
        ]

    def reanchor(
        self, quote: str, prefix: str = "", suffix: str = ""
    ) -> Reanchored | Unclear | None:
        """Find a quote that is not in the seed as written; None when nothing comes close."""
        folded_quote = fold_quote(quote)
        folded_prefix = fold_quote(prefix) if prefix else ""
        folded_suffix = fold_quote(suffix) if suffix else ""
        ranked = self.candidates(folded_quote, folded_prefix, folded_suffix)
        # Words inserted or removed leave the quote's meaning; a word replaced may not
        # ("a new road" is not "the new bridge"), so replacements are capped too.
        allowed = max(1, len(WORD.findall(folded_quote)) // MAX_REPLACED)
        close = [c for c in ranked if c.score >= MIN_SCORE and c.replaced <= allowed]
        if not close:
            return None
        most_alike = max(close, key=lambda c: (c.score, -c.start))
        if most_alike.context is not None and most_alike.context < MIN_CONTEXT:
            return Unclear(tuple(close[:5]), "context")
        leader = close[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        if leader.context is not None and leader.context < MIN_CONTEXT:
            return Unclear(tuple(close[:5]), "context")
        if runner_up is not None and leader.rank - runner_up.rank < MIN_LEAD:
            alike = [c for c in ranked if leader.rank - c.rank < MIN_LEAD]
            return Unclear(tuple(alike[:5]), "close")
        return Reanchored(leader.start, leader.end, leader.score, runner_up)


def _replaced_words(quote: list[str], passage: list[str]) -> int:
    """How many words of the quote the passage has replaced with others (not merely dropped)."""
    matcher = difflib.SequenceMatcher(None, quote, passage, autojunk=False)
    return sum(
        min(quote_end - quote_start, passage_end - passage_start)
        for tag, quote_start, quote_end, passage_start, passage_end in matcher.get_opcodes()
        if tag == "replace"
    )


def _end_of_word_before(words: list[tuple[int, int]], offset: int) -> int:
    """Where the last word that ends at or before `offset` ends (0 when none)."""
    low, high = 0, len(words)
    while low < high:
        middle = (low + high) // 2
        if words[middle][1] <= offset:
            low = middle + 1
        else:
            high = middle
    return words[low - 1][1] if low else 0


def _next_word_start(words: list[tuple[int, int]], offset: int, length: int) -> int:
    low, high = 0, len(words)
    while low < high:
        middle = (low + high) // 2
        if words[middle][0] < offset:
            low = middle + 1
        else:
            high = middle
    return words[low][0] if low < len(words) else length


def locate(index: SeedIndex, quote: str, prefix: str = "", suffix: str = "") -> Anchored:
    """Anchor a quote: exactly if it can be, else by fuzzy re-anchoring, else not at all.

    Found and NotFound are `SeedIndex.find`'s; an Ambiguous exact result is
    returned as it is (the editor must pick with a prefix, not the matcher).
    """
    exact = index.find(quote, prefix, suffix)
    if not isinstance(exact, NotFound):
        return exact
    again = Matcher(index).reanchor(quote, prefix, suffix)
    return exact if again is None else again
