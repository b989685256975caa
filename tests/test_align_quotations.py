"""Quotations found in the articles, their speakers, and the same quotation across outlets."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from sitegen.model import Span
from sitegen.quotations import Quotation, find_quotations, group_quotations
from sitegen.schema import DEFAULT_LABELS
from sitegen.seeds import parse_seed
from sitegen.sentences import split_sentences
from sitegen.similarity import Weights, terms
from tests.test_align_quality import GOLD, anchored, example, overlaps


def quotations_of(text: str) -> list[tuple[str, str]]:
    seed = parse_seed("test.txt", text.encode(), DEFAULT_LABELS)
    return [(seed.text[q.span.start : q.span.end], q.speaker) for q in find_quotations("a", seed)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"Pressure on the victim, Ukraine," wrote former US Ambassador to Ukraine '
            "Bridget Brink.",
            [("Pressure on the victim, Ukraine", "former US Ambassador to Ukraine Bridget Brink")],
        ),
        (
            "“Its potential is UNLIMITED,” Trump added.",
            [("Its potential is UNLIMITED", "Trump")],
        ),
        (
            'After the call, Trump said that "a huge opportunity opens up for Russia."',
            [("a huge opportunity opens up for Russia.", "Trump")],
        ),
        (
            'They quote an unnamed European official who "took part in the talks."',
            [("took part in the talks.", "an unnamed European official")],
        ),
        # "he" names nobody: no speaker rather than a wrong one.
        (
            '"It can only be negotiated between the parties," he wrote.',
            [("It can only be negotiated between the parties", "")],
        ),
        # Scare quotes around a word or two are not quotations.
        ('The "Organisation" spelling, a "so-called" deal.', []),
        # «Angle» and „low“ marks open quotations too.
        ("Він сказав: «Ми не будемо чекати».", [("Ми не будемо чекати", "")]),
        ("Er sagte: „Wir warten nicht länger“ und ging.", [("Wir warten nicht länger", "")]),
    ],
)
def test_quotations_and_the_speaker_the_text_names(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert quotations_of(text) == expected


def test_a_quote_paragraph_quotes_the_source_named_before_it_even_over_two_paragraphs() -> None:
    text = (
        "Source: The New York Times\n\n"
        'Quote: "Mr. Putin seems to understand commerce.\n\n'
        'It is the split he wanted, for two decades."\n\n'
        "Details: something else."
    )
    assert quotations_of(text) == [
        (
            "Mr. Putin seems to understand commerce.\n\n"
            "It is the split he wanted, for two decades.",
            "The New York Times",
        )
    ]


def test_quotations_of_the_example_have_their_speakers() -> None:
    story, _ = example()
    found = {
        (article.id, q.speaker)
        for article in story.articles
        for q in find_quotations(article.id, article.seed, article.omit)
    }
    assert {
        ("up", "The New York Times"),
        ("up", "former US Ambassador to Ukraine Bridget Brink"),
        ("up", "Trump"),
        ("unn", "Trump"),
        ("unn", "an unnamed European official"),
    } <= found


def test_the_same_quotation_is_linked_across_outlets(capsys: pytest.CaptureFixture[str]) -> None:
    """Precision and recall of the links against the gold's `quotations:` pairs."""
    story, _ = example()
    found: list[Quotation] = [
        q for article in story.articles for q in find_quotations(article.id, article.seed)
    ]
    weights = Weights.learn(
        terms(a.seed.text[s.span.start : s.span.end])
        for a in story.articles
        for s in split_sentences(a.seed, a.omit)
    )
    groups = group_quotations(found, {a.id: a.seed.text for a in story.articles}, weights)
    linked = [
        (one, other)
        for group in groups
        for one, other in itertools.product(group.quotations, repeat=2)
        if one.article == "up" and other.article == "unn"
    ]
    seeds = {a.id: a.seed for a in story.articles}
    gold = [
        (anchored(seeds["up"], pair["up"]), anchored(seeds["unn"], pair["unn"]))
        for pair in GOLD["quotations"]
    ]
    correct = sum(
        any(overlaps(one.span, g[0]) and overlaps(other.span, g[1]) for g in gold)
        for one, other in linked
    )
    hit = sum(
        any(overlaps(one.span, g[0]) and overlaps(other.span, g[1]) for one, other in linked)
        for g in gold
    )
    precision = correct / len(linked) if linked else 1.0
    recall = hit / len(gold)
    with capsys.disabled():
        print(
            f"\nquotations linked across outlets: precision {precision:.2f} "
            f"({correct}/{len(linked)}), recall {recall:.2f} ({hit}/{len(gold)})"
        )
    assert precision == 1.0 and recall == 1.0


def test_omitted_text_holds_no_quotation() -> None:
    text = 'Trump spoke.\n\nRead also: "Bessent warns Putin about sanctions"\n\nEnd.'
    seed = parse_seed("test.txt", text.encode(), DEFAULT_LABELS)
    start = text.index("Read also")
    end = text.index("\n\nEnd")
    assert find_quotations("a", seed) != []
    assert find_quotations("a", seed, [Span(start, end)]) == []


def test_the_example_seeds_are_read_as_they_are() -> None:
    # The quotation spans index the seed as read: the header of seed 002 included.
    root = Path(__file__).resolve().parent.parent
    name = "002_f66575024d7e6102.txt"
    seed = parse_seed(name, (root / "seeds" / name).read_bytes(), DEFAULT_LABELS)
    first = find_quotations("unn", seed)[0]
    assert seed.text[first.span.start : first.span.end].startswith("brought Mr. Putin")
