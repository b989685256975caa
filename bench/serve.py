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
then) and when its search index was made after them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sitegen.serve import DevServer, Snapshot


def timing(build: Snapshot) -> str:
    """When the save's pages were served (the page reloads then), and when its search
    index was made."""
    return f"pages served after {build.pages_seconds:.2f} s, index made after {build.seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a sitegen project, such as bench/run's corpus")
    project = parser.parse_args().project
    started = time.perf_counter()
    server = DevServer(project, port=0, log=lambda line: None)
    print(f"first build: {time.perf_counter() - started:.2f} s")
    story = sorted((project / "content" / "stories").glob("*.yaml"))[0]
    original = story.read_text(encoding="utf-8")
    title, rest = original.split("\n", 1)
    try:
        for edit in ("(serve zqx)", "(serve zqx zqx)"):
            story.write_text(f"{title} {edit}\n{rest}", encoding="utf-8")
            build = server.rebuild()
            rendered = f"{build.rendered} of {build.pages} pages rendered"
            print(f"save '{edit}': {timing(build)}, {rendered}")
    finally:
        story.write_text(original, encoding="utf-8")
    print(f"story put back: {timing(server.rebuild())}")
    server.stop()
    started = time.perf_counter()
    DevServer(project, port=0, log=lambda line: None).stop()
    print(f"restart, nothing changed: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
