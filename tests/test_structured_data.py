"""A story page as search engines and share previews read it: JSON-LD, Open Graph, Twitter.

The JSON-LD is read back with extruct, the extractor crawlers' pipelines use,
from the HTML as published; the properties checked are the ones schema.org
defines for NewsArticle and the ones Google requires (and recommends) for a
ClaimReview.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from sitegen.cli import main

extruct = pytest.importorskip("extruct")

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.github.io/sitegen/"
STORY = "stories/trump-eu-sanctions/"
STORY_URL = BASE_URL + STORY


def json_ld(html: str) -> list[dict[str, Any]]:
    items = extruct.extract(html, base_url=STORY_URL, syntaxes=["json-ld"], uniform=False)
    return list(items["json-ld"])


def of_type(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [item for item in items if item.get("@type") == kind]


def story_yaml() -> dict[str, Any]:
    data = yaml.load(
        (ROOT / "content/stories/trump-eu-sanctions.yaml").read_text("utf-8"),
        Loader=yaml.BaseLoader,
    )
    assert isinstance(data, dict)
    return data


def sources_yaml() -> dict[str, Any]:
    data = yaml.load((ROOT / "content/sources.yaml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def rated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with two highlights rated: a claim on the scale, a disputed one not."""
    project = tmp_path_factory.mktemp("rated") / "project"
    for folder in ("content", "seeds"):
        shutil.copytree(ROOT / folder, project / folder)
    story = project / "content/stories/trump-eu-sanctions.yaml"
    text = story.read_text("utf-8")
    text = text.replace("    kind: claim\n", "    kind: claim\n    rating: Mostly true\n", 1)
    text = text.replace("    kind: disputed\n", "    kind: disputed\n    rating: Unproven\n", 1)
    story.write_text(text, "utf-8")
    output = project.parent / "site"
    assert main(["build", "--source", str(project), "--output", str(output)]) == 0
    return output


def page_html(site: Path, path: str = STORY) -> str:
    return (site / path / "index.html").read_text("utf-8")


# -- NewsArticle ------------------------------------------------------------------------


