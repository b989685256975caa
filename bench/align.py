"""How the cost of aligning a story grows with its articles. Run by hand: python3 bench/align.py

Prints the CPU time `align_story` takes (best of three runs, one core: the
aligner is single-threaded Python) for stories of 2 to 20 articles of 5 to
40 KB, and checks the target: 10 articles of 20 KB in under one second.

The stories are synthetic but shaped like the real thing: one report of a
few hundred sentences (words drawn, Zipf-like, from the example seeds'
vocabulary and a long tail of rarer words), retold by each article with
about a third of its content words changed, a tenth of its sentences moved
elsewhere, a fifth dropped, and a quarter of sentences of its own. Every
article shares most of the report with every other: the worst case for the
number of candidate pairs, since most sentences have partners in all the
other articles.

    python3 bench/align.py --measures   compare similarity measures on the gold alignment
    python3 bench/align.py --corpus DIR time the coverage of every story of a site project
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import hashlib
import itertools
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sitegen.align  # noqa: E402
from sitegen.align import Thresholds, align_story  # noqa: E402
from sitegen.errors import Problems  # noqa: E402
from sitegen.load import load_project  # noqa: E402
from sitegen.model import Article, Story  # noqa: E402
from sitegen.render.coverage import StoryCoverage, render_alignment, story_coverage  # noqa: E402
from sitegen.schema import DEFAULT_LABELS  # noqa: E402
from sitegen.seeds import parse_seed  # noqa: E402
from sitegen.sentences import split_sentences  # noqa: E402
from sitegen.similarity import STOP_WORDS, Weights, cosine, terms  # noqa: E402
from sitegen.validate import validate  # noqa: E402

DAY = datetime.date(2025, 5, 21)
FUNCTION_WORDS = sorted(STOP_WORDS)


class Retelling:
    """Synthetic articles that retell one report, reproducibly from a seed number."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        seed_text = " ".join(
            p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))
        )
        known = sorted(
            {w for w in re.findall(r"[A-Za-z]{3,}", seed_text) if w.lower() not in STOP_WORDS}
        )
        tail = [self.word() for _ in range(6000)]
        self.vocabulary = known + tail
        # Zipf-like weights: the k-th word is drawn in proportion to 1 / (k + 10).
        self.weights = [1 / (rank + 10) for rank in range(len(self.vocabulary))]

    def word(self) -> str:
        letters = "bcdfghklmnprstvz"
        vowels = "aeiou"
        return "".join(
            self.random.choice(letters) + self.random.choice(vowels)
            for _ in range(self.random.randint(2, 4))
        )

    def sentence(self) -> list[str]:
        count = self.random.randint(8, 16)
        content = self.random.choices(self.vocabulary, self.weights, k=count)
        words: list[str] = []
        for word in content:
            words.append(word)
            if self.random.random() < 0.6:
                words.append(self.random.choice(FUNCTION_WORDS))
        return words

    def retell(self, sentence: list[str]) -> list[str]:
        return [
            self.random.choices(self.vocabulary, self.weights)[0]
            if word not in STOP_WORDS and self.random.random() < 0.33
            else word
            for word in sentence
        ]

    def article(self, report: list[list[str]], size: int) -> str:
        told: list[list[str]] = []
        for sentence in report:
            roll = self.random.random()
            if roll < 0.2:
                continue
            told.append(self.retell(sentence))
            if self.random.random() < 0.25:
                told.append(self.sentence())
        for _ in range(len(told) // 10):
            moved = told.pop(self.random.randrange(len(told)))
            told.insert(self.random.randrange(len(told) + 1), moved)
        paragraphs: list[str] = []
        length = 0
        position = 0
        while position < len(told) and length < size:
            take = self.random.randint(1, 3)
            paragraph = " ".join(
                " ".join(words).capitalize() + "." for words in told[position : position + take]
            )
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
            position += take
        return "\n\n".join(paragraphs) + "\n"

    def story(self, articles: int, size: int) -> Story:
        report = [self.sentence() for _ in range(size // 60)]
        seeds = [
            parse_seed(f"{n:03}.txt", self.article(report, size).encode(), DEFAULT_LABELS)
            for n in range(articles)
        ]
        return Story(
            slug="bench",
            title="bench",
            date=DAY,
            articles=tuple(Article(f"a{n}", seed, f"s{n}", DAY) for n, seed in enumerate(seeds)),
        )


def timed(story: Story) -> float:
    """CPU seconds of the fastest of three runs: the least disturbed by other processes."""
    times = []
    for _ in range(3):
        start = time.process_time()
        align_story(story)
        times.append(time.process_time() - start)
    return min(times)


def growth() -> bool:
    """The table of times; stories past the sentence-pair budget are timed with it lifted
    and marked *, since a build leaves them unaligned."""
    print("align_story, CPU seconds, best of 3 runs (rows: articles; columns: KB each)")
    print("* past the budget of sentence pairs: a build does not align these (timed anyway)")
    sizes = (5, 10, 20, 40)
    print("articles " + "".join(f"{size:>8} KB" for size in sizes))
    target = 0.0
    budget = sitegen.align.SENTENCE_PAIR_BUDGET
    sitegen.align.SENTENCE_PAIR_BUDGET = 10**12
    try:
        for articles in (2, 5, 10, 20):
            cells = []
            for size in sizes:
                story = Retelling(articles * 1000 + size).story(articles, size * 1000)
                seconds = timed(story)
                if (articles, size) == (10, 20):
                    target = seconds
                counts = [len(split_sentences(a.seed)) for a in story.articles]
                pairs = sum(a * b for a, b in itertools.combinations(counts, 2))
                cells.append(f"{seconds:10.3f}{'*' if pairs > budget else ' '}")
            print(f"{articles:>8} " + "".join(cells))
    finally:
        sitegen.align.SENTENCE_PAIR_BUDGET = budget
    ok = target < 1.0
    print(f"10 articles of 20 KB: {target:.3f} s (target < 1 s): {'ok' if ok else 'TOO SLOW'}")
    return ok


# -- comparing similarity measures on the gold alignment ------------------------


def measures() -> None:
    """How well each measure ranks the example's sentence pairs: average precision on the gold."""
    from tests.test_align_quality import example, overlaps  # the gold, as the tests read it

    story, gold = example()
    texts = {}
    spans = {}
    for article in story.articles:
        sentences = split_sentences(article.seed, article.omit)
        spans[article.id] = [s.span for s in sentences]
        texts[article.id] = [article.seed.text[s.span.start : s.span.end] for s in sentences]
    up, unn = texts["up"], texts["unn"]
    wanted = {
        (i, j)
        for i, a in enumerate(spans["up"])
        for j, b in enumerate(spans["unn"])
        if any(overlaps(a, g[0]) and overlaps(b, g[1]) for g in gold)
    }

    def tf_idf(features: Callable[[str], list[str]]) -> Callable[[int, int], float]:
        weights = Weights.learn(features(t) for t in up + unn)
        first = [weights.vector(features(t)) for t in up]
        second = [weights.vector(features(t)) for t in unn]
        return lambda i, j: cosine(first[i], second[j])

    def grams(text: str, n: int = 4) -> list[str]:
        flat = " " + " ".join(re.findall(r"\w+", text.lower())) + " "
        return [flat[k : k + n] for k in range(len(flat) - n + 1)]

    def ratio(first: str, second: str) -> float:
        return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()

    def token_set(i: int, j: int) -> float:
        a, b = set(up[i].lower().split()), set(unn[j].lower().split())
        common = " ".join(sorted(a & b))
        one = (common + " " + " ".join(sorted(a - b))).strip()
        other = (common + " " + " ".join(sorted(b - a))).strip()
        return max(ratio(common, one), ratio(common, other), ratio(one, other))

    def jaccard(i: int, j: int) -> float:
        a, b = set(terms(up[i])), set(terms(unn[j]))
        return len(a & b) / len(a | b) if a | b else 0.0

    candidates: dict[str, Callable[[int, int], float]] = {
        "word TF-IDF cosine (sitegen)": tf_idf(terms),
        "character 4-gram TF-IDF": tf_idf(grams),
        "difflib ratio, characters": lambda i, j: ratio(up[i].lower(), unn[j].lower()),
        "difflib ratio, words": lambda i, j: difflib.SequenceMatcher(
            None, up[i].lower().split(), unn[j].lower().split(), autojunk=False
        ).ratio(),
        "token-set ratio": token_set,
        "word Jaccard": jaccard,
    }
    print(f"{len(wanted)} gold sentence pairs among {len(up) * len(unn)}")
    print(f"{'measure':<30} average precision   gold median   best non-gold")
    for name, measure in candidates.items():
        scored = sorted(
            ((measure(i, j), (i, j)) for i in range(len(up)) for j in range(len(unn))),
            key=lambda item: -item[0],
        )
        hits = 0
        precision_sum = 0.0
        for rank, (_, pair) in enumerate(scored, start=1):
            if pair in wanted:
                hits += 1
                precision_sum += hits / rank
        gold_scores = sorted(s for s, pair in scored if pair in wanted)
        best_other = max(s for s, pair in scored if pair not in wanted)
        print(
            f"{name:<30} {precision_sum / len(wanted):17.2f} "
            f"{gold_scores[len(gold_scores) // 2]:13.2f} {best_other:15.2f}"
        )
    print("\nwith the aligner (best of a small grid of thresholds; CPU s for 10 x 20 KB):")
    for name, features in (("word TF-IDF (sitegen)", terms), ("character 4-gram TF-IDF", grams)):
        score, seconds = aligned_with(features)
        print(f"  {name:<26} {score}; {seconds:.2f} s")


def aligned_with(features: Callable[[str], list[str]]) -> tuple[str, float]:
    """The best score on the gold over a small grid of thresholds, and the CPU time of a
    10-article, 20 KB story, when the aligner compares sentences by these features."""
    import sitegen.align
    from tests.test_align_quality import measure

    kept = sitegen.align.terms
    sitegen.align.terms = features
    try:
        results = []
        for alone in (0.2, 0.25, 0.3, 0.35):
            for beside in (0.1, 0.15, 0.2):
                for attach in (0.05, 0.08, 0.1, 0.12):
                    thresholds = Thresholds(alone=alone, beside=beside, moved=alone, attach=attach)
                    results.append(measure(thresholds))
        best = max(results, key=lambda score: score.f1)
        seconds = timed(Retelling(10020).story(10, 20_000))
    finally:
        sitegen.align.terms = kept
    return str(best), seconds


# -- the coverage of a real site project -----------------------------------------


def view_digest(found: StoryCoverage) -> str:
    """A digest of everything the theme and alignment.json read of a story's coverage, so
    that a speedup can be checked to change no byte (the template itself is left out: it
    only reads these values, and the page would tie the digest to the theme)."""
    view = found.view
    parts: list[object] = [found.alignment.rows, found.alignment.links, view.summary]
    for row in view.rows:
        parts.append((row.number, row.kind, row.shared_words, row.id))
        for cell in row.cells:
            parts.append((cell.article.id, cell.paragraphs, cell.moved, cell.paragraph, cell.id))
    for article in view.articles:
        parts.append((article.article.id, article.sentences, article.shared))
        parts.append((article.shared_percent, article.unique_passages))
    for quotation in view.quotations:
        parts.append((quotation.number, quotation.id, quotation.linked))
        parts += [(i.article.id, i.text, i.speaker, i.row) for i in quotation.items]
    parts.append(view.quotation_groups)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def corpus(project: Path, repeat: int) -> None:
    """CPU seconds of `story_coverage` over every story of a site project, single process,
    after loading and validating it once; and a digest of the views and alignment.json
    files, to compare before and after a change (on any PYTHONHASHSEED)."""
    problems = Problems()
    site = validate(load_project(project, problems), problems)
    assert site is not None, "the project does not validate"
    for run in range(repeat):
        digest = hashlib.sha256()
        seconds = 0.0
        for story in site.stories:
            start = time.process_time()
            found = story_coverage(site, story)
            seconds += time.process_time() - start
            if found is not None:
                digest.update(view_digest(found).encode())
                digest.update(render_alignment(site, story, found.alignment, found.view))
        count = len(site.stories)
        print(
            f"run {run + 1}: {count} stories, story_coverage {seconds:.2f} s CPU, "
            f"{1000 * seconds / count:.1f} ms per story; digest {digest.hexdigest()[:16]}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--measures", action="store_true", help="compare similarity measures")
    parser.add_argument("--corpus", type=Path, help="time story_coverage on a site project")
    parser.add_argument("--repeat", type=int, default=2, help="runs over the corpus")
    arguments = parser.parse_args()
    if arguments.measures:
        measures()
        return 0
    if arguments.corpus:
        corpus(arguments.corpus, arguments.repeat)
        return 0
    return 0 if growth() else 1


if __name__ == "__main__":
    sys.exit(main())
