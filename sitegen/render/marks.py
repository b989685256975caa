"""An article's paragraphs as HTML, each highlight a `<mark>` over the seed's own characters.

Highlights may overlap or nest, and may run across paragraphs; HTML elements
may not cross. So each paragraph is cut at every highlight boundary into
segments, and the marks open over a segment form a stack, outermost first.
Where a highlight must close while an inner one stays open, the inner one is
closed and reopened: a highlight can become several `<mark>` pieces, all with
the same `data-highlight`. After its last piece comes the numbered link to
its note, which works without JavaScript.

Spans the editor omitted (an article's `omit:`, scraping debris) stay on the
page, so their highlights keep their marks and the reader can see what was
left out, but each is set apart in a `<span class="omitted">` headed
"Omitted by the editor", never read as the article's text.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model import Highlight, Span
from ..seeds import Paragraph, Seed

OMITTED_TAG = '<span class="omitted-tag">Omitted by the editor:</span> '


@dataclass(frozen=True)
class RenderedParagraph:
    html: Markup
    notes: tuple[Highlight, ...]  # highlights whose last piece is in this paragraph
    omitted: bool = False  # the whole paragraph is omitted by the editor


def _open_mark(highlight: Highlight, speaker: str) -> str:
    return (
        f'<mark class="hl hl-{highlight.kind}" data-highlight="{highlight.id}"'
        f' data-kind="{highlight.kind}" data-speaker="{escape(speaker)}"'
        f' aria-describedby="note-{highlight.id}">'
    )


def _reference(highlight: Highlight) -> str:
    # The number is drawn by CSS from data-note, so that a mark around a nested
    # highlight still has exactly the seed's text as its text content.
    return (
        f'<sup class="hl-ref"><a id="ref-{highlight.id}" href="#note-{highlight.id}"'
        f' aria-label="Note {highlight.number}" data-note="{highlight.number}"></a></sup>'
    )


def _render_range(
    text: str,
    start: int,
    end: int,
    highlights: list[Highlight],
    speaker_of: Callable[[Highlight], str],
) -> str:
    """text[start:end] with the marks of the highlights that overlap it."""
    inside = [h for h in highlights if h.span.start < end and h.span.end > start]
    cuts = {start, end}
    for highlight in inside:
        cuts.update(c for c in (highlight.span.start, highlight.span.end) if start < c < end)
    points = sorted(cuts)
    out: list[str] = []
    stack: list[Highlight] = []

    def close_from(depth: int, at: int) -> None:
        for highlight in reversed(stack[depth:]):
            out.append("</mark>")
            if highlight.span.end == at:
                out.append(_reference(highlight))
        del stack[depth:]

    for left, right in itertools.pairwise(points):
        active = sorted(
            (h for h in inside if h.span.start <= left and h.span.end >= right),
            key=lambda h: (h.span.start, -h.span.end, h.number),
        )
        depth = 0
        while depth < len(stack) and depth < len(active) and stack[depth] is active[depth]:
            depth += 1
        close_from(depth, left)
        for highlight in active[depth:]:
            out.append(_open_mark(highlight, speaker_of(highlight)))
            stack.append(highlight)
        out.append(str(escape(text[left:right])))
    close_from(0, end)
    return "".join(out)


def render_paragraphs(
    seed: Seed,
    highlights: list[Highlight],
    speaker_of: Callable[[Highlight], str],
    omitted: Sequence[Span] = (),
) -> list[RenderedParagraph]:
    """The seed's paragraphs as HTML with marks, each with the notes that end in it."""
    # One sweep over paragraphs and highlights, both in text order, so each
    # paragraph sees only the highlights that reach it: linear, not P x H.
    by_start = sorted(highlights, key=lambda h: h.span.start)
    waiting = 0
    reaching: list[Highlight] = []
    rendered = []
    for paragraph in seed.paragraphs:
        while waiting < len(by_start) and by_start[waiting].span.start < paragraph.end:
            reaching.append(by_start[waiting])
            waiting += 1
        reaching = [h for h in reaching if h.span.end > paragraph.start]
        html = _render_paragraph(seed.text, paragraph, reaching, speaker_of, omitted)
        notes = sorted(
            (h for h in reaching if paragraph.start < h.span.end <= paragraph.end),
            key=lambda h: (h.span.end, h.number),
        )
        whole = any(o.start <= paragraph.start and paragraph.end <= o.end for o in omitted)
        rendered.append(RenderedParagraph(Markup(html), tuple(notes), whole))
    return rendered


def _render_paragraph(
    text: str,
    paragraph: Paragraph,
    highlights: list[Highlight],
    speaker_of: Callable[[Highlight], str],
    omitted: Sequence[Span] = (),
) -> str:
    if paragraph.label is None:
        return _render_kept(text, paragraph.start, paragraph.end, highlights, speaker_of, omitted)
    label = _render_range(text, paragraph.start, paragraph.label_end, highlights, speaker_of)
    rest = _render_kept(text, paragraph.label_end, paragraph.end, highlights, speaker_of, omitted)
    return f'<span class="label">{label}</span>{rest}'


def _render_kept(
    text: str,
    start: int,
    end: int,
    highlights: list[Highlight],
    speaker_of: Callable[[Highlight], str],
    omitted: Sequence[Span],
) -> str:
    """text[start:end] with its marks, each omitted part set apart as omitted."""
    out = []
    position = start
    for span in sorted(omitted, key=lambda s: s.start):
        left, right = max(span.start, position), min(span.end, end)
        if left >= right:
            continue
        out.append(_render_range(text, position, left, highlights, speaker_of))
        inner = _render_range(text, left, right, highlights, speaker_of)
        out.append(f'<span class="omitted">{OMITTED_TAG}{inner}</span>')
        position = right
    out.append(_render_range(text, position, end, highlights, speaker_of))
    return "".join(out)
