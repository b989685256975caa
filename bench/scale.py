"""How sitegen's time and memory grow with seed size and highlight count.

Run by hand: python3 bench/scale.py

Two series, each size built in a fresh process (so peak memory is its own):
  seed        one story whose one seed grows to 20 MB, with 20 highlights
  highlights  one story of one 2 MB seed with up to 10,000 highlights, and
              10,000 highlights over a 20 MB seed
Each line: the size, the wall time of a full build (load, validate, anchor,
render, write) and the process's peak resident memory. Growth should be about
linear: ten times the input, about ten times the time.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = (
    "Officials said on day {n} that the minister “would not rule out” new measures – "  # noqa: RUF001
    "a shift, they added, from the talks held earlier in the week."
)


def seed_text(size: int) -> str:
    paragraphs: list[str] = []
    length, number = 0, 0
    while length < size:
        paragraph = " ".join(SENTENCE.format(n=number + k) for k in range(5))
        number += 5
        paragraphs.append(("Details: " if number % 50 == 0 else "") + paragraph)
        length += len(paragraph) + 2
    return " date 2025-05-21 " + "\n\n".join(paragraphs) + "\n"


def make_project(folder: Path, seed_size: int, highlights: int) -> None:
    (folder / "content" / "stories").mkdir(parents=True)
    (folder / "seeds").mkdir()
    (folder / "content" / "site.yaml").write_text(
        "title: Scale\nbase_url: https://example.org/scale/\n", encoding="utf-8"
    )
    (folder / "content" / "sources.yaml").write_text("wire:\n  name: Wire\n", encoding="utf-8")
    text = seed_text(seed_size)
    (folder / "seeds" / "big.txt").write_text(text, encoding="utf-8")
    sentences = text.count("Officials said on day")
    step = max(1, sentences // max(1, highlights))
    lines = [
        "title: Scale story",
        "date: 2025-05-21",
        "articles:",
        "  - {id: big, seed: big.txt, source: wire}",
        "highlights:",
    ]
    for index in range(highlights):
        day = (index * step) % sentences
        kind = ("quote", "claim", "context")[index % 3]
        lines.append(
            f'  - article: big\n    kind: {kind}\n    quote: "day {day} that the minister"'
        )
        if index % 10 == 0:
            lines.append(f"    note: Note *{index}* on this line.")
    (folder / "content" / "stories" / "scale.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def measure_one(seed_size: int, highlights: int) -> dict[str, float]:
    """Build one project in this process; report wall seconds and peak memory (MB)."""
    sys.path.insert(0, str(ROOT))
    from sitegen.cli import main

    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        make_project(project, seed_size, highlights)
        start = time.perf_counter()
        code = main(["build", "--source", str(project), "--output", str(Path(scratch) / "out")])
        seconds = time.perf_counter() - start
        if code != 0:
            raise SystemExit(f"build failed with exit code {code}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak}


def run(seed_size: int, highlights: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--one", str(seed_size), str(highlights)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    print(f"{'series':<11} {'seed bytes':>11} {'highlights':>10} {'seconds':>8} {'peak MB':>8}")
    for size in (1_000_000, 5_000_000, 20_000_000):
        figures = run(size, 20)
        print(
            f"{'seed':<11} {size:>11,} {20:>10} "
            f"{figures['seconds']:>8.2f} {figures['peak_mb']:>8.0f}"
        )
    for size, count in (
        (2_000_000, 1_000),
        (2_000_000, 3_000),
        (2_000_000, 10_000),
        (20_000_000, 10_000),
    ):
        figures = run(size, count)
        print(
            f"{'highlights':<11} {size:>11,} {count:>10,} "
            f"{figures['seconds']:>8.2f} {figures['peak_mb']:>8.0f}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure_one(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        main()
