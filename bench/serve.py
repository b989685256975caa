#!/usr/bin/env python3
"""How long `sitegen serve` takes to show a save, on a project of the benchmark corpus.

Run by hand (it edits the project's first story and puts it back):

    python3 bench/serve.py /var/tmp/sitegen-bench/n1000/sitegen

Starts serve's server object (no HTTP requests), times its first build, two saves
of the first story's title (the first brings words new to the site, which makes the
story's search shard and the word bundle of their first letters again; the second
only repeats them, which makes the story's shard again), putting the story back (the
words leave: the shard and word bundle again), and a restart over the unchanged
project. A save gives two times: when its pages were served (the open page reloads
then) and when its search index was made after them. Last, in a new process (as after
`sitegen serve` is started again), one more save: the first save of a process has
none of what serve keeps in memory, and takes the cards of the lists from the store
on disk (.sitegen/fragments.sqlite).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a sitegen project, such as bench/run's corpus")
    parser.add_argument("--restarted", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    project = arguments.project
    story = sorted((project / "content" / "stories").glob("*.yaml"))[0]
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
    server.stop()
    # A new process, as `sitegen serve` started again: nothing kept in memory.
    command = [sys.executable, __file__, "--restarted", str(project)]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
