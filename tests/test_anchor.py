"""Quote matching: the folding rules of FORMAT.md, on text fixtures and on the real seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.anchor import Ambiguous, Found, NotFound, SeedIndex, fold
from sitegen.seeds import parse_seed

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).parent.parent / "seeds"
CASES = yaml.safe_load((FIXTURES / "anchoring.yaml").read_text(encoding="utf-8"))


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_anchoring_fixture(case: dict[str, Any]) -> None:
    seed = case["seed"]
    result = SeedIndex(seed, 0).find(case["quote"], case.get("prefix", ""), case.get("suffix", ""))
    if "found" in case or "found_at" in case:
        assert isinstance(result, Found), result
        if "found" in case:
            assert seed[result.start : result.end] == case["found"]
        if "found_at" in case:
            assert result.start == case["found_at"]
    elif "not_found" in case:
        assert isinstance(result, NotFound), result
        if case["not_found"] is None:
            assert result.closest is None
        else:
            assert result.closest is not None
            start, end = result.closest
            assert seed[start:end] == case["not_found"]
    else:
        assert isinstance(result, Ambiguous), result
        assert [line_of(seed, start) for start, _ in result.spans] == case["ambiguous"]


def test_offsets_count_the_header_too() -> None:
    seed = parse_seed("s.txt", b" date 2025-05-21 Trump said yes.", ["Details"])
    result = SeedIndex(seed.text, seed.body_start).find("said yes")
    assert isinstance(result, Found)
    assert seed.text[result.start : result.end] == "said yes"
    assert result.start == len(" date 2025-05-21 Trump ")


def test_the_header_is_not_searched() -> None:
    seed = parse_seed("s.txt", b"date 2025-05-21\n\nText here.", [])
    assert isinstance(SeedIndex(seed.text, seed.body_start).find("2025-05-21"), NotFound)


def test_fold_maps_every_offset_back_across_collapsed_runs() -> None:
    text = "a  b\n\n\nc \u00a0 d"
    folded = fold(text)
    assert folded.text == "a b c d"
    # Each letter maps to itself; each space to the first character of its run.
    assert [text[folded.original(i)] for i in range(len(folded.text))] == list("a b\nc d")


def test_quotes_of_the_example_story_are_found_in_the_real_seeds() -> None:
    up = parse_seed("000", (SEEDS / "000_add1d8741fb8f83b.txt").read_bytes(), [])
    unn = parse_seed("002", (SEEDS / "002_f66575024d7e6102.txt").read_bytes(), [])
    up_result = SeedIndex(up.text, up.body_start).find("left Mr. Putin with exactly what he wanted")
    unn_result = SeedIndex(unn.text, unn.body_start).find(
        "brought Mr. Putin exactly what he wanted"
    )
    assert isinstance(up_result, Found) and isinstance(unn_result, Found)
    # The curly apostrophe of the seed is kept: the page shows the seed's own characters.
    wide = SeedIndex(up.text, up.body_start).find("Monday's developments left")
    assert isinstance(wide, Found)
    assert up.text[wide.start : wide.end] == "Monday\u2019s developments left"


def test_closest_passage_on_a_large_seed_points_at_the_near_miss() -> None:
    filler = "Officials met again on Tuesday to discuss the budget and nothing else. " * 15000
    seed = filler + "The ambassador wrote that the policy put pressure on the victim. " + filler
    result = SeedIndex(seed, 0).find("the policy puts pressure on victims")
    assert isinstance(result, NotFound) and result.closest is not None
    start, end = result.closest
    assert "policy put pressure on the victim" in seed[start:end]
