"""Telling an editor about a quote that its re-scraped seed no longer holds word for word.

A quote found again (`Reanchored`) is a warning that carries a `QuoteFix`, so
`sitegen check --fix` can write the seed's new text into the YAML file and
`--format json` can report it. Passages that come close without one being
safe to take (`Unclear`) are an error that lists them.
"""

from __future__ import annotations

from .anchor import first_difference, fold_quote
from .errors import Location, Problem, QuoteFix, Severity
from .reanchor import Reanchored, Unclear
from .seeds import Seed

EXCERPT_LENGTH = 160
FIX_HINT = "run 'sitegen check --fix' to write the seed's text into the quote"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1] + "…"


def _flat(text: str) -> str:
    """Seed text as one line of a quote: every run of white space one space."""
    return " ".join(text.split())


def _context_changes(
    seed: Seed, start: int, end: int, prefix: str, suffix: str
) -> tuple[tuple[str, str, str], ...]:
    """A new prefix or suffix, as many words long as the old, for each that no longer fits."""
    changes = []
    if prefix:
        count = max(1, len(prefix.split()))
        before = seed.text[seed.body_start : start]
        if not fold_quote(before).endswith(fold_quote(prefix)):
            changes.append(("prefix", prefix, " ".join(before.split()[-count:])))
    if suffix:
        count = max(1, len(suffix.split()))
        after = seed.text[end:]
        if not fold_quote(after).startswith(fold_quote(suffix)):
            changes.append(("suffix", suffix, " ".join(after.split()[:count])))
    return tuple((key, old, new) for key, old, new in changes if new)


def drift_warning(
    location: Location,
    seed: Seed,
    article_id: str,
    quote: str,
    context: dict[str, str],
    found: Reanchored,
    drifted: bool = True,
) -> Problem:
    """The problem for a quote found again; its fix rewrites the quote (and stale context).

    A warning when the quote matched this seed word for word before (`drifted`:
    the seed was scraped again); else an error, since a quote the seed never
    held is the editor's slip (FORMAT.md), with the passage as the suggestion.
    """
    passage = seed.text[found.start : found.end]
    line = seed.line_of(found.start)
    where = f"seeds/{seed.name} (article '{article_id}')"
    if not drifted:
        message = f"the quote is not in {where}"
        first = f"closest passage, line {line}: “{_excerpt(passage)}”"
    elif fold_quote(passage).lower() == fold_quote(quote).lower():
        message = f"the quote is in {where} with other capitals, line {line}"
        first = f"the seed now has: “{_excerpt(passage)}”"
    else:
        message = f"the quote is not word for word in {where}; found again on line {line}"
        first = f"the seed now has: “{_excerpt(passage)}”"
    hint = [first]
    difference = first_difference(quote, passage)
    if difference:
        hint.append(f"the quote has “{difference[0]}” where the seed has “{difference[1]}”")
    changes = _context_changes(
        seed, found.start, found.end, context.get("prefix", ""), context.get("suffix", "")
    )
    for key, _, new in changes:
        hint.append(f"its {key} is now: “{_excerpt(new)}”")
    hint.append(FIX_HINT)
    fix = QuoteFix(
        seed=seed.name,
        old_quote=quote,
        new_quote=_flat(passage),
        start=found.start,
        end=found.end,
        score=round(found.score, 3),
        context=changes,
    )
    severity = Severity.WARNING if drifted else Severity.ERROR
    return Problem(location, message, "\n".join(hint), severity, fix)


def unclear_error(
    location: Location,
    seed: Seed,
    article_id: str,
    quote: str,
    context: dict[str, str],
    result: Unclear,
) -> Problem:
    """The error for a quote that several passages resemble, or whose context points elsewhere."""
    where = f"seeds/{seed.name} (article '{article_id}')"
    if result.reason == "context":
        given = " and ".join(key for key in ("prefix", "suffix") if context.get(key))
        verb = "do" if " and " in given else "does"
        message = (
            f"the quote is not in {where}, and its {given} {verb} not fit the passage most like it"
        )
        advice = f"check the passage; if it is the one, copy it and its {given} from the seed"
    elif all(
        fold_quote(seed.text[c.start : c.end]).lower() == fold_quote(quote).lower()
        for c in result.candidates
    ):
        lines = ", ".join(str(seed.line_of(c.start)) for c in result.candidates)
        message = (
            f"the quote is in {where} only with other capitals, "
            f"{len(result.candidates)} times (lines {lines})"
        )
        advice = "copy the one you mean from the seed, and add a prefix that picks it"
    else:
        message = (
            f"the quote is not in {where}, and {len(result.candidates)} passages "
            "are about as close to it"
        )
        advice = "copy the right passage into the quote, or add a prefix that picks it"
    hint = ["passages like it:"]
    for candidate in result.candidates:
        text = _excerpt(seed.text[candidate.start : candidate.end])
        alike = round(candidate.score * 100)
        hint.append(f"  line {seed.line_of(candidate.start)} ({alike}% alike): “{text}”")
    hint.append(advice)
    return Problem(location, message, "\n".join(hint))
