"""How quote anchoring scales with the seed's length. Run by hand: python3 bench/anchoring.py

Prints, for seeds of growing size made from the example seeds' paragraphs:
the time to fold and index the seed, to find a quote that is there (median of
many), and to compute the closest-passage hint for a quote that is not.
Exact matching should grow linearly; the hint must stay usable at 1 MB.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.anchor import Found, NotFound, SeedIndex

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def corpus(size: int) -> str:
    """About `size` characters of news prose: the example seeds' paragraphs, numbered to differ."""
    paragraphs = [
        p.strip()
        for seed in sorted(SEEDS.glob("*.txt"))
        for p in seed.read_text(encoding="utf-8").split("\n\n")
        if p.strip()
    ]
    out: list[str] = []
    length = 0
    index = 0
    while length < size:
        paragraph = f"{paragraphs[index % len(paragraphs)]} (item {index})"
        out.append(paragraph)
        length += len(paragraph) + 2
        index += 1
    return "\n\n".join(out)


def timed(action, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"{'seed size':>10} {'index ms':>9} {'find ms':>8} {'closest ms':>11}")
    for size in (10_000, 100_000, 1_000_000, 4_000_000):
        text = corpus(size)
        index_time = timed(lambda text=text: SeedIndex(text, 0), repeat=3)
        index = SeedIndex(text, 0)
        # A quote near the end, unique thanks to its item number.
        last = text.rsplit("(item ", 1)[1].split(")")[0]
        quote = f"(item {last})"
        assert isinstance(index.find(quote), Found)
        find_time = timed(lambda index=index, quote=quote: index.find(quote), repeat=20)
        missing = (
            "Mr. Putin seemed to grasp Mr. Trump's eagerness for trade deals, say people briefed"
        )
        result = index.find(missing)
        assert isinstance(result, NotFound) and result.closest is not None
        closest_time = timed(lambda index=index, missing=missing: index.find(missing), repeat=3)
        print(
            f"{len(text):>10,} {index_time * 1000:>9.1f} {find_time * 1000:>8.2f}"
            f" {closest_time * 1000:>11.1f}"
        )


if __name__ == "__main__":
    main()
