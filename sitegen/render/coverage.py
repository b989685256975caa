"""The coverage view of a story (rows of aligned passages), and its alignment as data.

The view is values for the theme's `_coverage.html`: one row per group or
unique passage of the alignment, in reading order, one cell per article, the
cell's text already HTML (escaped seed text, with the words that differ from
the row's other wording and the quotations marked). `alignment.json` is the
same alignment for other tools, its offsets those of `annotations.jsonld`.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .. import urls
from ..align import (
    SENTENCE_PAIR_BUDGET,
    THRESHOLDS,
    AlignedPassage,
    Group,
    StoryAlignment,
    align_story,
)
from ..model import Article, Comparison, Site, Span, Story
from ..quotations import Quotation, QuotationGroup, find_quotations, group_quotations
from ..sentences import Sentence
from ..similarity import Weights, terms
from ..wording import Difference, Run, differences, words


@dataclass(frozen=True)
class Cell:
    article: Article
    paragraphs: tuple[Markup, ...]  # the passage's text, one per paragraph; () for none
    moved: str = ""  # "earlier" or "later": told at another place of its article than its row
    paragraph: int = 0  # the seed paragraph it starts in, from 1
    id: str = ""


@dataclass(frozen=True)
class Row:
    number: int
    kind: str  # editor, aligned, unique
    group: Group
    cells: tuple[Cell, ...]  # one per article of the story, in story order
    comparison: Comparison | None  # the editor's, for an editor row
    shared_words: int  # percent of the words of a two-wording row the wordings share

    @property
    def id(self) -> str:
        return f"coverage-{self.number}"

    @property
    def told_by(self) -> tuple[Cell, ...]:
        return tuple(cell for cell in self.cells if cell.paragraphs)


@dataclass(frozen=True)
class ArticleCoverage:
    article: Article
    sentences: int
    shared: int  # sentences told by another article too
    shared_percent: int  # of the article's text (characters of its sentences)
    unique_passages: int


@dataclass(frozen=True)
class QuotationItem:
    article: Article
    text: str
    speaker: str
    row: str  # the id of the cell that holds its start


@dataclass(frozen=True)
class QuotationView:
    number: int
    items: tuple[QuotationItem, ...]

    @property
    def id(self) -> str:
        return f"quotation-{self.number}"

    @property
    def linked(self) -> bool:
        return len({item.article.id for item in self.items}) > 1


@dataclass(frozen=True)
class CoverageView:
    rows: tuple[Row, ...]
    articles: tuple[ArticleCoverage, ...]
    quotations: tuple[QuotationView, ...]
    summary: str
    quotation_groups: tuple[QuotationGroup, ...] = ()
    # The ids of the cells a quotation in the list links to: the only cells the page gives an id.
    linked_cells: frozenset[str] = frozenset()


# -- the text of a cell ---------------------------------------------------------

# The opening tag of a run of differing words, by Run.difference. Words worded
# differently are most of the runs, so theirs is the shortest; the theme tells
# the two apart by the class.
_WORDING: dict[Difference, str] = {"changed": "<u>", "only": '<u class="only">'}


def display_spans(
    passages: Sequence[AlignedPassage], sentences: Sequence[Sentence]
) -> list[tuple[Span, int]]:
    """What a cell shows of its passages, as (span, paragraph index), in text order.

    Whole sentences, cut at paragraph ends: an editor's passage that starts
    inside a sentence is shown with the whole sentence, so no text of the
    article is missing from the view.
    """
    shown: list[tuple[Span, int]] = []
    if len(passages) > 1:
        passages = sorted(passages, key=lambda p: p.span.start)
    for passage in passages:
        run: list[Sentence] = []
        for index in passage.sentences:
            sentence = sentences[index]
            if run and sentence.paragraph != run[-1].paragraph:
                shown.append((Span(run[0].span.start, run[-1].span.end), run[0].paragraph))
                run = []
            run.append(sentence)
        if run:
            shown.append((Span(run[0].span.start, run[-1].span.end), run[0].paragraph))
        elif not passage.sentences:
            shown.append((passage.span, -1))
    return shown


# What markupsafe.escape replaces: where a cell has none of these, its pieces are
# its HTML as they are (most cells: the seeds' quotation marks are mostly curly), and
# are not made into a Markup object each only to be joined as text.
_ESCAPED = re.compile("[&<>'\"]")


def _escaped(text: str) -> str:
    return str(escape(text))


def _unchanged(text: str) -> str:
    return text


def _cell_html(
    text: str,
    span: Span,
    runs: Sequence[Run],
    quotations: Sequence[tuple[Quotation, int]],
) -> Markup:
    """text[span] escaped, differing runs in <u> (see _WORDING), quotations in <q>.

    Quotations are the outer elements; a run that crosses a quotation's edge is
    cut there, so the elements nest.
    """
    start, end = span.start, span.end
    escaped = _escaped if _ESCAPED.search(text, start, end) else _unchanged
    # The runs are those of every paragraph of the cell: only this one's make pieces.
    runs = [run for run in runs if run.start < end and start < run.end]
    if not quotations and all(a.end <= b.start for a, b in itertools.pairwise(runs)):
        return Markup(_runs_html(text, span, runs, escaped))
    # A piece of text between two cuts is in a quotation (or run) or not as a whole, and
    # which one it is in changes only where one starts or ends: looked up only there.
    run_edges = {start}
    for run in runs:
        run_edges.update((max(run.start, start), min(run.end, end)))
    quotation_edges = {start}
    for quotation, _ in quotations:
        for edge in (quotation.span.start, quotation.span.end):
            if start < edge < end:
                quotation_edges.add(edge)
    points = sorted(run_edges | quotation_edges | {end})
    out: list[str] = []
    open_quotation: tuple[Quotation, int] | None = None
    differing: Run | None = None
    for left, right in itertools.pairwise(points):
        if left in quotation_edges:
            inside = next(
                (q for q in quotations if q[0].span.start <= left and right <= q[0].span.end),
                None,
            )
            if inside is not open_quotation:
                if open_quotation is not None:
                    out.append(_close_quotation(open_quotation, left))
                if inside is not None:
                    out.append("<q>")
                open_quotation = inside
        if left in run_edges:
            differing = next((r for r in runs if r.start <= left and right <= r.end), None)
        piece = escaped(text[left:right])
        if differing is None:
            out.append(piece)
        else:
            out.append(f"{_WORDING[differing.difference]}{piece}</u>")
    if open_quotation is not None:
        out.append(_close_quotation(open_quotation, end))
    return Markup("".join(out))


def _runs_html(text: str, span: Span, runs: Sequence[Run], escaped: Callable[[str], str]) -> str:
    """_cell_html of runs in text order that do not overlap (as one comparison of two
    wordings gives them), each overlapping the span, and no quotation: the common cell,
    made without cutting the text at every edge first. Each run cut to the span is one
    piece, as is the text between two runs, so the markup is _cell_html's to the byte."""
    out: list[str] = []
    at = span.start
    for run in runs:
        left, right = max(run.start, span.start), min(run.end, span.end)
        if at < left:
            out.append(escaped(text[at:left]))
        out.append(f"{_WORDING[run.difference]}{escaped(text[left:right])}</u>")
        at = right
    if at < span.end:
        out.append(escaped(text[at : span.end]))
    return "".join(out)


