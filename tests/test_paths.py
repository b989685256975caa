"""No path or URL in content makes the build read outside the project or link to a script."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitegen.cli import main

ROOT = Path(__file__).resolve().parent.parent
STORY = "stories/trump-eu-sanctions/index.html"


def build(project: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["build", "--source", str(project), "--output", str(output)])
    return code, capsys.readouterr().err


def test_a_theme_linking_out_of_themes_is_not_used(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "themes" / "default", elsewhere)
    (example_project / "themes").mkdir()
    (example_project / "themes" / "outside").symlink_to(elsewhere)
    site = example_project / "content" / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("theme: default", "theme: outside"), "utf-8"
    )
    code, err = build(example_project, tmp_path / "out", capsys)
    assert code == 1
    assert "content/site.yaml:" in err and "there is no theme 'outside'" in err


def test_a_seed_header_url_that_is_not_http_is_text_not_a_link(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = example_project / "seeds" / "000_add1d8741fb8f83b.txt"
    seed.write_bytes(b"url javascript:alert(1) " + seed.read_bytes())
    code, err = build(example_project, tmp_path / "out", capsys)
    assert code == 0, err
    page = BeautifulSoup((tmp_path / "out" / STORY).read_text(encoding="utf-8"), "html.parser")
    hrefs = [str(a["href"]) for a in page.select("a[href]")]
    assert not [href for href in hrefs if href.lower().startswith("javascript:")]
    # The words are the article's text now, shown escaped like any other.
    assert "url javascript:alert(1)" in page.select_one("#article-up").get_text()  # type: ignore[union-attr]


def test_a_seed_header_url_that_is_http_becomes_the_original_link(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = example_project / "seeds" / "000_add1d8741fb8f83b.txt"
    seed.write_bytes(b"url https://www.pravda.com.ua/eng/news/1/ " + seed.read_bytes())
    code, err = build(example_project, tmp_path / "out", capsys)
    assert code == 0, err
    page = BeautifulSoup((tmp_path / "out" / STORY).read_text(encoding="utf-8"), "html.parser")
    assert page.select_one('#article-up a[href="https://www.pravda.com.ua/eng/news/1/"]')


def test_an_article_in_a_right_to_left_language_sets_lang_and_dir(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = example_project / "content" / "stories" / "trump-eu-sanctions.yaml"
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace("    source: unn\n", "    source: unn\n    language: ar\n", 1), "utf-8"
    )
    assert "language: ar" in story.read_text(encoding="utf-8")
    code, err = build(example_project, tmp_path / "out", capsys)
    assert code == 0, err
    page = BeautifulSoup((tmp_path / "out" / STORY).read_text(encoding="utf-8"), "html.parser")
    unn, up = page.select_one("#article-unn"), page.select_one("#article-up")
    assert unn is not None and unn["lang"] == "ar" and unn["dir"] == "rtl"
    assert up is not None and not up.has_attr("dir")  # the site's language, left to right
