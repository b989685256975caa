"""Anchoring one quote in its seed, and telling the editor exactly what is wrong.

`check_quote` matches a quote (with its prefix and suffix) in the seed, falls
back to re-anchoring for a seed scraped again, and otherwise returns the
problem in an editor's words: the closest passage, the line of each
occurrence, a prefix or suffix to copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from .anchor import Ambiguous, Found, NotFound, SeedIndex, first_difference, fold_quote
from .drift import drift_warning, unclear_error
from .errors import Location, Problem
from .model import Span
from .reanchor import Matcher, Reanchored, Unclear
from .seeds import Seed
from .yaml_source import quoted

EXCERPT_LENGTH = 160


@dataclass(frozen=True)
class Quote:
    """A quote as the editor gave it, with where it stands in the YAML."""

    location: Location
    article_id: str
    text: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Outcome:
    span: Span | None  # None when the quote names no span of the seed
    problems: tuple[Problem, ...] = ()
    exact: bool = False  # matched word for word (after folding)


def words_before(seed: Seed, offset: int, count: int = 4) -> str:
    """The last few words of the seed's article text before an offset, to suggest a prefix."""
    return " ".join(seed.text[max(seed.body_start, offset - 60) : offset].split()[-count:])


def words_after(seed: Seed, offset: int, count: int = 4) -> str:
    return " ".join(seed.text[offset : offset + 60].split()[:count])


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1] + "…"


def not_found_hint(seed: Seed, quote: str, result: NotFound) -> str:
    """Where the seed comes closest to a quote it does not hold, and where the two part."""
    if not result.closest:
        return "copy the quote from the seed; nothing in it comes close"
    start, end = result.closest
    passage = seed.text[start:end]
    if result.differs_in_case:
        return (
            f"the seed has it with other capitals, line {seed.line_of(start)}: “{excerpt(passage)}”"
        )
    hint = f"closest passage, line {seed.line_of(start)}: “{excerpt(passage)}”"
    difference = first_difference(quote, passage)
    if difference:
        hint += f"\nthe quote has “{difference[0]}” where the seed has “{difference[1]}”"
    return hint


def seed_lines(seed: Seed, spans: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(str(seed.line_of(start)) for start, _ in spans)


def context_hint(seed: Seed, spans: tuple[tuple[int, int], ...], key: str, title: str) -> str:
    """For each occurrence (up to five), the words right before or after it, as YAML to copy."""
    lines = [title]
    for start, end in spans[:5]:
        words = words_before(seed, start) if key == "prefix" else words_after(seed, end)
        lines.append(f"  line {seed.line_of(start)}: {key}: {quoted(words)}")
    return "\n".join(lines)


def fits_somewhere(index: SeedIndex, quote: str, key: str, text: str) -> bool:
    """Whether the seed has the quote with this prefix (or suffix) at the seam, anywhere.

    The seam is one space or none, as in matching (FORMAT.md).
    """
    pieces = (text, quote) if key == "prefix" else (quote, text)
    return any(not isinstance(index.find(seam.join(pieces)), NotFound) for seam in (" ", ""))


def check_quote(
    quote: Quote, seed: Seed, index: SeedIndex, once_matched: frozenset[str]
) -> Outcome:
    """The span a quote names in its seed, or the problem that says why there is none.

    `once_matched` holds the quotes (folded) that matched this seed word for word
    in earlier builds: only those are re-anchored when the seed has changed.
    """
    result = index.find(quote.text, quote.prefix, quote.suffix)
    if isinstance(result, Found):
        return Outcome(Span(result.start, result.end), exact=True)
    where = f"seeds/{seed.name}"
    context = {"prefix": quote.prefix, "suffix": quote.suffix}
    if isinstance(result, NotFound):
        # The seed may have been re-scraped: find the quote again, or say why not.
        again = Matcher(index).reanchor(quote.text, quote.prefix, quote.suffix)
        if isinstance(again, Reanchored):
            # Only a quote that matched this seed before can have been moved by a
            # re-scrape; any other is the editor's to fix (FORMAT.md: an error).
            drifted = fold_quote(quote.text) in once_matched
            problem = drift_warning(
                quote.location, seed, quote.article_id, quote.text, context, again, drifted
            )
            return Outcome(Span(again.start, again.end) if drifted else None, (problem,))
        if isinstance(again, Unclear):
            problem = unclear_error(
                quote.location, seed, quote.article_id, quote.text, context, again
            )
            return Outcome(None, (problem,))
        return Outcome(
            None,
            (
                Problem(
                    quote.location,
                    f"the quote is not in {where} (article '{quote.article_id}')",
                    not_found_hint(seed, quote.text, result),
                ),
            ),
        )
    if not result.context_given:
        return Outcome(
            None,
            (
                Problem(
                    quote.location,
                    f"the quote occurs {len(result.spans)} times in {where} "
                    f"(lines {seed_lines(seed, result.spans)})",
                    context_hint(seed, result.spans, "prefix", "add a prefix that picks one:"),
                ),
            ),
        )
    return Outcome(None, (context_problem(quote, seed, index),))


def context_problem(quote: Quote, seed: Seed, index: SeedIndex) -> Problem:
    """Why a quote's prefix or suffix does not pick exactly one of its occurrences."""
    where = f"seeds/{seed.name}"
    found = index.find(quote.text)
    spans = found.spans if isinstance(found, Ambiguous) else ()
    if isinstance(found, Found):
        spans = ((found.start, found.end),)
    lines = seed_lines(seed, spans)
    given = {
        key: text for key, text in (("prefix", quote.prefix), ("suffix", quote.suffix)) if text
    }
    for key, text in given.items():
        if isinstance(index.find(text), NotFound):
            return Problem(
                quote.location,
                f"the {key} of this quote is not in {where}: '{excerpt(text)}'",
                f"copy the {key} from the seed, or drop it",
            )
    for key, text in given.items():
        if not fits_somewhere(index, quote.text, key, text):
            place = "after" if key == "prefix" else "before"
            if len(spans) == 1:
                message = f"the quote is in {where} (line {lines}), but not right {place} its {key}"
            else:
                message = (
                    f"the quote occurs {len(spans)} times in {where} (lines {lines}), "
                    f"but never right {place} its {key}"
                )
            title = f"the {key} that stands there:"
            hint = context_hint(seed, spans, key, title) + "\ncopy it from there, or drop it"
            return Problem(quote.location, message, hint)
    return Problem(
        quote.location,
        f"the quote occurs {len(spans)} times in {where} (lines {lines}), "
        f"and its {' and '.join(given)} {'do' if len(given) > 1 else 'does'} not pick one",
        context_hint(seed, spans, "prefix", "give a prefix that picks one:"),
    )