def _close_quotation(quotation: tuple[Quotation, int], at: int) -> str:
    closing = "</q>"
    if quotation[0].span.end <= at:
        number = quotation[1]
        closing += (
            f'<sup><a href="#quotation-{number}">Q{number}'
            f'<span class="visually-hidden">: quotation {number} in the list</span></a></sup>'
        )
    return closing


# -- the view -------------------------------------------------------------------


class CoverageBuilder:
    def __init__(self, site: Site, story: Story, alignment: StoryAlignment) -> None:
        self.site = site
        self.story = story
        self.alignment = alignment
        self.articles = {article.id: article for article in story.articles}
        self.quotation_groups = [] if alignment.too_long else self.find_quotations()
        self.quotation_number = {
            quotation: number
            for number, group in enumerate(self.quotation_groups, start=1)
            for quotation in group.quotations
        }
        self.quotations_of: dict[str, list[tuple[Quotation, int]]] = {}
        for quotation, number in self.quotation_number.items():
            self.quotations_of.setdefault(quotation.article, []).append((quotation, number))

    def find_quotations(self) -> list[QuotationGroup]:
        # Quotations are weighed against the story's sentences, as the alignment weighs them.
        weights = self.alignment.weights or Weights.learn(
            terms(a.seed.text[s.span.start : s.span.end])
            for a in self.story.articles
            for s in self.alignment.sentences[a.id]
        )
        found = [
            quotation
            for article in self.story.articles
            for quotation in find_quotations(article.id, article.seed, article.omit)
        ]
        return group_quotations(found, {a.id: a.seed.text for a in self.story.articles}, weights)

    def view(self) -> CoverageView:
        rows = self.rows()
        articles = tuple(self.article_coverage(article, rows) for article in self.story.articles)
        if self.alignment.too_long:
            return CoverageView(
                rows=(),
                articles=articles,
                quotations=(),
                summary=(
                    f"These articles are too long to align here: "
                    f"{self.alignment.too_long:,} pairs of sentences, "
                    f"more than the {SENTENCE_PAIR_BUDGET:,} the coverage view compares."
                ),
            )
        quotations = tuple(self.quotation_views(rows))
        return CoverageView(
            rows=tuple(rows),
            articles=articles,
            quotations=quotations,
            summary=self.summary(articles),
            quotation_groups=tuple(self.quotation_groups),
            linked_cells=frozenset(item.row for q in quotations for item in q.items if item.row),
        )

    def rows(self) -> list[Row]:
        rows = []
        furthest = {article.id: -1 for article in self.story.articles}
        for number, group in enumerate(self.alignment.rows, start=1):
            # Most rows are told by few of the story's articles: the others show nothing.
            shown = {
                article.id: display_spans(passages, self.alignment.sentences[article.id])
                if (passages := group.passages_of(article.id))
                else []
                for article in self.story.articles
            }
            told = [article_id for article_id, spans in shown.items() if spans]
            runs, share = self.wording(shown, told)
            cells = []
            for article in self.story.articles:
                spans = shown[article.id]
                if not spans:
                    cells.append(Cell(article, (), id=f"coverage-{number}-{article.id}"))
                    continue
                start = spans[0][0].start
                # Rows keep the first article's order: in a row the aligner found out of
                # order, the other articles' passages are the ones told elsewhere.
                moved = ""
                if group.moved and article.id != group.articles[0]:
                    moved = "earlier" if start < furthest[article.id] else "later"
                else:
                    furthest[article.id] = max(furthest[article.id], start)
                cells.append(
                    Cell(
                        article=article,
                        paragraphs=tuple(
                            self.paragraph_html(article, span, runs.get(article.id, []))
                            for span, _ in spans
                        ),
                        moved=moved,
                        paragraph=spans[0][1] + 1,
                        id=f"coverage-{number}-{article.id}",
                    )
                )
            comparison = (
                self.story.comparisons[group.comparison - 1] if group.kind == "editor" else None
            )
            rows.append(Row(number, group.kind, group, tuple(cells), comparison, share))
        return rows

    def wording(
        self, shown: dict[str, list[tuple[Span, int]]], told: list[str]
    ) -> tuple[dict[str, list[Run]], int]:
        """The differing runs of each told cell, and the percent of shared words of the first two.

        The first wording is compared with the second, every other with the
        first: with two outlets, each against the other.
        """
        if len(told) < 2:
            return {}, 0
        text = {article_id: self.articles[article_id].seed.text for article_id in told}
        cell_words = {
            article_id: words(text[article_id], [span for span, _ in shown[article_id]])
            for article_id in told
        }
        first, second = told[0], told[1]
        pair = differences(cell_words[first], cell_words[second])
        runs = {first: pair.first, second: pair.second}
        for other in told[2:]:
            runs[other] = differences(cell_words[first], cell_words[other]).second
        return runs, round(100 * pair.shared)

    def paragraph_html(self, article: Article, span: Span, runs: list[Run]) -> Markup:
        quotations = [
            (quotation, number)
            for quotation, number in self.quotations_of.get(article.id, ())
            if quotation.span.start < span.end and span.start < quotation.span.end
        ]
        return _cell_html(article.seed.text, span, runs, quotations)

    def article_coverage(self, article: Article, rows: Sequence[Row]) -> ArticleCoverage:
        sentences = self.alignment.sentences[article.id]
        # The groups (`alignment.groups`) are the rows that are not unique: read from the
        # rows, as a set does not need the groups' order, which costs a sort each time.
        shared_indexes = {
            index
            for group in self.alignment.rows
            if group.kind != "unique"
            for passage in group.passages_of(article.id)
            for index in passage.sentences
        }
        length = sum(s.span.end - s.span.start for s in sentences) or 1
        shared_length = sum(
            s.span.end - s.span.start for s in sentences if s.index in shared_indexes
        )
        return ArticleCoverage(
            article=article,
            sentences=len(sentences),
            shared=len(shared_indexes),
            shared_percent=round(100 * shared_length / length),
            unique_passages=sum(
                1 for row in rows if row.kind == "unique" and row.group.articles == (article.id,)
            ),
        )

    def summary(self, articles: Sequence[ArticleCoverage]) -> str:
        parts = []
        for coverage in articles:
            name = self.source_name(coverage.article)
            others = "the other outlet" if len(articles) == 2 else "the other outlets"
            passages = coverage.unique_passages
            parts.append(
                f"{name} shares {coverage.shared} of its {coverage.sentences} sentences "
                f"({coverage.shared_percent}% of its text) with {others} and has "
                f"{passages} passage{'s' if passages != 1 else ''} of its own"
            )
        return "; ".join(parts) + "."

    def source_name(self, article: Article) -> str:
        source = self.site.sources.get(article.source)
        return source.name if source else article.source

    def quotation_views(self, rows: Sequence[Row]) -> list[QuotationView]:
        cells = self.cells_holding_quotations(rows)
        views = []
        for number, group in enumerate(self.quotation_groups, start=1):
            items = []
            for quotation in group.quotations:
                article = self.articles[quotation.article]
                text = article.seed.text[quotation.span.start : quotation.span.end]
                items.append(
                    QuotationItem(
                        article=article,
                        text=" ".join(text.split()),
                        speaker=quotation.speaker,
                        row=cells.get((quotation.article, quotation.span.start), ""),
                    )
                )
            views.append(QuotationView(number, tuple(items)))
        # Quotations more than one outlet carries first, then in story order.
        return sorted(views, key=lambda view: (not view.linked, view.number))

    def cells_holding_quotations(self, rows: Sequence[Row]) -> dict[tuple[str, int], str]:
        """By (article, start) of each quotation, the id of the first cell, in row order,
        with a sentence (or, for a passage of none, the passage) that holds the start.
        A start no cell holds has none."""
        starts: dict[str, list[int]] = {}
        for quotation in self.quotation_number:
            starts.setdefault(quotation.article, []).append(quotation.span.start)
        for article_starts in starts.values():
            article_starts.sort()
        # Each shown span looks its quotations up among the sorted starts: a story has
        # many more sentences than quotations.
        cells: dict[tuple[str, int], str] = {}
        for row in rows:
            for passage in row.group.passages:
                offsets = starts.get(passage.article)
                if not offsets:
                    continue
                sentences = self.alignment.sentences[passage.article]
                spans = [sentences[i].span for i in passage.sentences] or [passage.span]
                for span in spans:
                    at = bisect.bisect_left(offsets, span.start)
                    while at < len(offsets) and offsets[at] < span.end:
                        cell = f"{row.id}-{passage.article}"
                        cells.setdefault((passage.article, offsets[at]), cell)
                        at += 1
        return cells


