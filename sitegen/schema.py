"""The keys of every YAML file of a site project: their types, whether required, and what they mean.

This table is the single statement of content format v1 (FORMAT.md) plus
sitegen's optional extensions. Validation reads it to report unknown and
missing keys; the README's key reference is checked against it in a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal[
    "text",  # one line of text, surrounding white space trimmed
    "markdown",  # Markdown, rendered without raw HTML
    "quote",  # text of a seed, matched after folding
    "id",  # [a-z0-9-]+
    "date",  # ISO YYYY-MM-DD
    "url",  # an absolute http or https URL
    "integer",  # a whole number, 1 or more
    "color",  # #rgb or #rrggbb
    "country",  # ISO 3166 alpha-2
    "language",  # a BCP 47 tag
    "kind",  # one of HIGHLIGHT_KINDS
    "text-list",  # a list of text
    "id-list",  # a list of ids
    "articles",  # a list of article mappings
    "highlights",  # a list of highlight mappings
    "comparisons",  # a list of comparison mappings
    "passages",  # article id -> quote, or a mapping of quote/prefix/suffix
    "quote-list",  # a list of quotes, each text or a mapping of quote/prefix/suffix
    "unrelated",  # a list of mappings, each with passages and an optional note
]

HIGHLIGHT_KINDS = ("quote", "claim", "context", "disputed", "correction")

DEFAULT_LABELS = (
    "Source",
    "Details",
    "Quote",
    "Quotes",
    "Background",
    "Context",
    "Update",
    "Reminder",
    "Reference",
)


@dataclass(frozen=True)
class Field:
    type: FieldType
    doc: str
    required: bool = False


Fields = dict[str, Field]

SITE: Fields = {
    "title": Field("text", "The site's name, shown on every page and in the feed.", True),
    "description": Field(
        "text", "One sentence on what the site is; used in meta tags and the feed."
    ),
    "base_url": Field(
        "url", "Where the site is published; its path is the prefix of every page.", True
    ),
    "language": Field("language", "BCP 47 language of the site. Default `en`."),
    "theme": Field("id", "A folder under `themes/`. Default `default`."),
    "author": Field("text", "Who publishes the site; the feed's author."),
    "labels": Field("text-list", "Extra paragraph labels for seeds, added to the fixed list."),
    "page_size": Field("integer", "How many items a list page holds before `page/2/`. Default 50."),
    "feed_size": Field("integer", "How many of the newest stories `feed.xml` holds. Default 50."),
    "cname": Field(
        "text",
        "A custom domain such as `news.example.org`, written to `CNAME` for GitHub Pages.",
    ),
}

SOURCE: Fields = {
    "name": Field("text", "The outlet's name, shown in its badge.", True),
    "url": Field("url", "The outlet's home page."),
    "country": Field("country", "ISO 3166 alpha-2 code, shown in the badge."),
    "color": Field("color", "The badge colour; derived from the id when absent."),
}

STORY: Fields = {
    "title": Field("text", "The story's headline.", True),
    "date": Field("date", "The story's date; orders the front page and the feed.", True),
    "summary": Field("markdown", "A short Markdown summary shown under the title."),
    "tags": Field("text-list", "Topics; each gets a page at `tags/<tag-slug>/`."),
    "articles": Field("articles", "The articles of the story, at least one.", True),
    "highlights": Field("highlights", "Annotated spans of the articles' seeds."),
    "comparisons": Field("comparisons", "Passages of two or more articles shown side by side."),
    "unrelated": Field(
        "unrelated",
        "Passages of two or more articles that the coverage view must never align together.",
    ),
}

ARTICLE: Fields = {
    "id": Field("id", "Unique in the story; highlights and passages name it.", True),
    "seed": Field("text", "A file in `seeds/` holding the article's text.", True),
    "source": Field("id", "The outlet: a key of `sources.yaml`.", True),
    "title": Field("text", "The article's headline."),
    "url": Field("url", "The original article."),
    "date": Field("date", "Publication date; else the seed's header date; else the story's."),
    "cites": Field("id-list", "Sources this article relays (keys of `sources.yaml`)."),
    "omit": Field(
        "quote-list",
        "Spans of the seed that are not the article (scraping debris): shown as omitted, "
        "never aligned. Each a quote, or a mapping of `quote`, `prefix`, `suffix`.",
    ),
    "language": Field(
        "language",
        "BCP 47 language of the article's text, when not the site's; sets `lang` and, for "
        "right-to-left scripts, `dir` on the page. Default: the seed header's `language`.",
    ),
}

HIGHLIGHT: Fields = {
    "article": Field("id", "The article id whose seed holds the quote.", True),
    "quote": Field("quote", "The highlighted text, as it stands in the seed.", True),
    "kind": Field("kind", "quote, claim, context, disputed or correction. Default quote."),
    "speaker": Field("text", "Who says it: a source id, or free text such as a person's name."),
    "note": Field("markdown", "The editor's note, Markdown, shown with the highlight."),
    "prefix": Field("quote", "Text right before the quote, to pick one of several matches."),
    "suffix": Field("quote", "Text right after the quote, to pick one of several matches."),
    "rating": Field(
        "text",
        "A fact-check verdict on a claim or disputed highlight, such as `False`; "
        "shown with the note and published as ClaimReview.",
    ),
}

COMPARISON: Fields = {
    "title": Field("text", "What the passages tell.", True),
    "note": Field("markdown", "The editor's note on how the wording differs."),
    "passages": Field("passages", "Article id -> quote of that article; two or more.", True),
}

UNRELATED: Fields = {
    "passages": Field(
        "passages",
        "Article id -> quote of that article; two or more. No sentence of one is aligned "
        "with a sentence of another.",
        True,
    ),
    "note": Field("markdown", "Why they are not related, for the next editor."),
}

PASSAGE: Fields = {
    "quote": Field("quote", "The passage's text, as it stands in the seed.", True),
    "prefix": Field("quote", "Text right before the passage."),
    "suffix": Field("quote", "Text right after the passage."),
}

DIGEST: Fields = {
    "title": Field("text", "The digest's title, such as an edition name.", True),
    "date": Field("date", "The digest's date; orders digests newest first.", True),
    "intro": Field("markdown", "An introduction in Markdown."),
    "stories": Field("id-list", "Story slugs, in the order the digest shows them.", True),
}

THEME: Fields = {
    "parent": Field(
        "id",
        "The theme this one extends, such as `default`: "
        "every template or static file this theme lacks comes from it.",
    ),
}

FILES: dict[str, tuple[str, Fields]] = {
    "content/site.yaml": ("site settings", SITE),
    "content/sources.yaml": ("each source, under its id", SOURCE),
    "content/stories/<slug>.yaml": ("a story", STORY),
    "an item of `articles`": ("an article of a story", ARTICLE),
    "an item of `highlights`": ("a highlight", HIGHLIGHT),
    "an item of `comparisons`": ("a comparison", COMPARISON),
    "an item of `unrelated`": ("passages marked as not related", UNRELATED),
    "a passage given as a mapping": ("a passage of a comparison", PASSAGE),
    "content/digests/<slug>.yaml": ("a digest", DIGEST),
    "themes/<name>/theme.yaml": ("a theme's settings", THEME),
}


def markdown_reference() -> str:
    """The README's key reference, made from the tables above so the two cannot drift."""
    sections = []
    for place, (_, fields) in FILES.items():
        rows = [f"#### {place}", "", "| key | type | required | meaning |", "|---|---|---|---|"]
        for name, field in fields.items():
            required = "yes" if field.required else ""
            rows.append(f"| `{name}` | {field.type} | {required} | {field.doc} |")
        sections.append("\n".join(rows))
    return "\n\n".join(sections) + "\n"
