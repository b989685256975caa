"""A story's highlights as W3C Web Annotations: one AnnotationCollection per story.

Each annotation targets the published copy of its seed (`seeds/<name>`), which
holds exactly the text the offsets count: the seed as read, header included.
"""

from __future__ import annotations

import json
from typing import Any

from .. import urls
from ..model import Site, Story

CONTEXT_CHARACTERS = 32  # of prefix and suffix, as annotation tools commonly keep


def annotation(site: Site, story: Story, index: int) -> dict[str, Any]:
    site_urls = urls.Urls(site.config.base_url)
    highlight = story.highlights[index]
    seed = story.article(highlight.article).seed
    start, end = highlight.span.start, highlight.span.end
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": highlight.kind}
    ]
    if highlight.note:
        bodies.insert(
            0,
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "format": "text/markdown",
                "value": highlight.note,
            },
        )
    if highlight.speaker:
        speaker = site.sources.get(highlight.speaker)
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "identifying",
                "value": speaker.name if speaker else highlight.speaker,
            }
        )
    return {
        "id": site_urls.absolute(urls.story(story.slug)) + f"#{highlight.id}",
        "type": "Annotation",
        "motivation": "commenting" if highlight.note else "highlighting",
        "created": story.date.isoformat(),
        "body": bodies,
        "target": {
            "source": site_urls.absolute(f"seeds/{seed.name}"),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": seed.text[start:end],
                    "prefix": seed.text[max(0, start - CONTEXT_CHARACTERS) : start],
                    "suffix": seed.text[end : end + CONTEXT_CHARACTERS],
                },
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }


def render_annotations(site: Site, story: Story) -> bytes:
    site_urls = urls.Urls(site.config.base_url)
    collection_id = site_urls.absolute(urls.story(story.slug) + "annotations.jsonld")
    items = [annotation(site, story, index) for index in range(len(story.highlights))]
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": story.title,
        "total": len(items),
        "first": {
            "id": collection_id + "#page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }
    # Compact: the C encoder, several times faster than the indenting one.
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
