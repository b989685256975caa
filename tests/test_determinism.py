"""The same input gives byte-identical output, whatever order the file system lists files in.

(Hash seeds, time zones and locales are covered in test_site.py, which builds
in a subprocess under other settings.)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.cli import main
from tests.support.projects import tree


def shuffled(listing: Callable[..., Iterator[Path]], seed: int) -> Callable[..., Iterator[Path]]:
    def listing_in_another_order(self: Path, *args: object) -> Iterator[Path]:
        paths = list(listing(self, *args))
        random.Random(seed).shuffle(paths)
        return iter(paths)

    return listing_in_another_order


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_file_system_order_does_not_change_a_byte(
    example_site: Path,
    example_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
) -> None:
    # More stories and seeds than the example, so that order has something to change.
    stories = example_project / "content" / "stories"
    story = (stories / "trump-eu-sanctions.yaml").read_text(encoding="utf-8")
    for name in ("alpha", "beta", "gamma"):
        (stories / f"{name}.yaml").write_text(story.replace("2025-05-21", "2025-05-22", 1), "utf-8")
    reference = tmp_path / "reference"
    assert main(["build", "--source", str(example_project), "--output", str(reference)]) == 0

    monkeypatch.setattr(Path, "iterdir", shuffled(Path.iterdir, seed))
    monkeypatch.setattr(Path, "rglob", shuffled(Path.rglob, seed))
    monkeypatch.setattr(Path, "glob", shuffled(Path.glob, seed))
    output = tmp_path / "shuffled"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    monkeypatch.undo()
    assert tree(output) == tree(reference)
