"""Hostile content in every text field and in seed text reaches no page as markup.

tests/sites/hostile/ carries script tags, event handlers, javascript: and data:
URLs, SVG, broken tags, entity tricks and template syntax in titles, summaries,
notes, speakers, source names and URLs, tags, digest intros and seeds. The site
must build, and every page must hold all of it as text only.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from sitegen.cli import main

HOSTILE = Path(__file__).resolve().parent / "sites" / "hostile"
# Elements no content may produce. A theme's own <script src> files live in
# static/; JSON-LD is data, not script, and is checked separately below.
FORBIDDEN = ("iframe", "object", "embed", "svg", "math", "style", "form", "base", "frame")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "srcset")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("hostile") / "site"
    assert main(["build", "--source", str(HOSTILE), "--output", str(output)]) == 0
    return output


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert len(found) >= 10
    return found


def test_no_page_holds_content_as_markup(hostile_site: Path) -> None:
    for path in pages(hostile_site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        name = path.relative_to(hostile_site).as_posix()
        for element in soup.find_all(True):
            handlers = [a for a in element.attrs if a.lower().startswith("on")]
            assert not handlers, f"{name}: <{element.name} {handlers}>"
            assert element.name not in FORBIDDEN, f"{name}: <{element.name}>"
            for attribute in URL_ATTRIBUTES:
                if element.has_attr(attribute):
                    scheme = urlsplit(str(element[attribute]).strip()).scheme.lower()
                    assert scheme in ("", "http", "https", "mailto"), f"{name}: {element}"
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":
                json.loads(script.string or "")  # data that parses, so nothing broke out of it
            else:
                source = str(script.get("src", ""))
                assert source and not urlsplit(source).scheme, f"{name}: {script}"
                assert "static/" in source, f"{name}: a script not from the theme: {script}"
        for img in soup.find_all("img"):
            assert urlsplit(str(img["src"])).scheme in ("http", "https"), f"{name}: {img}"


def test_hostile_text_is_shown_as_text(hostile_site: Path) -> None:
    story = (hostile_site / "stories/hostile-story/index.html").read_text(encoding="utf-8")
    text = BeautifulSoup(story, "html.parser").get_text()
    for visible in (
        "<script>alert('story title')</script>",
        "<script>alert('seed')</script>",
        "{{ 7*7 }}",
        "{% for x in range(3) %}{{ x }}{% endfor %}",
        "<svg onload=alert('source name')>",
        "{% if true %}TEMPLATE{% endif %}",
        "&lt;script&gt;alert('entity')&lt;/script&gt;",
    ):
        assert visible in text, visible
    # Template syntax in content is never evaluated: {{ 7*7 }} never becomes 49.
    assert "49" not in text


def test_highlights_over_hostile_seed_text_are_marks_of_text(hostile_site: Path) -> None:
    soup = BeautifulSoup(
        (hostile_site / "stories/hostile-story/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    marked = {m["data-highlight"]: m.get_text() for m in soup.select("mark")}
    assert marked["h1"] == "<script>alert('seed')</script>"
    assert marked["h2"] == "{{ 7*7 }}"
    assert marked["h4"] == "<svg><script>alert('svg')</script></svg>"


def test_feed_sitemap_and_annotations_stay_well_formed(hostile_site: Path) -> None:
    feed = ElementTree.parse(hostile_site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{atom}title") == "Hostile <script>alert('site title')</script> {{ 7*7 }}"
    ElementTree.parse(hostile_site / "sitemap.xml")
    annotations = json.loads(
        (hostile_site / "stories/hostile-story/annotations.jsonld").read_text(encoding="utf-8")
    )
    exact = annotations["first"]["items"][0]["target"]["selector"][0]["exact"]
    assert exact == "<script>alert('seed')</script>"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]
)
def test_urls_other_than_http_are_refused(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    project = tmp_path / "project"
    shutil.copytree(HOSTILE, project)
    sources = project / "content" / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            "url: https://example.org/?a=1&b=<b>2</b>", f'url: "{url}"'
        ),
        encoding="utf-8",
    )
    assert main(["check", "--source", str(project)]) == 1
    assert "content/sources.yaml:8:" in capsys.readouterr().err