def test_each_article_is_a_news_article_with_its_headline_date_and_publisher(
    example_site: Path,
) -> None:
    articles = of_type(json_ld(page_html(example_site)), "NewsArticle")
    expected = story_yaml()["articles"]
    sources = sources_yaml()
    assert len(articles) == len(expected)
    for item, article in zip(articles, expected, strict=True):
        assert item["@context"] == "https://schema.org"
        assert item["@id"] == f"{STORY_URL}#article-{article['id']}"
        assert item["headline"] == article.get("title", story_yaml()["title"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["datePublished"])
        assert item["publisher"]["@type"] == "NewsMediaOrganization"
        assert item["publisher"]["name"] == sources[article["source"]]["name"]
        cited = [sources[source_id]["name"] for source_id in article.get("cites", [])]
        assert [work["publisher"]["name"] for work in item.get("isBasedOn", [])] == cited


def test_each_news_article_id_is_a_place_on_the_page(example_site: Path) -> None:
    html = page_html(example_site)
    soup = BeautifulSoup(html, "html.parser")
    for item in of_type(json_ld(html), "NewsArticle"):
        fragment = item["@id"].split("#", 1)[1]
        assert soup.find(id=fragment) is not None, fragment


def test_a_story_without_ratings_has_no_claim_review(example_site: Path) -> None:
    assert of_type(json_ld(page_html(example_site)), "ClaimReview") == []


# -- ClaimReview ------------------------------------------------------------------------


def test_each_rated_highlight_is_a_claim_review_with_googles_required_properties(
    rated_site: Path,
) -> None:
    html = page_html(rated_site)
    reviews = of_type(json_ld(html), "ClaimReview")
    assert [review["reviewRating"]["alternateName"] for review in reviews] == [
        "Mostly true",
        "Unproven",
    ]
    soup = BeautifulSoup(html, "html.parser")
    for review in reviews:
        # Required: claimReviewed, reviewRating (a Rating with alternateName), url.
        assert review["claimReviewed"].strip()
        assert review["reviewRating"]["@type"] == "Rating"
        assert review["url"].startswith(STORY_URL + "#note-")
        note = soup.find(id=review["url"].split("#", 1)[1])
        assert note is not None
        # Google: the rating a page publishes must be visible on it.
        assert review["reviewRating"]["alternateName"] in note.get_text()
        # The claim is the highlighted text, word for word.
        marks = soup.select(f'mark[data-highlight="{note["id"].removeprefix("note-")}"]')
        assert " ".join(" ".join(m.get_text() for m in marks).split()) == review["claimReviewed"]
        # Recommended: author, datePublished, itemReviewed as a Claim.
        assert review["author"]["name"] == "The Sanctions Watch Desk"
        assert review["author"]["url"] == BASE_URL
        assert review["datePublished"] == "2025-05-21"
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["name"]
        assert claim["datePublished"]
        assert claim["appearance"]["@type"] == "NewsArticle"


def test_a_verdict_on_the_usual_scale_gets_a_number_and_others_only_words(
    rated_site: Path,
) -> None:
    first, second = of_type(json_ld(page_html(rated_site)), "ClaimReview")
    assert first["reviewRating"]["ratingValue"] == 4
    assert (first["reviewRating"]["worstRating"], first["reviewRating"]["bestRating"]) == (1, 5)
    assert "ratingValue" not in second["reviewRating"]


def test_the_claims_author_is_the_speaker(rated_site: Path) -> None:
    first, second = of_type(json_ld(page_html(rated_site)), "ClaimReview")
    # The first claim's speaker is a source id (up); the disputed one's is a person's words.
    assert first["itemReviewed"]["author"] == {
        "@type": "NewsMediaOrganization",
        "name": "Ukrainska Pravda",
        "url": "https://www.pravda.com.ua/eng/",
    }
    assert second["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Unnamed European official",
    }


# -- the JSON stays data ------------------------------------------------------------------


def test_json_ld_cannot_close_its_script_element(example_project: Path, tmp_path: Path) -> None:
    story = example_project / "content/stories/trump-eu-sanctions.yaml"
    title = "Sanctions </script><script>alert(1)</script> & <!-- more"
    text = re.sub(
        r"(?m)^    title: .*$", f"    title: '{title}'", story.read_text("utf-8"), count=1
    )
    story.write_text(text, "utf-8")
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    html = page_html(output)
    soup = BeautifulSoup(html, "html.parser")
    assert [s.get("type") for s in soup.select("script")] == ["application/ld+json"]
    assert "</script><script>" not in soup.select_one("script").string  # type: ignore[union-attr]
    headlines = [item["headline"] for item in of_type(json_ld(html), "NewsArticle")]
    assert headlines[0] == title


# -- sharing ------------------------------------------------------------------------------


def meta(soup: BeautifulSoup, key: str) -> str:
    element = soup.select_one(f'meta[property="{key}"], meta[name="{key}"]')
    assert element is not None, key
    return str(element["content"])


def test_a_story_shares_as_an_article_with_its_title_summary_and_address(
    example_site: Path,
) -> None:
    soup = BeautifulSoup(page_html(example_site), "html.parser")
    canonical = soup.select_one('link[rel="canonical"]')
    assert canonical is not None and canonical["href"] == STORY_URL
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:title") == story_yaml()["title"]
    assert meta(soup, "og:url") == STORY_URL
    assert meta(soup, "og:site_name") == "Sanctions Watch"
    summary_start = " ".join(story_yaml()["summary"].split())[:40].replace("*", "")
    assert meta(soup, "og:description").startswith(summary_start)
    assert meta(soup, "twitter:card") == "summary"
    assert meta(soup, "twitter:title") == story_yaml()["title"]
    assert meta(soup, "article:published_time") == "2025-05-21"


def test_other_pages_share_as_the_website(example_site: Path) -> None:
    soup = BeautifulSoup(page_html(example_site, ""), "html.parser")
    assert meta(soup, "og:type") == "website"
    assert meta(soup, "og:url") == BASE_URL
