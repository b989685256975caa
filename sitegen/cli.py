"""The command line: parse arguments, run a command, print problems, pick the exit code.

The only module that prints or exits. Exit codes: 0 done; 1 the content has
errors; 2 wrong usage (bad arguments, an output folder sitegen may not replace);
3 the site could not be written (a full disk, no permission); 130 interrupted
by SIGINT or SIGTERM. In every case but 0, the previous output is untouched.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from . import __version__
from .build import BuildReport, build, check
from .errors import Problem, Severity
from .output import OutputRefused, WriteFailed

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_WRITE_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C, so an interrupted build cleans up after itself."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def base_url_argument(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"'{value}' is not an http or https URL")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="sitegen",
        description="Build annotated news digests from seeds and YAML.",
    )
    root.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def project_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--source",
            type=Path,
            default=Path("."),
            metavar="DIR",
            help="the site project (holding content/ and seeds/); default: this folder",
        )
        command.add_argument(
            "--base-url",
            type=base_url_argument,
            metavar="URL",
            help="publish under this URL instead of site.yaml's base_url",
        )
        command.add_argument(
            "-v", "--verbose", action="store_true", help="print the time of each stage"
        )

    build_command = commands.add_parser(
        "build", help="build the site", description="Build the site into the output folder."
    )
    project_options(build_command)
    build_command.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="where to write the site; default: output/ in the site project",
    )
    check_command = commands.add_parser(
        "check",
        help="report every problem of the content, writing nothing",
        description="Validate the content and render it in memory; write nothing.",
    )
    project_options(check_command)
    return root


def print_problems(problems: Sequence[Problem], stream: TextIO) -> None:
    for problem in problems:
        print(problem.format(), file=stream)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} error(s), {warnings} warning(s)", file=stream)


def print_timings(report: BuildReport, stream: TextIO) -> None:
    for name, seconds in report.timings:
        print(f"  {name:<9} {seconds * 1000:8.1f} ms", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = parser().parse_args(argv)
    except SystemExit as exit:
        return int(exit.code or 0)
    try:
        with sigterm_interrupts():
            return run(arguments)
    except KeyboardInterrupt:
        print("sitegen: interrupted; the output folder is as it was", file=sys.stderr)
        return EXIT_INTERRUPTED


def run(arguments: argparse.Namespace) -> int:
    source: Path = arguments.source
    if arguments.command == "check":
        report = check(source, arguments.base_url)
    else:
        output = arguments.output or source / "output"
        try:
            report = build(source, output, arguments.base_url)
        except OutputRefused as refusal:
            print(f"sitegen: {refusal}", file=sys.stderr)
            return EXIT_USAGE
        except WriteFailed as failure:
            print(f"sitegen: {failure}; the output folder is as it was", file=sys.stderr)
            return EXIT_WRITE_FAILED
    print_problems(report.problems, sys.stderr)
    if arguments.verbose:
        print_timings(report, sys.stderr)
    if not report.ok:
        if arguments.command == "build":
            print("sitegen: nothing was written; fix the errors above", file=sys.stderr)
        return EXIT_CONTENT
    if arguments.command == "build":
        pages = sum(1 for name in report.files if name.endswith(".html"))
        print(f"built {pages} pages, {len(report.files)} files into {output}")
    else:
        print(f"no errors: {len(report.files)} files would be written")
    return EXIT_OK
