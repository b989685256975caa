"""Sentences, the units the coverage view aligns: cut where a reader would cut them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.model import Span
from sitegen.schema import DEFAULT_LABELS
from sitegen.seeds import parse_seed
from sitegen.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent


def sentences(text: str, omitted: tuple[tuple[str, int], ...] = ()) -> list[str]:
    seed = parse_seed("test.txt", text.encode(), DEFAULT_LABELS)
    spans = []
    for piece, occurrence in omitted:
        start = -1
        for _ in range(occurrence + 1):
            start = seed.text.index(piece, start + 1)
        spans.append(Span(start, start + len(piece)))
    return [seed.text[s.span.start : s.span.end] for s in split_sentences(seed, spans)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            # A curly apostrophe, as the seeds have it.
            "Mr. Putin called. Mr. Trump\u2019s aides listened.",
            ["Mr. Putin called.", "Mr. Trump\u2019s aides listened."],
        ),
        (
            "The U.S. President spoke. Europe did not.",
            ["The U.S. President spoke.", "Europe did not."],
        ),
        (
            'He said: "It is over. We go home." Then he left.',
            ['He said: "It is over.', 'We go home."', "Then he left."],
        ),
        (
            "The official (Trump - ed.) wants deals. Others do not.",
            ["The official (Trump - ed.) wants deals.", "Others do not."],
        ),
        (
            "Trump wants deals for Americans. - the publication quotes an official.",
            ["Trump wants deals for Americans. - the publication quotes an official."],
        ),
        (
            "Gen. J. R. Smith arrived at 5 p.m. on Monday. No. 5 is next.",
            ["Gen. J. R. Smith arrived at 5 p.m. on Monday.", "No. 5 is next."],
        ),
        ("Why? Because. Really!", ["Why?", "Because.", "Really!"]),
        ("prices rose 2.5 percent. Markets fell.", ["prices rose 2.5 percent.", "Markets fell."]),
    ],
)
def test_sentences_end_where_a_reader_ends_them(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_a_label_is_not_part_of_the_sentence_and_a_paragraph_always_ends_one() -> None:
    text = 'Source: The New York Times\n\nQuote: "Their account. It helps."\n\nA headline'
    assert sentences(text) == ["The New York Times", '"Their account.', 'It helps."', "A headline"]


def test_omitted_text_is_in_no_sentence() -> None:
    text = "Trump spoke. Read also: Bessent warns. Putin listened.\n\nBessent: a headline\n\nEnd."
    assert sentences(text, (("Read also: Bessent warns.", 0), ("Bessent: a headline", 0))) == [
        "Trump spoke.",
        "Putin listened.",
        "End.",
    ]


def test_the_example_seeds_cut_into_the_sentences_the_gold_alignment_names() -> None:
    unn = parse_seed(
        "002_f66575024d7e6102.txt",
        (ROOT / "seeds/002_f66575024d7e6102.txt").read_bytes(),
        DEFAULT_LABELS,
    )
    cut = [unn.text[s.span.start : s.span.end] for s in split_sentences(unn)]
    assert cut[0].startswith("US President Donald Trump has refused")  # after the header
    assert cut[3] == (
        "Additional sanctions against Russia will hinder business opportunities, and the "
        "president (Trump - ed.) wants to maximize economic opportunities for Americans. - the "
        "publication quotes an unnamed White House official."
    )
    assert cut[-1].startswith("Later, US Secretary of State Marco Rubio explained")
    assert len(cut) == 13
