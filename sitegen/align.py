"""Aligning the articles of a story: which passages tell the same thing, which one outlet alone has.

The steps, for a story of two or more articles:

1. cut each article into sentences (`sentences`), leaving out omitted spans;
2. weigh every sentence's content words against the whole story (`similarity`);
3. set aside the sentences of the editor's comparisons: those come first and
   are not aligned again (their pairs still back their neighbours, below);
4. for each pair of articles, link sentences:
   - find every candidate pair scoring at least the lowest threshold, from an
     inverted index of the sentences' rarer words (`similar_pairs`);
   - take the heaviest chain of pairs that keeps both articles' order, a
     weighted longest increasing subsequence, O(k log k) for k candidates,
     and keep its pairs that score `alone` on their own;
   - link pairs against that order that score `moved` (a passage one outlet
     tells earlier, the other later), strongest first, between free sentences;
   - then, until nothing changes: keep the chain's weaker pairs (`beside`)
     whose neighbours in both articles are linked (or paired by the editor),
     and let a free sentence next to a linked one join that link's partner
     when the partner is its best match, scoring `attach` (an outlet that
     splits one sentence in two);
5. sentences linked directly or through others form a group; what is left,
   run by run within a paragraph, is unique to its article;
6. the groups are put in reading order: the first article's order, the other
   articles' passages slotted in after the row of their previous sentence.

Pairs the editor marks as not related (`unrelated:`) are never linked. A
story past SENTENCE_PAIR_BUDGET is not aligned at all.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .model import Span, Story
from .sentences import Sentence, split_sentences
from .similarity import Vector, Weights, cosine, similar_pairs, terms


@dataclass(frozen=True)
class Thresholds:
    """Similarity a pair of sentences needs to be linked, by how it is linked."""

    alone: float  # a pair in both articles' order, on its own score
    beside: float  # a pair in that order next to another pair (or the editor's)
    moved: float  # a pair against that order: must be surer, it has nothing to back it
    attach: float  # a sentence next to a linked one, joining that link's partner


# Chosen from measurement on the gold alignment; tests/test_align_quality.py
# prints the sweep with every run and fails if a threshold sits within 0.02 of
# a cliff. On the example story (F1 0.96 at these values):
# - `beside` keeps F1 at its best from 0.05 to 0.20, `attach` from 0.05 to
#   0.12: each is set well inside its plateau, not at the edge it was found at;
# - `alone` and `moved` change nothing on the example between 0.15 and 0.40 (the
#   order does the work); with UNN's paragraphs shuffled, precision is 1.0 for
#   `moved` of 0.23 and up. Both stand on their own score, so both are set
#   above the best pair of the example that the gold does not have (0.29), with
#   a margin: 0.35.
THRESHOLDS = Thresholds(alone=0.35, beside=0.15, moved=0.35, attach=0.08)

# About two articles of 200 KB, or ten of 45 KB. Past it, a story of near-identical
# sentences (boilerplate, a feed's repeated template) makes every pair a candidate
# and the build would take minutes; news articles are a tenth of this.
SENTENCE_PAIR_BUDGET = 2_500_000


@dataclass(frozen=True)
class Link:
    """Two sentences of two articles that tell the same thing."""

    first: str  # article id
    first_sentence: int  # index into that article's sentences
    second: str
    second_sentence: int
    score: float
    moved: bool = False  # against the order of the other links of this pair of articles


@dataclass(frozen=True)
class AlignedPassage:
    """Consecutive sentences of one paragraph of one article, in a group or unique."""

    article: str
    span: Span
    sentences: tuple[int, ...]
    score: float = 0.0  # the best link of its sentences; 0 for a unique passage


GroupKind = Literal["editor", "aligned", "unique"]


@dataclass(frozen=True)
class Group:
    """Passages that tell the same thing; or, `unique`, one article's passage told by no other."""

    kind: GroupKind
    passages: tuple[AlignedPassage, ...]
    score: float = 0.0  # the mean similarity of its links (editor: of its passages)
    moved: bool = False
    comparison: int = 0  # the editor's comparison, numbered from 1 in story order

    # Cached (a group does not change): the view asks each group for each article's passages.
    @functools.cached_property
    def articles(self) -> tuple[str, ...]:
        return tuple(self._by_article)

    def passages_of(self, article: str) -> tuple[AlignedPassage, ...]:
        return self._by_article.get(article, ())

    @functools.cached_property
    def _by_article(self) -> dict[str, tuple[AlignedPassage, ...]]:
        by_article: dict[str, list[AlignedPassage]] = {}
        for passage in self.passages:
            by_article.setdefault(passage.article, []).append(passage)
        return {article: tuple(passages) for article, passages in by_article.items()}


