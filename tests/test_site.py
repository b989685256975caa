"""What the built example site must hold (FORMAT.md "What the built site must hold")."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from sitegen.cli import main
from tests.support.projects import tree

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.github.io/sitegen/"
STORY = "stories/trump-eu-sanctions/"
ATOM = "{http://www.w3.org/2005/Atom}"


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def html_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_the_example_site_is_published_under_a_subpath() -> None:
    config = yaml.safe_load((ROOT / "content/site.yaml").read_text(encoding="utf-8"))
    assert config["base_url"] == BASE_URL


def test_every_path_format_names_exists(example_site: Path) -> None:
    for path in [
        "index.html",
        f"{STORY}index.html",
        f"{STORY}annotations.jsonld",
        "sources/up/index.html",
        "sources/unn/index.html",
        "sources/nyt/index.html",
        "tags/nato/index.html",
        "digests/week-21/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ]:
        assert (example_site / path).is_file(), path
    assert (example_site / ".nojekyll").read_bytes() == b""


def links_of(soup: BeautifulSoup) -> list[str]:
    found = [a["href"] for a in soup.select("a[href], link[href]")]
    found += [element["src"] for element in soup.select("[src]")]
    return [str(link) for link in found]


def resolves(site: Path, url: str) -> bool:
    path = unquote(urlsplit(url).path)
    prefix = urlsplit(BASE_URL).path
    if not path.startswith(prefix):
        return False
    relative = path[len(prefix) :]
    target = site / relative
    return (
        (target / "index.html").is_file()
        if relative == "" or relative.endswith("/")
        else target.is_file()
    )


def test_every_internal_link_resolves_under_the_subpath(example_site: Path) -> None:
    broken = []
    for name in html_files(example_site):
        # 404.html is served at any address: resolve its links from a deep one.
        page_url = BASE_URL + (
            "no/such/page/" if name == "404.html" else name.removesuffix("index.html")
        )
        soup = BeautifulSoup((example_site / name).read_text(encoding="utf-8"), "html.parser")
        for link in links_of(soup):
            if link.startswith("#"):
                continue  # a place on the same page
            url = urljoin(page_url, link)
            if url.startswith(BASE_URL.split("/sitegen/")[0]) and not resolves(example_site, url):
                broken.append(f"{name}: {link}")
    assert broken == []


def test_no_link_points_at_the_domain_root(example_site: Path) -> None:
    for name in html_files(example_site):
        soup = BeautifulSoup((example_site / name).read_text(encoding="utf-8"), "html.parser")
        for link in links_of(soup):
            assert not (link.startswith("/") and not link.startswith("/sitegen/")), (name, link)


def annotations(site: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((site / STORY / "annotations.jsonld").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_annotations_are_a_web_annotation_collection(example_site: Path) -> None:
    collection = annotations(example_site)
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    items = collection["first"]["items"]
    story = yaml.safe_load((ROOT / "content/stories/trump-eu-sanctions.yaml").read_text("utf-8"))
    assert collection["total"] == len(items) == len(story["highlights"])


def test_annotation_selectors_point_at_the_seeds_own_characters(example_site: Path) -> None:
    for item in annotations(example_site)["first"]["items"]:
        seed_name = item["target"]["source"].removeprefix(BASE_URL + "seeds/")
        raw = (ROOT / "seeds" / seed_name).read_bytes().decode("utf-8").removeprefix("\ufeff")
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        quote, position = item["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"])
        assert text[position["end"] :].startswith(quote["suffix"])
        # The published copy of the seed is what the offsets count.
        assert (example_site / "seeds" / seed_name).read_text(encoding="utf-8") == text


def test_each_highlight_is_marked_with_its_exact_text_and_tied_to_its_note(
    example_site: Path,
) -> None:
    soup = page(example_site, STORY)
    exact = {
        item["id"].rsplit("#", 1)[1]: item["target"]["selector"][0]["exact"]
        for item in annotations(example_site)["first"]["items"]
    }
    for highlight_id, text in exact.items():
        pieces = soup.select(f'mark[data-highlight="{highlight_id}"]')
        assert pieces, highlight_id
        assert " ".join(p.get_text() for p in pieces).split() == text.split()
        for piece in pieces:
            assert piece["aria-describedby"] == f"note-{highlight_id}"
            assert piece["data-kind"] in {"quote", "claim", "context", "disputed", "correction"}
        note = soup.select_one(f"#note-{highlight_id}")
        assert note is not None and note["data-kind"] == pieces[0]["data-kind"]
        assert note.select_one(f'a[href="#ref-{highlight_id}"]') is not None
        assert soup.select_one(f'a#ref-{highlight_id}[href="#note-{highlight_id}"]') is not None


def test_speakers_are_shown_by_name(example_site: Path) -> None:
    soup = page(example_site, STORY)
    speakers = {mark["data-speaker"] for mark in soup.select("mark")}
    assert {"The New York Times", "Bridget Brink", "Donald Trump", "Marco Rubio"} <= speakers


def test_each_article_names_its_source_in_a_badge(example_site: Path) -> None:
    soup = page(example_site, STORY)
    articles = soup.select("article.article")
    assert [a["data-article"] for a in articles] == ["up", "unn"]
    names = [a.select_one(".badge").get_text(" ", strip=True) for a in articles]  # type: ignore[union-attr]
    assert names[0].startswith("Ukrainska Pravda") and names[1].startswith("UNN")
    assert "The New York Times" in articles[0].select_one(".via").get_text()  # type: ignore[union-attr]


def test_labels_are_shown_as_labels(example_site: Path) -> None:
    labels = [label.get_text() for label in page(example_site, STORY).select(".label")]
    assert labels[:3] == ["Source:", "Details:", "Quote:"]
    assert "Bessent:" not in labels


def test_comparisons_hold_their_passages_in_one_element(example_site: Path) -> None:
    comparisons = page(example_site, STORY).select("figure.comparison")
    assert len(comparisons) >= 3
    for comparison in comparisons:
        passages = comparison.select(".passages > .passage")
        assert len(passages) >= 2
        assert {p["data-article"] for p in passages} == {"up", "unn"}


def test_feed_is_atom_with_absolute_links(example_site: Path) -> None:
    feed = ElementTree.parse(example_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [BASE_URL + STORY]
    assert feed.findtext(f"{ATOM}updated") == "2025-05-21T00:00:00Z"


def test_sitemap_lists_every_page_with_absolute_urls(example_site: Path) -> None:
    root = ElementTree.parse(example_site / "sitemap.xml").getroot()
    listed = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = {
        BASE_URL + name.removesuffix("index.html")
        for name in html_files(example_site)
        if name != "404.html"
    }
    assert listed == pages
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (example_site / "robots.txt").read_text()


def test_builds_are_byte_identical_across_hash_seeds_time_zones_and_locales(
    example_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "again"
    environment = {
        **os.environ,
        "PYTHONHASHSEED": "4242",
        "TZ": "Pacific/Kiritimati",
        "LC_ALL": "C.UTF-8",
    }
    subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--source", str(ROOT), "--output", str(output)],
        check=True,
        env=environment,
        capture_output=True,
    )
    assert tree(output) == tree(example_site)


def test_base_url_option_moves_the_whole_site(tmp_path: Path) -> None:
    output = tmp_path / "site"
    assert (
        main(
            [
                "build",
                "--source",
                str(ROOT),
                "--output",
                str(output),
                "--base-url",
                "https://news.example.org/",
            ]
        )
        == 0
    )
    soup = page(output, STORY)
    assert soup.select_one('link[rel="canonical"]')["href"] == "https://news.example.org/" + STORY  # type: ignore[index]
    assert "https://news.example.org/feed.xml" in (output / "feed.xml").read_text()


HOSTILE_NOTE = (
    '<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror="alert(3)">'
)


def test_markdown_and_text_from_content_cannot_inject_markup(
    example_project: Path, tmp_path: Path
) -> None:
    story = example_project / "content/stories/trump-eu-sanctions.yaml"
    data = story.read_text(encoding="utf-8")
    data = data.replace("title: Trump declines", "title: <b>Bold</b> Trump declines", 1)
    story.write_text(
        data.replace("summary: |", f"summary: |\n  {HOSTILE_NOTE}\n", 1), encoding="utf-8"
    )
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    html = (output / STORY / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    # JSON-LD is data, not script; every other script element would be injected.
    assert [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"] == []
    assert soup.find("b") is None
    assert not soup.select("[onerror]")
    assert not [
        a for a in soup.select("a[href]") if str(a["href"]).lower().startswith("javascript:")
    ]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("path", ["", STORY, "sources/up/", "tags/nato/", "digests/week-21/"])
def test_pages_declare_language_and_title(example_site: Path, path: str) -> None:
    soup = page(example_site, path)
    assert soup.html is not None and soup.html["lang"] == "en"
    assert soup.title is not None and "Sanctions Watch" in soup.title.get_text()


def test_every_same_page_link_has_its_target(example_site: Path) -> None:
    for name in html_files(example_site):
        soup = BeautifulSoup((example_site / name).read_text(encoding="utf-8"), "html.parser")
        ids = {element["id"] for element in soup.select("[id]")}
        fragments = {str(a["href"])[1:] for a in soup.select('a[href^="#"]')}
        assert fragments <= ids, (name, fragments - ids)


def test_templates_are_compiled_once_not_at_every_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled templates are kept (Jinja's bytecode cache): a second build compiles
    none, and a template edited in between is compiled again and shows its change."""
    import jinja2

    from tests.support.projects import copy_project

    project = copy_project(ROOT / "tests" / "sites" / "minimal", tmp_path / "project")
    shutil.copytree(ROOT / "themes" / "default", project / "themes" / "mine")
    site = project / "content" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "theme: mine\n", encoding="utf-8")
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def noted(self: jinja2.Environment, source: Any, name: Any = None, *args: Any) -> Any:
        compiled.append(str(name))
        return compile_template(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", noted)
    assert main(["check", "--source", str(project)]) == 0  # compiles what the cache lacks
    compiled.clear()
    assert main(["build", "--source", str(project), "--output", str(tmp_path / "out")]) == 0
    assert compiled == []
    template = project / "themes" / "mine" / "templates" / "404.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace("</h1>", " (edited)</h1>", 1), "utf-8"
    )
    assert main(["build", "--source", str(project), "--output", str(tmp_path / "out")]) == 0
    assert compiled == ["404.html"]
    assert "(edited)</h1>" in (tmp_path / "out" / "404.html").read_text(encoding="utf-8")
