"""The text-only fold gives exactly the text of `fold`, which also maps offsets (hypothesis).

Quotes, prefixes, suffixes and passages are folded with `fold_text`, seeds with
`fold`: a quote matches only if the two fold alike, character for character.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sitegen.anchor import INVISIBLE, fold, fold_quote, fold_text

TESTS = Path(__file__).resolve().parent
# Characters every folding rule acts on, and some it must leave alone.
TRICKY = st.sampled_from(
    list(
        "  \n\r\t\v\f\x1c\x85\u00a0\u1680\u2009\u2028\u2029\u202f\u3000"  # white space
        "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # invisible
        "\"“”„‟«»‹›'‘’‚‛"  # noqa: RUF001 (quotation marks)
        "-‐‑‒–—―−"  # noqa: RUF001 (dashes)
        "e\u0301\u0327\u0300é\u212bİ\u1100\u1161\u11a8\u0b47\u0b3e\u0915\u093c:ab."
    )
)
TEXT = st.text(st.one_of(TRICKY, st.characters()), max_size=300)
EXAMPLES = [
    "",
    " ",
    "\u200b",
    "plain text, nothing to fold",
    "a  b\n\n\nc \u00a0 d",
    " \u200b \u200b leading and trailing \u00ad ",
    "“Quoted,” he said — it’s «fine» – isn’t it?",  # noqa: RUF001
    "e\u0301te\u0301 and \u212b and a\u0301\u0301",  # combining marks, singletons
    "\u1100\u1161\u11a8 \u0b47\u0b3e",  # NFC of each cluster is not NFC of the whole
    "word\u200d\u200cjoin\u2060ed\ufeff",
    "line\r\nbreaks\u2028and\u2029paragraphs\x85",
    "<script>alert('x')</script> {{ 7*7 }} &amp; \u202e",
]


def hostile_texts() -> list[str]:
    """Every text value of the hostile site's content and its seeds."""
    site = TESTS / "sites" / "hostile"
    texts = [path.read_text(encoding="utf-8") for path in sorted(site.rglob("*.txt"))]

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [text for item in value.values() for text in strings(item)]
        if isinstance(value, list):
            return [text for item in value for text in strings(item)]
        return []

    for path in sorted(site.rglob("*.yaml")):
        texts.extend(strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return texts


@pytest.mark.parametrize("text", EXAMPLES)
def test_fold_text_is_the_text_of_fold(text: str) -> None:
    assert fold_text(text) == fold(text).text


def test_fold_text_is_the_text_of_fold_on_hostile_content() -> None:
    texts = hostile_texts()
    assert texts
    for text in texts:
        assert fold_text(text) == fold(text).text


def test_fold_text_is_the_text_of_fold_on_the_real_seeds() -> None:
    for path in sorted((TESTS.parent / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert fold_text(text) == fold(text).text


def test_the_anchoring_fixtures_fold_alike() -> None:
    cases = yaml.safe_load((TESTS / "fixtures" / "anchoring.yaml").read_text(encoding="utf-8"))
    for case in cases:
        for key in ("seed", "quote", "prefix", "suffix"):
            text = case.get(key) or ""
            assert fold_text(text) == fold(text).text, (case["name"], key)


@given(TEXT)
def test_fold_text_is_the_text_of_fold_on_any_text(text: str) -> None:
    assert fold_text(text) == fold(text).text
    assert fold_quote(text) == fold(text).text.strip(" ")


@given(TEXT)
def test_fold_text_leaves_no_run_of_white_space_and_nothing_invisible(text: str) -> None:
    folded = fold_text(text)
    assert "  " not in folded and not INVISIBLE.search(folded)
