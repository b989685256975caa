"""The coverage view, alignment.json, `omit:`, `unrelated:` and `sitegen align`, as built."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from sitegen.cli import main

ROOT = Path(__file__).resolve().parent.parent
STORY = "stories/trump-eu-sanctions/"
STORY_FILE = "content/stories/trump-eu-sanctions.yaml"
DEBRIS = "Bessent: If Putin does not conduct peace talks"


def squash(text: str) -> str:
    return " ".join(text.split())


def alignment(site: Path) -> dict[str, Any]:
    return json.loads((site / STORY / "alignment.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def story_page(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / STORY / "index.html").read_text(encoding="utf-8"), "html.parser")


def seed_text(site: Path, article: str) -> str:
    names = {a["id"]: a["seed"].rsplit("/", 1)[1] for a in alignment(site)["articles"]}
    return (site / "seeds" / names[article]).read_text(encoding="utf-8")


def passages(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for group in data["groups"] for p in group["passages"]] + data["unique"]


def build(project: Path, tmp_path: Path) -> Path:
    output = tmp_path / "site"
    assert main(["build", "--source", str(project), "--output", str(output)]) == 0
    return output


def edit_story(project: Path, change: Any) -> None:
    path = project / STORY_FILE
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def without_comparisons(text: str) -> str:
    # `comparisons:` is the story file's last key.
    return text[: text.index("\ncomparisons:\n") + 1]


# -- alignment.json -----------------------------------------------------------------


def test_alignment_json_names_each_passage_by_its_offsets_in_the_published_seed(
    example_site: Path,
) -> None:
    data = alignment(example_site)
    assert [a["id"] for a in data["articles"]] == ["up", "unn"]
    for passage in passages(data):
        text = seed_text(example_site, passage["article"])
        assert text[passage["start"] : passage["end"]] == passage["text"]
    for group in data["groups"]:
        assert len({p["article"] for p in group["passages"]}) >= 2
        assert 0 < group["score"] <= 1


def test_editor_comparisons_come_first_and_keep_their_titles(example_site: Path) -> None:
    story = yaml.safe_load((ROOT / STORY_FILE).read_text(encoding="utf-8"))
    data = alignment(example_site)
    editor = [g for g in data["groups"] if g["origin"] == "editor"]
    assert [g["title"] for g in editor] == [c["title"] for c in story["comparisons"]]
    assert data["groups"][: len(editor)] == editor
    # The one pair the editor did not write is found: both name the New York Times.
    automatic = [g for g in data["groups"] if g["origin"] == "automatic"]
    assert [sorted(squash(p["text"]) for p in g["passages"]) for g in automatic] == [
        ["The New York Times", "This is reported in a material of The New York Times, UNN reports."]
    ]


def test_passages_only_one_outlet_has_are_unique_to_it(example_site: Path) -> None:
    unique = alignment(example_site)["unique"]
    up = " ".join(p["text"] for p in unique if p["article"] == "up")
    unn = " ".join(p["text"] for p in unique if p["article"] == "unn")
    assert "Bridget Brink" in up and "Oval Office" in up
    assert "Marco Rubio explained" in unn
    assert "Rubio" not in up and "Brink" not in unn


def test_omitted_debris_is_shown_apart_and_never_aligned(example_site: Path) -> None:
    data = alignment(example_site)
    text = seed_text(example_site, "unn")
    start = text.index(DEBRIS)
    (omitted,) = next(a for a in data["articles"] if a["id"] == "unn")["omitted"]
    assert omitted["start"] == start
    assert all(
        p["end"] <= start or p["start"] >= omitted["end"]
        for p in passages(data)
        if p["article"] == "unn"
    )
    soup = story_page(example_site)
    coverage = soup.select_one("#coverage")
    assert coverage is not None and "Bessent" not in coverage.get_text()
    shown = soup.select_one('article[data-article="unn"] .omitted')
    assert shown is not None
    assert squash(shown.get_text()).startswith("Omitted by the editor: " + DEBRIS)
    # Its highlight keeps its mark, so its note still works.
    assert shown.select_one("mark.hl") is not None


# -- the coverage view ----------------------------------------------------------------


def columns(soup: BeautifulSoup) -> list[str]:
    """The articles of the view's columns, in order."""
    return [str(head["data-article"]) for head in soup.select("#coverage .coverage-column-head")]


