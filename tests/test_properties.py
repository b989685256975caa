"""Any input gives a site or located content errors, never a traceback (hypothesis).

Over the seed parser, the quote matcher and the whole loader: arbitrary bytes
as seeds, arbitrary text and quotes, arbitrary YAML documents as story files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from unicodedata import combining

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import schema
from sitegen.anchor import Ambiguous, Found, NotFound, SeedIndex, fold, fold_quote, word_places
from sitegen.build import check
from sitegen.seeds import HEADER_KEYS, SeedDecodeError, parse_seed
from tests.support.projects import copy_project

MINIMAL = Path(__file__).resolve().parent / "sites" / "minimal"
# Text with the characters folding cares about, so examples exercise its rules.
TRICKY = st.sampled_from(list("  \n\t\u00a0\u2009\u200b\u00ad\"“”'’«»-–—−e\u0301éİ:ab.\r"))  # noqa: RUF001
TEXT = st.text(st.one_of(TRICKY, st.characters()), max_size=200)


@given(st.binary(max_size=400))
def test_any_bytes_are_a_seed_or_a_decode_error(data: bytes) -> None:
    try:
        seed = parse_seed("any.txt", data, schema.DEFAULT_LABELS)
    except SeedDecodeError as error:
        assert 0 <= error.byte_offset < len(data)
        return
    assert set(seed.header) <= set(HEADER_KEYS)
    assert 0 <= seed.body_start <= len(seed.text)
    previous_end = seed.body_start
    for paragraph in seed.paragraphs:
        assert previous_end <= paragraph.start < paragraph.end <= len(seed.text)
        assert seed.text[paragraph.start : paragraph.end].strip()
        previous_end = paragraph.end
    assert "\r" not in seed.text and not seed.text.startswith("\ufeff")


@given(TEXT, st.data())
def test_a_span_of_the_seed_is_always_found(text: str, data: st.DataObject) -> None:
    # Cut where a reader would: never between a letter and its combining accent,
    # which NFC would join into one character.
    cuts = [i for i in range(len(text) + 1) if i == len(text) or not combining(text[i])]
    start = data.draw(st.sampled_from(cuts))
    end = data.draw(st.sampled_from([cut for cut in cuts if cut >= start]))
    quote = text[start:end]
    if not fold_quote(quote):
        return
    result = SeedIndex(text, 0).find(quote)
    assert isinstance(result, Found | Ambiguous), result
    spans = [(result.start, result.end)] if isinstance(result, Found) else list(result.spans)
    for span_start, span_end in spans:
        assert fold_quote(text[span_start:span_end]) == fold_quote(quote)


@given(TEXT, TEXT, TEXT, TEXT)
def test_any_quote_gives_an_answer_with_spans_inside_the_seed(
    text: str, quote: str, prefix: str, suffix: str
) -> None:
    if not fold_quote(quote):
        return
    result = SeedIndex(text, 0).find(quote, prefix, suffix)
    if isinstance(result, Found):
        spans = [(result.start, result.end)]
    elif isinstance(result, Ambiguous):
        spans = list(result.spans)
    else:
        assert isinstance(result, NotFound)
        spans = [result.closest] if result.closest else []
    for start, end in spans:
        assert 0 <= start <= end <= len(text)


@given(TEXT)
def test_folding_maps_every_character_back_inside_the_text(text: str) -> None:
    folded = fold(text)
    positions = [folded.original(index) for index in range(len(folded.text))]
    assert all(0 <= position < len(text) for position in positions)
    assert positions == sorted(positions)  # the map keeps the text's order


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 3000),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["alpha", "beta", "herald", "gazette", "alpha.txt", "no", "2025-05-21"]),
)
NODES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from([*schema.STORY, *schema.ARTICLE, *schema.HIGHLIGHT]),
                st.text(max_size=10),
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)
STORY_DOCUMENTS = st.one_of(
    st.dictionaries(st.sampled_from(list(schema.STORY)), NODES, max_size=7).map(yaml.safe_dump),
    NODES.map(yaml.safe_dump),
    st.text(max_size=300),  # most of it is not YAML at all
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(STORY_DOCUMENTS)
def test_any_story_file_builds_or_reports_located_errors(
    tmp_path_factory: Any, document: str
) -> None:
    project = tmp_path_factory.mktemp("any") / "project"
    copy_project(MINIMAL, project)
    (project / "content" / "stories" / "one.yaml").write_text(document, encoding="utf-8")
    report = check(project)
    if report.ok:
        assert report.files
        return
    assert report.problems
    for problem in report.problems:
        assert problem.location.path, problem
        assert problem.location.line >= 1, problem.format()
        assert problem.message


@given(TEXT, TEXT)
def test_the_word_index_finds_exactly_what_a_scan_finds(text: str, quote: str) -> None:
    index = SeedIndex(text, 0)
    folded_quote = fold_quote(quote)
    indexed = index.indexed_occurrences(folded_quote, word_places(index.folded.text))
    if indexed is not None:
        assert indexed == index.scanned_occurrences(folded_quote)


@given(st.data())
def test_the_word_index_agrees_on_quotes_taken_from_the_text(data: st.DataObject) -> None:
    words = data.draw(
        st.lists(
            st.sampled_from(["the", "talks", "Putin", "a", "e\u0301", "—", "said"]),
            min_size=3,
            max_size=40,
        )
    )
    text = " ".join(words)
    start = data.draw(st.integers(0, len(words) - 3))
    quote = " ".join(words[start : start + data.draw(st.integers(3, len(words) - start))])
    index = SeedIndex(text, 0)
    folded_quote = fold_quote(quote)
    indexed = index.indexed_occurrences(folded_quote, word_places(index.folded.text))
    # None: the quote has no inner word, and the matcher scans instead.
    assert indexed is None or indexed == index.scanned_occurrences(folded_quote)
    assert indexed is not None or len(re.findall(r"\w+", folded_quote)) < 3
