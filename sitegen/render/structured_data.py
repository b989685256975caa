"""Schema.org JSON-LD for a story page: what search engines and news apps read of it.

- One `NewsArticle` per article of the story: the outlet's report as the page
  shows it, with its headline, date, the outlet as publisher (and author, as
  the reporter is not known), and `isBasedOn` naming a report by each source
  the article relays (`cites`).
- One `ClaimReview` per highlight an editor rated (`rating:`, allowed only on
  `claim` and `disputed` highlights), with the properties Google's fact-check
  documentation requires (`claimReviewed`, `reviewRating` with its
  `alternateName`, `url`) and those it recommends (`author`, `datePublished`,
  `itemReviewed` as a `Claim` with its author, date and appearance).

The page puts the JSON in `<script type="application/ld+json">`: a data block,
which no browser runs, so a Content-Security-Policy that forbids inline script
still allows it.
"""

from __future__ import annotations

import json
from typing import Any

from .. import urls
from ..model import Article, Highlight, Site, Source, Story
from .markdown import render_markdown

SCHEMA = "https://schema.org"
HEADLINE_LENGTH = 110  # Google cuts longer article headlines
# The five-step scale fact checkers commonly use; other verdicts are published as words only.
VERDICT_SCALE = {"false": 1, "mostly false": 2, "half true": 3, "mostly true": 4, "true": 5}
SCALE_WORST, SCALE_BEST = 1, 5


def organization(source: Source) -> dict[str, Any]:
    entity: dict[str, Any] = {"@type": "NewsMediaOrganization", "name": source.name}
    if source.url:
        entity["url"] = source.url
    return entity


def headline(text: str) -> str:
    return text if len(text) <= HEADLINE_LENGTH else text[: HEADLINE_LENGTH - 1].rstrip() + "…"


def news_article(site: Site, story: Story, article: Article, page_url: str) -> dict[str, Any]:
    """The article as the page shows it: `@id` is its place on the page."""
    publisher = organization(site.sources[article.source])
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "@id": f"{page_url}#article-{article.id}",
        "headline": headline(article.title or story.title),
        "datePublished": article.date.isoformat(),
        "publisher": publisher,
        "author": publisher,
        "inLanguage": article.language or site.config.language,
    }
    if article.url:
        data["url"] = article.url
    if article.cites:
        # isBasedOn takes a creative work: the cited outlet's own report.
        data["isBasedOn"] = [
            {"@type": "NewsArticle", "publisher": organization(site.sources[cited])}
            for cited in article.cites
        ]
    return data


def claim_author(site: Site, article: Article, highlight: Highlight) -> dict[str, Any]:
    """Who makes the claim: the speaker (a source, else a person), else the article's outlet."""
    if highlight.speaker in site.sources:
        return organization(site.sources[highlight.speaker])
    if highlight.speaker:
        return {"@type": "Person", "name": highlight.speaker}
    return organization(site.sources[article.source])


def rating(verdict: str) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Rating", "alternateName": verdict}
    value = VERDICT_SCALE.get(" ".join(verdict.lower().split()))
    if value is not None:
        data.update(ratingValue=value, bestRating=SCALE_BEST, worstRating=SCALE_WORST)
    return data


def claim_review(site: Site, story: Story, highlight: Highlight, page_url: str) -> dict[str, Any]:
    article = story.article(highlight.article)
    claim = " ".join(article.seed.text[highlight.span.start : highlight.span.end].split())
    appearance: dict[str, Any] = {
        "@type": "NewsArticle",
        "@id": f"{page_url}#article-{article.id}",
        "headline": headline(article.title or story.title),
        "publisher": organization(site.sources[article.source]),
    }
    if article.url:
        appearance["url"] = article.url
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "ClaimReview",
        "url": f"{page_url}#note-{highlight.id}",
        "claimReviewed": claim,
        "datePublished": story.date.isoformat(),
        "author": {
            "@type": "Organization",
            "name": site.config.author or site.config.title,
            "url": site.config.base_url,
        },
        "reviewRating": rating(highlight.rating),
        "itemReviewed": {
            "@type": "Claim",
            "author": claim_author(site, article, highlight),
            "datePublished": article.date.isoformat(),
            "appearance": appearance,
        },
    }
    if highlight.note:
        data["reviewBody"] = " ".join(render_markdown(highlight.note).striptags().split())
    return data


def story_structured_data(site: Site, story: Story) -> list[dict[str, Any]]:
    page_url = urls.Urls(site.config.base_url).absolute(urls.story(story.slug))
    return [
        *(news_article(site, story, article, page_url) for article in story.articles),
        *(
            claim_review(site, story, highlight, page_url)
            for highlight in story.highlights
            if highlight.rating
        ),
    ]


def json_for_script(data: object) -> str:
    """JSON that cannot end its <script> element early: '<', '>' and '&' as escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
