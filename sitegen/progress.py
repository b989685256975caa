"""A progress bar for long builds: on a terminal only, never in CI or when piped.

A build that ends within `DELAY` seconds shows nothing: a bar that flashes
for a fraction of a second is noise. After that a thread redraws one line on
stderr with the stage and the time so far, and erases it when the build ends,
so the problems and the summary print on a clean line.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

STAGES = ("load", "validate", "theme", "render", "search", "write")
DELAY = 0.5  # seconds before the bar appears
REDRAW = 0.1  # seconds between redraws
WIDTH = 24  # characters of the bar itself


class Progress(Protocol):
    def stage(self, name: str) -> None:
        """A stage of the build starts."""


def wanted(stream: TextIO) -> bool:
    """Whether to draw a bar: a terminal, not CI, not a dumb terminal."""
    if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def bar_line(stage: str, elapsed: float) -> str:
    """One line of the bar: stages done as filled cells, then the stage and the time."""
    done = STAGES.index(stage) if stage in STAGES else 0
    filled = round(WIDTH * done / len(STAGES))
    return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {stage:<9} {elapsed:5.1f}s"


class TerminalBar:
    """Draws `bar_line` on a terminal from a thread until `close`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.current = "load"
        self.shown = False
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._draw, name="sitegen-progress", daemon=True)
        self.thread.start()

    def stage(self, name: str) -> None:
        self.current = name

    def _draw(self) -> None:
        if self.finished.wait(DELAY):
            return
        while not self.finished.is_set():
            line = bar_line(self.current, time.monotonic() - self.started)
            self.stream.write("\r" + line)
            self.stream.flush()
            self.shown = True
            self.finished.wait(REDRAW)

    def close(self) -> None:
        self.finished.set()
        self.thread.join()
        if self.shown:
            self.stream.write("\r\x1b[2K")  # erase the bar's line
            self.stream.flush()


@contextmanager
def progress_for(stream: TextIO) -> Iterator[Progress | None]:
    """A bar on `stream` for the duration of a build, or None where none is wanted."""
    if not wanted(stream):
        yield None
        return
    bar = TerminalBar(stream)
    try:
        yield bar
    finally:
        bar.close()
