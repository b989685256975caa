"""Suggested `comparisons:` for a story, from its alignment: YAML an editor can paste.

Each group the aligner found (never one the editor wrote: those passages are
taken) becomes a comparison, most confident first. Every passage is quoted so
that it anchors once in its seed: when its words occur more than once, a
`prefix` of the words before it is added, as `sitegen check` would ask.
"""

from __future__ import annotations

import re
import textwrap

from .align import Group, StoryAlignment
from .anchor import Found, SeedIndex
from .model import Story
from .seeds import Seed
from .similarity import STOP_WORDS
from .yaml_source import quoted

TITLE_WORDS = 8
WRAP = 76
WORD = re.compile(r"\w[\w'’-]*")  # noqa: RUF001


def _flat(text: str) -> str:
    return " ".join(text.split())


def _value(text: str, indent: str) -> str:
    """A YAML value: quoted on the line when short, else a folded block (`>-`) of lines."""
    if len(text) <= 60:
        return " " + quoted(text)
    lines = textwrap.wrap(text, WRAP - len(indent), break_long_words=False, break_on_hyphens=False)
    return " >-\n" + "\n".join(indent + line for line in lines)


def _prefix(seed: Seed, index: SeedIndex, quote: str, start: int) -> str:
    """The fewest words right before `start` that make `quote` occur once, or ''."""
    if isinstance(index.find(quote), Found):
        return ""
    before = seed.text[seed.body_start : start].split()
    for count in range(1, min(len(before), 12) + 1):
        prefix = " ".join(before[-count:])
        if isinstance(index.find(quote, prefix=prefix), Found):
            return prefix
    return ""


def _shared_words(texts: list[str]) -> list[str]:
    """Content words every passage has, in the order of the first, for the comment."""
    seen = [{w.lower() for w in WORD.findall(text)} for text in texts[1:]]
    shared = []
    for word in WORD.findall(texts[0]):
        lower = word.lower()
        if lower in STOP_WORDS or lower in shared or not all(lower in s for s in seen):
            continue
        shared.append(lower)
    return shared[:6]


def _comparison(story: Story, group: Group) -> str:
    lines = []
    texts = []
    passages = []
    for article_id in group.articles:
        article = story.article(article_id)
        own = group.passages_of(article_id)
        start, end = own[0].span.start, own[-1].span.end
        quote = _flat(article.seed.text[start:end])
        texts.append(quote)
        index = SeedIndex(article.seed.text, article.seed.body_start)
        prefix = _prefix(article.seed, index, quote, start)
        if prefix:
            passages.append(f"      {article_id}:")
            passages.append(f"        quote:{_value(quote, ' ' * 10)}")
            passages.append(f"        prefix: {quoted(prefix)}")
        else:
            passages.append(f"      {article_id}:{_value(quote, ' ' * 8)}")
    words = texts[0].split()
    title = " ".join(words[:TITLE_WORDS]) + (" …" if len(words) > TITLE_WORDS else "")
    shared = _shared_words(texts)
    comment = f"  # confidence {group.score:.2f}"
    if shared:
        comment += ": both say " + ", ".join(shared)
    if group.moved:
        comment += " (told at different places)"
    lines.append(comment)
    lines.append(f"  - title: {quoted(title)}")
    lines.append("    passages:")
    lines.extend(passages)
    return "\n".join(lines)


def suggested_comparisons(story: Story, alignment: StoryAlignment) -> str:
    """The YAML to paste under `comparisons:`, most confident first."""
    found = [group for group in alignment.groups if group.kind == "aligned"]
    ranked = sorted(found, key=lambda group: -group.score)
    path = f"content/stories/{story.slug}.yaml"
    head = [
        f"# Suggested comparisons for {story.slug}, most confident first (confidence is",
        "# the similarity of the passages' words, 0 to 1). Paste the ones you keep under",
        f"# `comparisons:` in {path}, give each a title and a note,",
        "# and run `sitegen check`.",
    ]
    if story.comparisons:
        head.append(
            f"# The story's {len(story.comparisons)} comparisons are left out: the editor's "
            "come first."
        )
    if not ranked:
        return "\n".join([*head, "# Nothing more to suggest: no other passages align.", ""])
    return "\n".join([*head, "comparisons:", *(_comparison(story, g) for g in ranked), ""])
