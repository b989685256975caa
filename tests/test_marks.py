"""Highlights as <mark> elements: exact seed text, valid nesting, a reachable note each."""

from __future__ import annotations

from html.parser import HTMLParser

from bs4 import BeautifulSoup

from sitegen.model import Highlight, Span
from sitegen.render.marks import render_paragraphs
from sitegen.schema import DEFAULT_LABELS
from sitegen.seeds import parse_seed

TEXT = (
    "Details: The policy since the beginning has been pressure.\n\n"
    "It is exactly the split <NATO> & more."
)


VOID_ELEMENTS = frozenset({"br", "img", "hr", "meta", "link", "input"})


class NestingChecker(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()


def highlight(number: int, quote: str, kind: str = "quote") -> Highlight:
    start = TEXT.index(quote)
    return Highlight(
        id=f"h{number}", number=number, article="a", span=Span(start, start + len(quote)), kind=kind
    )


def render(*highlights: Highlight) -> str:
    seed = parse_seed("s.txt", TEXT.encode(), DEFAULT_LABELS)
    paragraphs = render_paragraphs(seed, list(highlights), lambda h: "Speaker")
    return "".join(f"<p>{p.html}</p>" for p in paragraphs)


def pieces_text(html: str, highlight_id: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    return "".join(m.get_text() for m in soup.select(f'mark[data-highlight="{highlight_id}"]'))


def assert_well_nested(html: str) -> None:
    checker = NestingChecker()
    checker.feed(html)
    assert checker.stack == []


def test_seed_text_is_escaped() -> None:
    html = render()
    assert "&lt;NATO&gt; &amp; more" in html
    assert "<NATO>" not in html


def test_a_mark_holds_exactly_the_seed_span_and_its_attributes() -> None:
    html = render(highlight(1, "exactly the split", "claim"))
    soup = BeautifulSoup(html, "html.parser")
    mark = soup.select_one("mark")
    assert mark is not None
    assert mark.get_text() == "exactly the split"
    assert mark["class"] == ["hl", "hl-claim"]
    assert mark["data-kind"] == "claim" and mark["data-speaker"] == "Speaker"
    assert mark["aria-describedby"] == "note-h1"
    reference = mark.find_next_sibling("sup")
    assert reference is not None and reference.a is not None
    assert reference.a["href"] == "#note-h1" and reference.a["id"] == "ref-h1"


def test_nested_highlights_nest_marks() -> None:
    outer = highlight(1, "The policy since the beginning has been pressure.", "context")
    inner = highlight(2, "since the beginning")
    html = render(outer, inner)
    assert_well_nested(html)
    assert pieces_text(html, "h1") == "The policy since the beginning has been pressure."
    assert pieces_text(html, "h2") == "since the beginning"
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one('mark[data-highlight="h1"] mark[data-highlight="h2"]') is not None


def test_crossing_highlights_split_into_pieces_and_stay_valid() -> None:
    first = highlight(1, "policy since the beginning")
    second = highlight(2, "the beginning has been pressure", "disputed")
    html = render(first, second)
    assert_well_nested(html)
    assert pieces_text(html, "h1") == "policy since the beginning"
    assert pieces_text(html, "h2") == "the beginning has been pressure"
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select('mark[data-highlight="h2"]')) == 2
    # Each highlight keeps exactly one link to its note, after its last piece.
    assert len(soup.select('a[href="#note-h1"]')) == 1
    assert len(soup.select('a[href="#note-h2"]')) == 1


def test_a_highlight_across_paragraphs_is_split_and_its_note_goes_with_the_last_part() -> None:
    span = highlight(1, "pressure.\n\nIt is exactly")
    seed = parse_seed("s.txt", TEXT.encode(), DEFAULT_LABELS)
    paragraphs = render_paragraphs(seed, [span], lambda h: "")
    assert [len(p.notes) for p in paragraphs] == [0, 1]
    html = "".join(f"<p>{p.html}</p>" for p in paragraphs)
    assert_well_nested(html)
    assert pieces_text(html, "h1") == "pressure.It is exactly"


def test_labels_are_marked_as_labels_and_marks_may_cross_them() -> None:
    html = render(highlight(1, "Details: The policy"))
    assert_well_nested(html)
    soup = BeautifulSoup(html, "html.parser")
    label = soup.select_one(".label")
    assert label is not None and label.get_text() == "Details:"
    assert pieces_text(html, "h1") == "Details: The policy"