@dataclass(frozen=True)
class StoryAlignment:
    articles: tuple[str, ...]
    sentences: dict[str, tuple[Sentence, ...]]
    rows: tuple[Group, ...]  # every group and unique passage, in reading order
    links: tuple[Link, ...] = field(default=())
    too_long: int = 0  # the sentence pairs of a story over SENTENCE_PAIR_BUDGET: not aligned
    # What the sentences were weighed with, for the coverage view to weigh quotations
    # alike without reading every sentence again; None when not aligned.
    weights: Weights | None = field(default=None, compare=False, repr=False)

    @property
    def groups(self) -> tuple[Group, ...]:
        """Passages told by two or more articles: the editor's first, then the found ones."""
        editor = sorted((g for g in self.rows if g.kind == "editor"), key=lambda g: g.comparison)
        return (*editor, *(g for g in self.rows if g.kind == "aligned"))

    @property
    def unique(self) -> tuple[Group, ...]:
        return tuple(group for group in self.rows if group.kind == "unique")


Node = tuple[str, int]  # (article id, sentence index)


# -- the chain that keeps both orders --------------------------------------------


def heaviest_chain(pairs: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The pairs, increasing in both indexes, whose scores sum highest.

    A weighted longest increasing subsequence: rows in order, a Fenwick tree
    over the second index holding the best chain ending below each column.
    Ties go to the chain ending at the smallest pair.
    """
    if not pairs:
        return []
    columns = sorted({second for _, second in pairs})
    column_of = {second: number for number, second in enumerate(columns, start=1)}
    # The tree, as two lists (this loop runs for every candidate pair of a story): at
    # each node, the best chain total of the columns it covers and the pair ending it.
    tree_total = [0.0] * (len(columns) + 1)
    tree_end: list[tuple[int, int] | None] = [None] * (len(columns) + 1)
    previous: dict[tuple[int, int], tuple[int, int] | None] = {}
    total: dict[tuple[int, int], float] = {}
    for _, row in itertools.groupby(sorted(pairs), key=lambda pair: pair[0]):
        # Look up the whole row before recording any of it: one sentence, one partner.
        found = []
        for pair in row:
            best, before = 0.0, None
            column = column_of[pair[1]] - 1
            while column > 0:
                if tree_total[column] > best:
                    best, before = tree_total[column], tree_end[column]
                column -= column & -column
            found.append((pair, best, before))
        for pair, best, before in found:
            total[pair] = chained = best + pairs[pair]
            previous[pair] = before
            column = column_of[pair[1]]
            while column < len(tree_total):
                if chained > tree_total[column]:
                    tree_total[column], tree_end[column] = chained, pair
                column += column & -column
    heaviest = max(total.values())
    end: tuple[int, int] | None = min(pair for pair, value in total.items() if value == heaviest)
    chain = []
    while end is not None:
        chain.append(end)
        end = previous[end]
    return chain[::-1]


class _PairLinks:
    """The links between two articles as they grow, each sentence's partners tracked."""

    def __init__(
        self,
        pairs: dict[tuple[int, int], float],
        anchors: frozenset[tuple[int, int]],
        blocked: frozenset[tuple[int, int]],
        thresholds: Thresholds,
    ) -> None:
        self.pairs, self.anchors, self.blocked = pairs, anchors, blocked
        self.thresholds = thresholds
        self.links: dict[tuple[int, int], tuple[float, bool]] = {}
        self.used_first: set[int] = set()
        self.used_second: set[int] = set()
        # Each sentence's most similar sentence of the other article, ties to the first.
        self.best_first: dict[int, tuple[float, int]] = {}
        self.best_second: dict[int, tuple[float, int]] = {}
        for (one, other), score in sorted(pairs.items()):
            if score > self.best_first.get(one, (0.0, 0))[0]:
                self.best_first[one] = (score, other)
            if score > self.best_second.get(other, (0.0, 0))[0]:
                self.best_second[other] = (score, one)

    def add(self, pair: tuple[int, int], moved: bool = False) -> None:
        self.links[pair] = (self.pairs[pair], moved)
        self.used_first.add(pair[0])
        self.used_second.add(pair[1])

    def free(self, pair: tuple[int, int]) -> bool:
        return pair[0] not in self.used_first and pair[1] not in self.used_second

    def backed(self, pair: tuple[int, int]) -> bool:
        """Whether the sentences right before, or right after, in both articles are paired."""
        beside = [(pair[0] + step, pair[1] + step) for step in (-1, 1)]
        return any(other in self.links or other in self.anchors for other in beside)

    def grow(self, chain: Sequence[tuple[int, int]]) -> None:
        """Keep the chain's weaker pairs that their neighbours back, and attach neighbours,
        until neither adds a link.

        A weaker pair in order is kept when its neighbours in both articles are
        paired: two outlets following one report step by step. A free sentence
        next to a linked one joins that link's partner when that partner is the
        sentence of the other article most like it (an outlet that splits one
        sentence in two, or joins two); without that condition, any sentence
        that happens to stand next to a moved passage would join it.
        """
        changed = True
        while changed:
            changed = False
            for pair in chain:
                if pair not in self.links and self.free(pair) and self.backed(pair):
                    self.add(pair)
                    changed = True
            for (one, other), (_, moved) in sorted(self.links.items()):
                for neighbour in (one - 1, one + 1):
                    if neighbour not in self.used_first and self.joins((neighbour, other), 0):
                        self.add((neighbour, other), moved)
                        changed = True
                for neighbour in (other - 1, other + 1):
                    if neighbour not in self.used_second and self.joins((one, neighbour), 1):
                        self.add((one, neighbour), moved)
                        changed = True

    def joins(self, pair: tuple[int, int], side: int) -> bool:
        """Whether the sentence pair[side], a neighbour, may join its neighbour's partner:
        only if that partner is its best, scoring `attach` or more."""
        neighbour, partner = pair[side], pair[1 - side]
        best = (self.best_first if side == 0 else self.best_second).get(neighbour)
        if best is None or best[1] != partner or pair in self.blocked:
            return False
        return best[0] >= self.thresholds.attach


def align_pair(
    first: Sequence[tuple[int, Vector]],
    second: Sequence[tuple[int, Vector]],
    blocked: frozenset[tuple[int, int]],
    anchors: frozenset[tuple[int, int]],
    thresholds: Thresholds,
) -> list[tuple[int, int, float, bool]]:
    """The links between two articles' free sentences, as (first, second, score, moved).

    `anchors` are the sentence pairs the editor's comparisons pair (they back
    their neighbours); `blocked` the pairs the editor marks as not related.
    """
    # Every pair that any rule could take, so that each sentence's best partner is exact.
    lowest = min(thresholds.alone, thresholds.beside, thresholds.moved, thresholds.attach)
    pairs = {
        pair: score
        for pair, score in similar_pairs(first, second, lowest).items()
        if pair not in blocked
    }
    chain = heaviest_chain({pair: s for pair, s in pairs.items() if s >= thresholds.beside})
    links = _PairLinks(pairs, anchors, blocked, thresholds)
    for pair in chain:
        if pairs[pair] >= thresholds.alone:
            links.add(pair)
    # Moved passages before the weaker pairs: a strong pair out of order is surer
    # than a weak one in order that happens to stand next to a strong one.
    in_order = set(chain)
    strong = [(pair, score) for pair, score in pairs.items() if score >= thresholds.moved]
    for pair, _ in sorted(strong, key=lambda item: (-item[1], item[0])):
        if links.free(pair):
            links.add(pair, moved=pair not in in_order)
    links.grow(chain)
    return [
        (one, other, score, moved) for (one, other), (score, moved) in sorted(links.links.items())
    ]


# -- the story ------------------------------------------------------------------


def _overlapping(sentences: Sequence[Sentence], span: Span) -> list[int]:
    return [s.index for s in sentences if s.span.start < span.end and s.span.end > span.start]


def _runs(
    article: str,
    indexes: Iterable[int],
    sentences: Sequence[Sentence],
    scores: dict[int, float],
) -> list[AlignedPassage]:
    """Consecutive sentences of one paragraph, as passages."""
    passages: list[AlignedPassage] = []
    run: list[Sentence] = []
    for index in sorted(indexes):
        sentence = sentences[index]
        if run and (index != run[-1].index + 1 or sentence.paragraph != run[-1].paragraph):
            passages.append(_passage(article, run, scores))
            run = []
        run.append(sentence)
    if run:
        passages.append(_passage(article, run, scores))
    return passages


def _passage(article: str, run: list[Sentence], scores: dict[int, float]) -> AlignedPassage:
    return AlignedPassage(
        article=article,
        span=Span(run[0].span.start, run[-1].span.end),
        sentences=tuple(s.index for s in run),
        score=round(max((scores.get(s.index, 0.0) for s in run), default=0.0), 3),
    )


def _linked_groups(
    links: Sequence[Link], articles: Sequence[str], sentences: dict[str, tuple[Sentence, ...]]
) -> list[Group]:
    """Sentences linked directly or through others, as groups (union-find)."""
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for link in links:
        one, other = (
            root((link.first, link.first_sentence)),
            root((link.second, link.second_sentence)),
        )
        if one != other:
            parent[max(one, other)] = min(one, other)
    members: defaultdict[Node, list[Link]] = defaultdict(list)
    for link in links:
        members[root((link.first, link.first_sentence))].append(link)
    groups = []
    for group_links in members.values():
        best: defaultdict[Node, float] = defaultdict(float)
        for link in group_links:
            for node in ((link.first, link.first_sentence), (link.second, link.second_sentence)):
                best[node] = max(best[node], link.score)
        passages = []
        for article in articles:
            scores = {index: score for (owner, index), score in best.items() if owner == article}
            passages += _runs(article, scores, sentences[article], scores)
        groups.append(
            Group(
                kind="aligned",
                passages=tuple(passages),
                score=round(sum(link.score for link in group_links) / len(group_links), 3),
                moved=any(link.moved for link in group_links),
            )
        )
    return groups


def _editor_groups(
    story: Story,
    sentences: dict[str, tuple[Sentence, ...]],
    weights: Weights,
) -> tuple[list[Group], dict[str, set[int]]]:
    """The editor's comparisons as groups, and the sentences they claim from alignment."""
    claimed: defaultdict[str, set[int]] = defaultdict(set)
    groups = []
    for number, comparison in enumerate(story.comparisons, start=1):
        vectors = []
        passages = []
        for passage in comparison.passages:
            seed = story.article(passage.article).seed
            vectors.append(weights.vector(terms(seed.text[passage.span.start : passage.span.end])))
            covered = _overlapping(sentences[passage.article], passage.span)
            claimed[passage.article].update(covered)
            passages.append(AlignedPassage(passage.article, passage.span, tuple(covered)))
        pair_scores = [cosine(a, b) for a, b in itertools.combinations(vectors, 2)]
        score = round(sum(pair_scores) / len(pair_scores), 3) if pair_scores else 0.0
        scored = tuple(AlignedPassage(p.article, p.span, p.sentences, score) for p in passages)
        groups.append(Group(kind="editor", passages=scored, score=score, comparison=number))
    return groups, claimed


def _blocked_pairs(
    story: Story, sentences: dict[str, tuple[Sentence, ...]]
) -> dict[tuple[str, str], frozenset[tuple[int, int]]]:
    """For each ordered pair of articles, the sentence pairs the editor marked as not related."""
    blocked: defaultdict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    for unrelated in story.unrelated:
        for one, other in itertools.permutations(unrelated.passages, 2):
            for first in _overlapping(sentences[one.article], one.span):
                for second in _overlapping(sentences[other.article], other.span):
                    blocked[one.article, other.article].add((first, second))
    return {pair: frozenset(indexes) for pair, indexes in blocked.items()}


def _anchors(editor: Sequence[Group], first: str, second: str) -> frozenset[tuple[int, int]]:
    """The sentence pairs of two articles that the editor's comparisons pair."""
    return frozenset(
        (one, other)
        for group in editor
        for passage in group.passages_of(first)
        for other_passage in group.passages_of(second)
        for one in passage.sentences
        for other in other_passage.sentences
    )


def _reading_order(groups: Sequence[Group], articles: Sequence[str]) -> list[Group]:
    """Rows in the first article's order; each other article's new rows after its previous one."""
    rows: list[int] = []  # the groups' numbers, in reading order
    placed: set[int] = set()
    for article in articles:
        own = sorted(
            (min(p.span.start for p in group.passages_of(article)), number)
            for number, group in enumerate(groups)
            if article in group.articles
        )
        last = -1
        for _, number in own:
            if number in placed:
                # Already placed by an earlier article: if it is further down, later rows of
                # this article follow it; if it is above, this passage was moved.
                last = max(last, rows.index(number))
                continue
            last += 1
            rows.insert(last, number)
            placed.add(number)
    return [groups[number] for number in rows]


def align_story(story: Story, thresholds: Thresholds = THRESHOLDS) -> StoryAlignment:
    """The alignment of a story's articles. Pure: the same story gives the same alignment.

    A story with more than SENTENCE_PAIR_BUDGET pairs of sentences from
    different articles is not aligned (its alignment has no rows and says
    how many pairs it has): the cost grows with that number of pairs.
    """
    articles = tuple(article.id for article in story.articles)
    sentences = {a.id: split_sentences(a.seed, a.omit) for a in story.articles}
    pairs = sum(
        len(sentences[one]) * len(sentences[other])
        for one, other in itertools.combinations(articles, 2)
    )
    if pairs > SENTENCE_PAIR_BUDGET:
        return StoryAlignment(articles, sentences, (), too_long=pairs)
    sentence_terms = {
        a.id: [terms(a.seed.text[s.span.start : s.span.end]) for s in sentences[a.id]]
        for a in story.articles
    }
    weights = Weights.learn(t for lists in sentence_terms.values() for t in lists)
    vectors = {
        article: [weights.vector(t) for t in lists] for article, lists in sentence_terms.items()
    }
    editor, claimed = _editor_groups(story, sentences, weights)
    blocked = _blocked_pairs(story, sentences)
    free = {
        article: [(i, v) for i, v in enumerate(vectors[article]) if i not in claimed[article]]
        for article in articles
    }
    links = [
        Link(first, one, second, other, round(score, 3), moved)
        for first, second in itertools.combinations(articles, 2)
        for one, other, score, moved in align_pair(
            free[first],
            free[second],
            blocked.get((first, second), frozenset()),
            _anchors(editor, first, second),
            thresholds,
        )
    ]
    aligned = _linked_groups(links, articles, sentences)
    linked = {(link.first, link.first_sentence) for link in links} | {
        (link.second, link.second_sentence) for link in links
    }
    unique = [
        Group(kind="unique", passages=(passage,))
        for article in articles
        for passage in _runs(
            article,
            (
                s.index
                for s in sentences[article]
                if s.index not in claimed[article] and (article, s.index) not in linked
            ),
            sentences[article],
            {},
        )
    ]
    rows = _reading_order([*editor, *aligned, *unique], articles)
    return StoryAlignment(articles, sentences, tuple(rows), tuple(links), weights=weights)