def label(row: Tag) -> str:
    return squash(row.find_all(recursive=False)[0].get_text())


def cells(row: Tag) -> list[Tag]:
    """A row's cells, one per column: the children after its label; a <div> where
    the article tells the row, a <p class="missing"> where it does not."""
    return row.find_all(recursive=False)[1:]


def told_by(soup: BeautifulSoup, row: Tag) -> list[str]:
    return [
        article
        for article, cell in zip(columns(soup), cells(row), strict=True)
        if cell.name == "div"
    ]


def cells_of(soup: BeautifulSoup, article: str) -> list[Tag]:
    column = columns(soup).index(article)
    return [
        cell
        for row in soup.select("#coverage .coverage-row")
        if (cell := cells(row)[column]).name == "div"
    ]


def test_the_view_shows_every_sentence_of_each_article_once(example_site: Path) -> None:
    soup = story_page(example_site)
    for article in ("up", "unn"):
        shown = " ".join(
            squash(p.get_text()) for cell in cells_of(soup, article) for p in cell.select("p")[1:]
        )
        shown = re.sub(r"Moved: .*? paragraph \d+ ", "", shown)
        shown = re.sub(r"Q\d+: quotation \d+ in the list", "", shown)
        text = seed_text(example_site, article)
        text = re.sub(r"(?m)^Bessent: .*$", "", text)  # omitted: not in the view
        body = squash(re.sub(r"(?m)^(Source|Details|Quote|Background): ", "", text))
        assert squash(shown) == squash(body.removeprefix("date 2025-05-21 "))


def test_aligned_passages_share_a_row_and_unique_ones_stand_alone(example_site: Path) -> None:
    soup = story_page(example_site)
    rows = soup.select("#coverage .coverage-row")
    assert len(rows) == len(alignment(example_site)["groups"]) + len(
        alignment(example_site)["unique"]
    )
    names = {"up": "Ukrainska Pravda", "unn": "UNN (Ukrainian National News)"}
    for row in rows:
        told = told_by(soup, row)
        if "coverage-unique" in row["class"]:
            assert len(told) == 1 and label(row) == f"Only in {names[told[0]]}"
        else:
            assert set(told) == {"up", "unn"}
        # A cell of an article that does not tell the row says so, in words.
        for article, cell in zip(columns(soup), cells(row), strict=True):
            if article not in told:
                assert cell.name == "p" and cell["class"] == ["missing"]
                assert squash(cell.get_text()) == f"Not in {names[article]}"
    editor = soup.select("#coverage .coverage-editor > p:first-child a")
    assert editor and all(str(a["href"]).startswith("#comparison-") for a in editor)


def test_wording_differences_are_marked_word_by_word(example_site: Path) -> None:
    soup = story_page(example_site)
    row = next(r for r in soup.select("#coverage .coverage-row") if "What Putin got" in label(r))
    up, unn = cells(row)
    # <u> marks words worded differently; <u class="only"> words the other wording lacks.
    changed_up = " ".join(s.get_text() for s in up.select("u:not(.only)"))
    changed_unn = " ".join(s.get_text() for s in unn.select("u:not(.only)"))
    assert "fissure inside the North Atlantic" in changed_up
    assert "rift within NATO" in changed_unn
    # Words both have are not marked.
    assert "exactly what he wanted" not in changed_up + changed_unn
    assert "exactly what he wanted" in squash(up.get_text()) and squash(unn.get_text())


def test_quotations_are_found_linked_across_outlets_and_lead_to_their_rows(
    example_site: Path,
) -> None:
    soup = story_page(example_site)
    linked = soup.select("#coverage .quotation-linked")
    assert len(linked) == 2
    texts = [squash(group.get_text()) for group in linked]
    assert any("tremendous opportunity" in t and "a huge opportunity opens up" in t for t in texts)
    speakers = {squash(s.get_text()) for s in soup.select("#coverage .quotation-group .speaker")}
    assert {"The New York Times", "Trump", "former US Ambassador to Ukraine Bridget Brink"} <= (
        speakers
    )
    ids = {str(element["id"]) for element in soup.select("[id]")}
    for link in soup.select("#coverage .quotation-group a[href^='#']"):
        assert str(link["href"])[1:] in ids
    for ref in soup.select("#coverage .coverage-row sup a"):
        assert str(ref["href"])[1:] in ids


