"""Seeds: decoding, the `key value` header, paragraphs and labels (FORMAT.md "Seeds")."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.schema import DEFAULT_LABELS
from sitegen.seeds import SeedDecodeError, parse_seed

SEEDS = Path(__file__).parent.parent / "seeds"


def seed(text: str | bytes, labels: tuple[str, ...] = DEFAULT_LABELS):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return parse_seed("test.txt", data, labels)


@pytest.mark.parametrize(
    ("text", "header", "body"),
    [
        ("Plain article text.", {}, "Plain article text."),
        (" date 2025-05-21 US President Trump", {"date": "2025-05-21"}, "US President Trump"),
        (
            "date 2025-05-21\nurl https://x.org/a\nlanguage uk\n\nText.",
            {"date": "2025-05-21", "url": "https://x.org/a", "language": "uk"},
            "Text.",
        ),
        (
            "\n\n  url https://x.org/a date 2025-01-02 Body",
            {"url": "https://x.org/a", "date": "2025-01-02"},
            "Body",
        ),
        # A key whose value does not fit it is text: an article may open with "date night".
        ("date night was cancelled.", {}, "date night was cancelled."),
        # A date that is not a day of the calendar is text, not a header.
        ("date 2025-13-40 Text", {}, "date 2025-13-40 Text"),
        # A key given twice ends the header; the second one is text.
        ("date 2025-05-21 date 2025-05-22 Text", {"date": "2025-05-21"}, "date 2025-05-22 Text"),
    ],
)
def test_header(text: str, header: dict[str, str], body: str) -> None:
    parsed = seed(text)
    assert parsed.header == header
    assert parsed.body == body


def test_real_seed_with_an_inline_header() -> None:
    parsed = seed((SEEDS / "002_f66575024d7e6102.txt").read_bytes())
    assert parsed.header == {"date": "2025-05-21"}
    assert parsed.body.startswith("US President Donald Trump has refused")
    assert str(parsed.date) == "2025-05-21"


def test_bom_and_line_ends_are_read_as_lf_without_the_bom() -> None:
    parsed = seed("\ufeffFirst.\r\n\r\nSecond.\rThird.".encode())
    assert parsed.text == "First.\n\nSecond.\nThird."
    assert [parsed.text[p.start : p.end] for p in parsed.paragraphs] == [
        "First.",
        "Second.\nThird.",
    ]


def test_text_that_is_not_utf8_names_the_byte() -> None:
    with pytest.raises(SeedDecodeError) as error:
        seed(b"Caf\xe9 society")
    assert error.value.byte_offset == 3


def test_paragraphs_are_separated_by_blank_lines_even_with_spaces() -> None:
    parsed = seed("One\nstill one.\n   \n\nTwo.\n\n\n\nThree.  \n")
    assert [parsed.text[p.start : p.end] for p in parsed.paragraphs] == [
        "One\nstill one.",
        "Two.",
        "Three.",
    ]


def test_labels_from_the_fixed_list_but_not_other_words() -> None:
    parsed = seed((SEEDS / "002_f66575024d7e6102.txt").read_bytes())
    assert all(p.label is None for p in parsed.paragraphs)  # "Bessent:" is text
    up = seed((SEEDS / "000_add1d8741fb8f83b.txt").read_bytes())
    labels = [p.label for p in up.paragraphs if p.label]
    assert labels[:3] == ["Source", "Details", "Quote"]
    assert "Background" in labels
    source = next(p for p in up.paragraphs if p.label == "Source")
    assert up.text[source.start : source.label_end] == "Source:"


def test_site_labels_extend_the_list() -> None:
    assert seed("Bessent: text").paragraphs[0].label is None
    assert seed("Bessent: text", (*DEFAULT_LABELS, "Bessent")).paragraphs[0].label == "Bessent"


def test_quotes_is_a_label_and_not_quote_plus_s() -> None:
    assert seed("Quotes: a, b").paragraphs[0].label == "Quotes"
    assert seed("Quoted: a").paragraphs[0].label is None


def test_line_of_an_offset() -> None:
    parsed = seed("a\nb\n\nc")
    assert [parsed.line_of(parsed.text.index(ch)) for ch in "abc"] == [1, 2, 4]
