#!/usr/bin/env python3
"""How long `sitegen serve` takes to show a save, on a project of the benchmark corpus.

Run by hand (it edits the project's middle story by name and puts it back):

    python3 bench/serve.py /var/tmp/sitegen-bench/n1000/sitegen

Starts serve's server object (no HTTP requests), times its first build, two saves
of the story's title (the first brings words new to the site, which makes the
story's search shard and the word bundle of their first letters again; the second
only repeats them, which makes the story's shard again), putting the story back (the
words leave: the shard and word bundle again), and a restart over the unchanged
project. A save gives two times: when its pages were served (the open page reloads
then) and when its search index was made after them. Last, in a new process (as after
`sitegen serve` is started again), one more save: the first save of a process has
none of what serve keeps in memory, and takes the cards of the lists from the store
on disk (.sitegen/fragments.sqlite). Before that, through the watcher, a second save
0.2 s after the pages of a first one were served, while that one's index is being
made: when the second save's pages were served and its index made.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from sitegen.serve import DevServer, Snapshot


def timing(build: Snapshot) -> str:
    """When the save's pages were served (the page reloads then), and when its search
    index was made."""
    return f"pages served after {build.pages_seconds:.2f} s, index made after {build.seconds:.2f} s"


def saves(server: DevServer, story: Path, edits: list[str]) -> None:
    """Save each edit of the story's title in turn, then put the story back."""
    original = story.read_text(encoding="utf-8")
    title, rest = original.split("\n", 1)
    try:
        for edit in edits:
            story.write_text(f"{title} {edit}\n{rest}", encoding="utf-8")
            build = server.rebuild({str(story)})  # as serve's watcher reports the save
            rendered = f"{build.rendered} of {build.pages} pages rendered"
            print(f"save '{edit}': {timing(build)}, {rendered}", flush=True)
    finally:
        story.write_text(original, encoding="utf-8")
    print(f"story put back: {timing(server.rebuild({str(story)}))}", flush=True)


def quick_saves(server: DevServer, story: Path, gap: float) -> None:
    """Through the watcher, as an editor saves: a save, then another `gap` seconds after
    the first one's pages are served, while its index is being made. Prints when the
    second save's pages were served and its index made, counted from that save."""
    original = story.read_text(encoding="utf-8")
    title, rest = original.split("\n", 1)
    lines: list[str] = []
    server.log = lines.append
    server.start()
    time.sleep(0.5)  # let the watcher start
    try:
        before = server.snapshot.generation
        story.write_text(f"{title} (quick one)\n{rest}", encoding="utf-8")
        first = server.wait_for_change(before, 60)
        time.sleep(gap)
        saved = time.perf_counter()
        story.write_text(f"{title} (quick two)\n{rest}", encoding="utf-8")
        served = indexed = None
        while indexed is None and time.perf_counter() - saved < 120:
            page = server.snapshot.file(f"stories/{story.stem}/index.html")
            if served is None and page is not None and "quick two" in page.read_text("utf-8"):
                served = time.perf_counter() - saved
            done = [line for line in lines if ": search index made," in line]
            if served is not None and done and f"build {server.snapshot.generation}:" in done[-1]:
                indexed = time.perf_counter() - saved
            time.sleep(0.01)
        stopped = any("stopped for a newer save" in line for line in lines)
        print(
            f"second save {gap:.1f} s after the first one's pages (build {first.generation}): "
            f"pages served after {served or float('nan'):.2f} s, index made after "
            f"{indexed or float('nan'):.2f} s; first build stopped: {stopped}",
            flush=True,
        )
    finally:
        story.write_text(original, encoding="utf-8")
        # The story put back is built, index and all, before serve stops (stopping would
        # stop that build): the restart below then finds the project as it was built.
        put_back = server.snapshot.generation
        waited = time.perf_counter()
        while time.perf_counter() - waited < 60:
            done = [line for line in lines if ": search index made," in line]
            generation = server.snapshot.generation
            if generation > put_back and done and f"build {generation}:" in done[-1]:
                break
            time.sleep(0.01)
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a sitegen project, such as bench/run's corpus")
    parser.add_argument("--restarted", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    project = arguments.project
    # As in bench/run: the middle story's page is as far into its search shard as a
    # story's is on average (the first story's is the first of its shard).
    stories = sorted((project / "content" / "stories").glob("*.yaml"))
    story = stories[len(stories) // 2]
    started = time.perf_counter()
    server = DevServer(project, port=0, log=lambda line: None)
    seconds = time.perf_counter() - started
    if arguments.restarted:
        print(f"restart, nothing changed: {seconds:.2f} s", flush=True)
        saves(server, story, ["(serve zqx zqx)"])
        server.stop()
        return
    print(f"first build: {seconds:.2f} s", flush=True)
    saves(server, story, ["(serve zqx)", "(serve zqx zqx)"])
    quick_saves(server, story, gap=0.2)
    # A new process, as `sitegen serve` started again: nothing kept in memory.
    command = [sys.executable, __file__, "--restarted", str(project)]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