def test_cells_leave_to_their_column_what_the_column_shares(example_site: Path) -> None:
    # The view is most of a story page: a cell carries no outlet colour, no article
    # id and no id of its own unless a quotation in the list links to it.
    soup = story_page(example_site)
    linked = {
        str(a["href"])[1:] for a in soup.select("#coverage .quotation-group a[href^='#coverage-']")
    }
    assert linked
    for row in soup.select("#coverage .coverage-row"):
        for cell in cells(row):
            assert set(cell.attrs) <= {"id", "class"}
            assert "id" not in cell.attrs or cell["id"] in linked
    ids = {str(element["id"]) for element in soup.select("#coverage [id]")}
    assert linked <= ids
    # Each column's colour is said once, on the grid: its article's badge colour.
    colors = [
        str(soup.select_one(f'article[data-article="{a}"]')["style"]).split(": ")[1]  # type: ignore[index]
        for a in columns(soup)
    ]
    grid = soup.select_one("#coverage .coverage-grid")
    assert grid is not None
    assert str(grid["style"]) == (
        f"--coverage-columns: 2; --badge-bg-1: {colors[0]}; --badge-bg-2: {colors[1]};"
    )


def test_the_summary_line_counts_what_each_outlet_shares(example_site: Path) -> None:
    soup = story_page(example_site)
    summary = squash(soup.select_one("#coverage .coverage-summary").get_text())  # type: ignore[union-attr]
    for article in alignment(example_site)["articles"]:
        assert (
            f"shares {article['shared_sentences']} of its {article['sentences']} sentences "
            f"({article['shared_text_percent']}% of its text)"
        ) in summary
    assert summary.startswith("Ukrainska Pravda shares ")


def test_a_story_of_one_article_has_no_coverage_view(example_project: Path, tmp_path: Path) -> None:
    (example_project / "content/stories/solo.yaml").write_text(
        "title: One outlet alone\ndate: 2025-05-22\narticles:\n"
        "  - id: up\n    seed: 000_add1d8741fb8f83b.txt\n    source: up\n",
        encoding="utf-8",
    )
    site = build(example_project, tmp_path)
    assert not (site / "stories/solo/alignment.json").exists()
    page = BeautifulSoup((site / "stories/solo/index.html").read_text("utf-8"), "html.parser")
    assert page.select_one("#coverage") is None
    assert (site / STORY / "alignment.json").exists()


# -- the editor's keys ----------------------------------------------------------------