def coverage_view(site: Site, story: Story, alignment: StoryAlignment) -> CoverageView:
    """The coverage view of a story with two or more articles."""
    return CoverageBuilder(site, story, alignment).view()


# -- alignment.json -------------------------------------------------------------


def _passage_data(text: str, passage: AlignedPassage, score: bool = True) -> dict[str, Any]:
    """The passage as data, `text` the seed text of its article."""
    data: dict[str, Any] = {
        "article": passage.article,
        "start": passage.span.start,
        "end": passage.span.end,
        "text": text[passage.span.start : passage.span.end],
    }
    if score:
        data["score"] = passage.score
    return data


def render_alignment(
    site: Site, story: Story, alignment: StoryAlignment, view: CoverageView
) -> bytes:
    """`stories/<slug>/alignment.json`: the alignment as data, offsets as in annotations.jsonld.

    Offsets count code points in the published seed (`seeds/<name>`), header
    included, end exclusive. Groups are the editor's comparisons first (in
    story order), then the groups the aligner found (in reading order).
    """
    site_urls = urls.Urls(site.config.base_url)
    # By article id: Story.article looks an article up among all of them, for each passage.
    texts = {article.id: article.seed.text for article in story.articles}
    groups = []
    for group in alignment.groups:
        data: dict[str, Any] = {"origin": "editor" if group.kind == "editor" else "automatic"}
        if group.kind == "editor":
            data["title"] = story.comparisons[group.comparison - 1].title
        data["score"] = group.score
        data["moved"] = group.moved
        data["passages"] = [_passage_data(texts[p.article], p) for p in group.passages]
        groups.append(data)
    document = {
        "story": story.slug,
        "url": site_urls.absolute(urls.story(story.slug)),
        "articles": [
            {
                "id": coverage.article.id,
                "source": coverage.article.source,
                "seed": site_urls.absolute(f"seeds/{coverage.article.seed.name}"),
                "sentences": coverage.sentences,
                "shared_sentences": coverage.shared,
                "shared_text_percent": coverage.shared_percent,
                "omitted": [
                    {"start": span.start, "end": span.end} for span in coverage.article.omit
                ],
            }
            for coverage in view.articles
        ],
        "summary": view.summary,
        "thresholds": {
            "alone": THRESHOLDS.alone,
            "beside": THRESHOLDS.beside,
            "moved": THRESHOLDS.moved,
            "attach": THRESHOLDS.attach,
        },
        "groups": groups,
        "unique": [
            _passage_data(texts[passage.article], passage, score=False)
            for group in alignment.unique
            for passage in group.passages
        ],
        "quotations": [
            {
                "score": group.score,
                "quotations": [
                    {
                        "article": q.article,
                        "start": q.span.start,
                        "end": q.span.end,
                        "text": texts[q.article][q.span.start : q.span.end],
                        "speaker": q.speaker,
                    }
                    for q in group.quotations
                ],
            }
            for group in view.quotation_groups
        ],
    }
    # Compact: the C encoder, several times faster than the indenting one (browsers and
    # `python3 -m json.tool` show it indented).
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


@dataclass(frozen=True)
class StoryCoverage:
    """What the coverage of one story renders from: its alignment and its view."""

    alignment: StoryAlignment
    view: CoverageView


def story_coverage(site: Site, story: Story) -> StoryCoverage | None:
    """The coverage of a story, or None for a story of one article (nothing to align)."""
    if len(story.articles) < 2:
        return None
    alignment = align_story(story)
    return StoryCoverage(alignment, coverage_view(site, story, alignment))
