"""Lists, pagination, the feed's size, site labels and tag merging, as FORMAT.md says."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from sitegen.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def story_links(page: Path) -> list[str]:
    return [str(a["href"]) for a in soup(page).select(".story-card-title a")]


@pytest.fixture
def paged_site(example_project: Path, tmp_path: Path) -> Path:
    """The example with three stories, two digests, one item per page and one feed entry."""
    content = example_project / "content"
    site = content / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8") + "page_size: 1\nfeed_size: 1\nlabels: [Bessent]\n",
        encoding="utf-8",
    )
    story = (content / "stories" / "trump-eu-sanctions.yaml").read_text(encoding="utf-8")
    tags = "tags: [sanctions, russia, nato, united-states, ukraine, europe]"
    assert tags in story
    (content / "stories" / "older.yaml").write_text(
        story.replace("date: 2025-05-21", "date: 2025-05-01", 1).replace(
            tags, "tags: [Sanctions!]"
        ),
        encoding="utf-8",
    )
    (content / "stories" / "oldest.yaml").write_text(
        story.replace("date: 2025-05-21", "date: 2025-04-01", 1).replace(tags, "tags: [SANCTIONS]"),
        encoding="utf-8",
    )
    (content / "digests" / "week-18.yaml").write_text(
        "title: Week 18\ndate: 2025-05-02\nstories: [older, oldest]\n", encoding="utf-8"
    )
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    return output


def test_every_list_longer_than_page_size_continues_on_numbered_pages(paged_site: Path) -> None:
    for first, pages in {
        "": 2,  # two digests
        "stories/": 3,
        "sources/up/": 3,
        "tags/sanctions/": 3,
        "digests/week-18/": 2,
    }.items():
        assert (paged_site / first / "index.html").is_file(), first
        for number in range(2, pages + 1):
            assert (paged_site / first / f"page/{number}/index.html").is_file(), (first, number)
        assert not (paged_site / first / f"page/{pages + 1}").exists(), first


def test_pages_link_to_each_other_in_order(paged_site: Path) -> None:
    first = soup(paged_site / "stories" / "index.html")
    second = soup(paged_site / "stories" / "page/2/index.html")
    base = "https://example.github.io/sitegen/stories/"
    next_link = first.select_one('a[rel="next"]')
    assert next_link is not None and urljoin(base, str(next_link["href"])) == base + "page/2/"
    previous = second.select_one('a[rel="prev"]')
    assert previous is not None
    assert urljoin(base + "page/2/", str(previous["href"])) == base
    # Newest first across the pages; each link resolves to its story.
    order = [
        urljoin(base + page, link)
        for page in ("", "page/2/", "page/3/")
        for link in story_links(paged_site / "stories" / page / "index.html")
    ]
    assert order == [base + slug + "/" for slug in ("trump-eu-sanctions", "older", "oldest")]


def test_the_front_page_lists_digests_newest_first(paged_site: Path) -> None:
    assert "Week 21" in soup(paged_site / "index.html").get_text()
    assert "Week 18" in soup(paged_site / "page/2/index.html").get_text()


def test_the_feed_holds_the_newest_feed_size_stories(paged_site: Path) -> None:
    feed = ElementTree.parse(paged_site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "https://example.github.io/sitegen/stories/trump-eu-sanctions/"
    ]


def test_tags_with_one_slug_are_one_tag_named_as_most_stories_write_it(paged_site: Path) -> None:
    tag_pages = sorted(p.parent.name for p in (paged_site / "tags").glob("*/index.html"))
    assert tag_pages.count("sanctions") == 1
    listed = [
        link
        for path in ("", "page/2", "page/3")
        for link in story_links(paged_site / "tags/sanctions" / path / "index.html")
    ]
    assert len(listed) == 3
    heading = soup(paged_site / "tags/sanctions/index.html").select_one("h1")
    assert heading is not None and "sanctions" in heading.get_text()


def test_site_labels_extend_the_fixed_list(paged_site: Path) -> None:
    page = soup(paged_site / "stories/trump-eu-sanctions/index.html")
    labels = [label.get_text() for label in page.select("#article-unn .label")]
    assert "Bessent:" in labels or not page.select_one("#article-unn")


def test_without_digests_the_front_page_lists_stories_newest_first(
    example_project: Path, tmp_path: Path
) -> None:
    for digest in (example_project / "content" / "digests").glob("*.yaml"):
        digest.unlink()
    stories = example_project / "content" / "stories"
    story = (stories / "trump-eu-sanctions.yaml").read_text(encoding="utf-8")
    (stories / "later.yaml").write_text(story.replace("date: 2025-05-21", "date: 2025-06-01", 1))
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    assert story_links(output / "index.html") == ["stories/later/", "stories/trump-eu-sanctions/"]


def test_the_front_page_shows_cards_for_the_newest_three_digests_and_titles_for_the_rest(
    example_project: Path, tmp_path: Path
) -> None:
    """At 5,000 stories the front page held 1,250 cards, 2.1 MB of HTML to load on a phone."""
    digests = example_project / "content" / "digests"
    for week in range(1, 6):
        (digests / f"week-{week}.yaml").write_text(
            f"title: Week {week}\ndate: 2025-04-0{week}\nstories: [trump-eu-sanctions]\n",
            encoding="utf-8",
        )
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    blocks = soup(output / "index.html").select(".digest-block")
    titles = [block.select_one(".digest-title a") for block in blocks]
    assert [t.get_text() if t else None for t in titles] == [
        "Week 21, 2025", "Week 5", "Week 4", "Week 3", "Week 2", "Week 1"
    ]  # fmt: skip
    carded = [bool(block.select(".story-card")) for block in blocks]
    assert carded == [True, True, True, False, False, False]
    # Every story of the older digests is still one click away, by its title.
    for block in blocks[3:]:
        links = [(a.get_text(), a["href"]) for a in block.select(".digest-titles a")]
        assert links == [
            ("Trump declines to join EU sanctions on Russia", "stories/trump-eu-sanctions/")
        ]
