"""The word-by-word comparison of two wordings, and the shortcuts the aligner takes, held to
what they stand in for: difflib's matching blocks, and the cosine of two term vectors."""

from __future__ import annotations

import difflib
import random

import pytest

from sitegen.model import Span
from sitegen.similarity import Weights, cosine, similar_pairs, terms
from sitegen.wording import matching_blocks, words


def difflib_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [tuple(block) for block in matcher.get_matching_blocks()]  # type: ignore[misc]


@pytest.mark.parametrize("alphabet", ["ab", "abcde", "abcdefghijklmnopqrstuvwxyz"])
def test_matching_blocks_are_difflibs(alphabet: str) -> None:
    draw = random.Random(alphabet)
    for _ in range(3000):
        a = [draw.choice(alphabet) for _ in range(draw.randint(0, 40))]
        b = [draw.choice(alphabet) for _ in range(draw.randint(0, 40))]
        assert matching_blocks(a, b) == difflib_blocks(a, b), (a, b)


def test_matching_blocks_of_retold_sentences_are_difflibs() -> None:
    one = "Trump declined to join the EU in new sanctions against Russia, the Times said."
    other = "The Times says Trump refused to join new EU sanctions on Russia."
    first, second = (words(text, [Span(0, len(text))]).keys for text in (one, other))
    for a, b in [(first, second), (second, first), (first, first), ([], second), (first, [])]:
        assert matching_blocks(a, b) == difflib_blocks(a, b)


def test_words_are_compared_without_case_or_punctuation() -> None:
    text = "Trump's, — TRUMP'S words"
    found = words(text, [Span(0, len(text))])
    assert found.keys == ["trumps", "trumps", "words"]
    assert [text[start:end] for start, end in found.places] == ["Trump's,", "TRUMP'S", "words"]


def test_similar_pairs_score_exactly_the_cosine() -> None:
    """The index sums each pair's products itself; the scores are the cosine's, to the bit."""
    draw = random.Random(7)
    vocabulary = [f"word{n}" for n in range(60)]
    sentences = [
        " ".join(draw.choices(vocabulary, weights=range(60, 0, -1), k=draw.randint(1, 12)))
        for _ in range(80)
    ]
    weights = Weights.learn(terms(sentence) for sentence in sentences)
    vectors = [(index, weights.vector(terms(s))) for index, s in enumerate(sentences)]
    first, second = vectors[:40], vectors[40:]
    for threshold in (0.05, 0.2, 0.5):
        expected = {
            (one, other): cosine(a, b)
            for one, a in first
            for other, b in second
            if cosine(a, b) >= threshold
        }
        found = similar_pairs(first, second, threshold)
        assert found == expected
        assert list(found) == sorted(found)