def check(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--source", str(project)])
    return code, capsys.readouterr().err


def test_an_omit_that_is_not_in_the_seed_is_an_error_with_its_line(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_story(
        example_project,
        lambda text: re.sub(
            r"(?s)    omit:\n.*?Russia\n",
            '    omit:\n      - "Read also: Scholz in Kyiv"\n',
            text,
            count=1,
        ),
    )
    code, err = check(example_project, capsys)
    lines = (example_project / STORY_FILE).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "Read also: Scholz" in text)
    assert code == 1
    assert f"{STORY_FILE}:{line}:9: error:" in err
    assert "the quote is not in seeds/002_f66575024d7e6102.txt (article 'unn')" in err


def test_an_omit_found_twice_needs_a_prefix(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_story(
        example_project,
        lambda text: text.replace(
            "    omit:\n", "    omit:\n      - sanctions against Russia\n", 1
        ),
    )
    code, err = check(example_project, capsys)
    assert code == 1
    assert "the quote occurs" in err and "times in seeds/002_f66575024d7e6102.txt" in err


def test_unrelated_passages_are_never_aligned(example_project: Path, tmp_path: Path) -> None:
    edit_story(
        example_project,
        lambda text: (
            text
            + "\nunrelated:\n"
            + "  - note: One is a dateline, the other an attribution.\n"
            + "    passages:\n"
            + "      up: The New York Times\n"
            + "      unn: This is reported in a material of The New York Times\n"
        ),
    )
    site = build(example_project, tmp_path)
    data = alignment(site)
    assert [g for g in data["groups"] if g["origin"] == "automatic"] == []
    unique = [squash(p["text"]) for p in data["unique"]]
    assert "The New York Times" in unique
    assert "This is reported in a material of The New York Times, UNN reports." in unique


def test_unrelated_needs_two_articles(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_story(
        example_project,
        lambda text: text + "\nunrelated:\n  - passages:\n      up: The New York Times\n",
    )
    code, err = check(example_project, capsys)
    assert code == 1
    assert "an item of 'unrelated' needs passages of at least two articles" in err


def test_without_editor_comparisons_the_aligner_finds_them(
    example_project: Path, tmp_path: Path
) -> None:
    edit_story(example_project, without_comparisons)
    data = alignment(build(example_project, tmp_path))
    assert {g["origin"] for g in data["groups"]} == {"automatic"}
    texts = [" ".join(squash(p["text"]) for p in g["passages"]) for g in data["groups"]]
    assert any("left Mr. Putin with exactly" in t and "brought Mr. Putin" in t for t in texts)
    assert any("Additional sanctions against Russia will hinder" in t for t in texts)


# -- sitegen align ----------------------------------------------------------------------


def test_sitegen_align_prints_comparisons_to_paste_most_confident_first(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_story(example_project, without_comparisons)
    assert main(["align", "trump-eu-sanctions", "--source", str(example_project)]) == 0
    printed = capsys.readouterr().out
    confidences = [float(c) for c in re.findall(r"# confidence (\d\.\d\d)", printed)]
    assert len(confidences) >= 7
    assert confidences == sorted(confidences, reverse=True)
    suggested = yaml.safe_load(printed)["comparisons"]
    assert len(suggested) == len(confidences)
    # Pasted under the story, every suggestion anchors: the story checks clean.
    edit_story(example_project, lambda text: text + printed)
    code, err = check(example_project, capsys)
    assert (code, err.strip()) == (0, "")


def test_sitegen_align_names_a_story_it_does_not_know(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["align", "trump-eu-sanction", "--source", str(example_project)]) == 2
    err = capsys.readouterr().err
    assert "there is no story 'trump-eu-sanction'" in err and "trump-eu-sanctions" in err


def test_a_story_too_long_to_align_says_so_instead_of_stalling_the_build(
    example_project: Path, tmp_path: Path
) -> None:
    sentence = "Officials said on day {n} that the minister would not rule out new measures. "
    text = "\n\n".join("".join(sentence.format(n=p * 5 + k) for k in range(5)) for p in range(330))
    for name in ("long-a.txt", "long-b.txt"):
        (example_project / "seeds" / name).write_text(text, encoding="utf-8")
    (example_project / "content/stories/long.yaml").write_text(
        "title: Two long articles\ndate: 2025-05-22\narticles:\n"
        "  - id: a\n    seed: long-a.txt\n    source: up\n"
        "  - id: b\n    seed: long-b.txt\n    source: unn\n",
        encoding="utf-8",
    )
    site = build(example_project, tmp_path)
    page = BeautifulSoup((site / "stories/long/index.html").read_text("utf-8"), "html.parser")
    summary = squash(page.select_one("#coverage .coverage-summary").get_text())  # type: ignore[union-attr]
    assert summary.startswith("These articles are too long to align here: 2,722,500 pairs")
    assert page.select("#coverage .coverage-row") == []


def test_a_passage_told_at_another_place_shares_its_row_and_is_marked_moved(
    example_project: Path, tmp_path: Path
) -> None:
    # A copy of seed 002 whose White House paragraph comes last but one.
    seed = example_project / "seeds/002_f66575024d7e6102.txt"
    paragraphs = seed.read_text(encoding="utf-8").split("\n\n")
    white_house = paragraphs.pop(2)
    paragraphs.insert(len(paragraphs) - 1, white_house)
    seed.write_text("\n\n".join(paragraphs), encoding="utf-8")
    edit_story(example_project, without_comparisons)
    soup = story_page(build(example_project, tmp_path))
    moved = soup.select("#coverage .coverage-row .moved")
    assert [squash(m.get_text()) for m in moved] == [
        "Moved: UNN (Ukrainian National News) tells this later, in paragraph 9"
    ]
    row = moved[0].find_parent(class_="coverage-row")
    assert row is not None
    texts = [squash(c.get_text()) for c in cells(row)]
    assert "A White House official told the NYT" in texts[0]
    assert "Additional sanctions against Russia will hinder" in texts[1]
