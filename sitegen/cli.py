"""The command line: parse arguments, run a command, print problems, pick the exit code.

The only module that prints or exits. Exit codes: 0 done; 1 the content has
errors; 2 wrong usage (bad arguments, an output folder sitegen may not replace);
3 the site could not be written (a full disk, no permission); 130 interrupted
by SIGINT or SIGTERM. In every case but 0, the previous output is untouched.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

# Each command imports what it runs inside its function: the modules that load,
# validate, render and serve (PyYAML, Jinja2, markdown-it, ruamel.yaml, watchfiles)
# took most of the start-up of a `sitegen build` that finds nothing changed.
from . import __version__
from .errors import Problem, Problems, Severity, did_you_mean
from .json_schema import SCHEMA_NAMES, schema_text, write_schemas
from .report import FORMATS, as_github, as_json, as_text, counts, strict

if TYPE_CHECKING:
    from .build import BuildReport
    from .output import InterruptHold

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_WRITE_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
INTERRUPTED_WHEN_BUILT = "sitegen: interrupted as the site was put in place; it is built"


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
        if signal.getsignal(signal.SIGTERM) is interrupt:  # not since set to be ignored
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
    check_command.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="how to print problems: text (default), json, or github (workflow commands)",
    )
    check_command.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on any)"
    )
    check_command.add_argument(
        "--fix",
        action="store_true",
        help="write the seed's new text into each quote found again in a changed seed",
    )
    serve_command = commands.add_parser(
        "serve",
        help="build, serve on 127.0.0.1 and rebuild on every change",
        description="Serve the site under its base_url path on 127.0.0.1, rebuilding and "
        "reloading the open page whenever content/, seeds/ or the theme change.",
    )
    project_options(serve_command)
    serve_command.add_argument(
        "--port", type=int, default=8000, metavar="N", help="the port; 0 picks a free one"
    )
    new_command = commands.add_parser(
        "new", help="start a site project or a story", description="Scaffold a site or a story."
    )
    kinds = new_command.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    new_site_command = kinds.add_parser(
        "site",
        help="a site project that builds at once",
        description="Create a site project: content, a sample story over a sample seed, "
        "JSON Schemas for editors, and a GitHub Pages workflow.",
    )
    new_site_command.add_argument(
        "directory", type=Path, metavar="DIR", help="an empty or new folder"
    )
    new_story_command = kinds.add_parser(
        "story",
        help="a story over one or more seeds",
        description="Create content/stories/SLUG.yaml with one article per seed, its date "
        "from the seeds' headers and a guessed source.",
    )
    new_story_command.add_argument("slug", metavar="SLUG", help="a-z, 0-9 and '-'")
    new_story_command.add_argument(
        "--seed",
        dest="seeds",
        action="append",
        required=True,
        type=Path,
        metavar="FILE",
        help="a seed (a file in seeds/, or one to copy there); repeat for each article",
    )
    new_story_command.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site project; default: this folder",
    )
    schema_command = commands.add_parser(
        "schema",
        help="print the JSON Schemas of the content files",
        description="Print the JSON Schema of each content file (for editors' YAML "
        "language servers), or write them into a folder.",
    )
    schema_command.add_argument(
        "name", nargs="?", choices=SCHEMA_NAMES, help="one schema; default: all of them"
    )
    schema_command.add_argument(
        "--output", type=Path, metavar="DIR", help="write NAME.schema.json files into DIR"
    )
    align_command = commands.add_parser(
        "align",
        help="print suggested comparisons for a story",
        description="Align the articles of a story and print the passages that tell the same "
        "thing as `comparisons:` YAML, most confident first, ready to paste.",
    )
    align_command.add_argument(
        "story", metavar="STORY", help="the story's slug, or its file in content/stories/"
    )
    align_command.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site project; default: this folder",
    )
    return root


def print_problems(problems: Sequence[Problem], stream: TextIO) -> None:
    for problem in problems:
        print(problem.format(), file=stream)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} error(s), {warnings} warning(s)", file=stream)


def stage_counts(report: BuildReport) -> dict[str, str]:
    """What each stage handled, shown beside its time by --verbose."""
    files = f"{report.page_count} pages, {report.file_count} files"
    handled = {"render": files, "write": files}
    counts = report.counts
    if "rendered" in counts:  # build, and a check of a project built before
        handled["render"] = (
            f"{counts['pages']} pages: {counts['rendered']} rendered, {counts['reused']} reused"
        )
    if "written" in counts:
        handled["write"] = (
            f"{counts['files']} files: {counts['written']} written, {counts['unchanged']} unchanged"
        )
    site = report.site
    if site is not None:
        # From the outlines: a story from the story cache is decoded only when rendered.
        highlights = sum(story.outline.highlights for story in site.stories)
        comparisons = sum(story.outline.comparisons for story in site.stories)
        seeds = {name for story in site.stories for name, _ in story.outline.seeds}
        handled["load"] = (
            f"{len(site.stories)} stories, {len(site.digests)} digests, {len(seeds)} seeds"
        )
        handled["validate"] = f"{highlights} highlights, {comparisons} comparisons"
        if "stories reused" in report.counts:
            handled["validate"] += (
                f" ({report.counts['stories reused']} of {len(site.stories)} stories unchanged)"
            )
    return handled


def print_timings(report: BuildReport, stream: TextIO) -> None:
    handled = stage_counts(report)
    if report.skipped:
        handled["inputs"] = "unchanged since the last build: skipped the rest"
    for name, seconds in report.timings:
        line = f"  {name:<9} {seconds * 1000:8.1f} ms  {handled.get(name, '')}"
        print(line.rstrip(), file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    code = _run_command(argv)
    if argv is None:
        # This process is the command and all it has left to do is exit. The
        # interpreter's last collection would walk every object the command left, none
        # of which needs it: 0.009 s of a 0.2 s no-op build at 5,000 stories.
        gc.freeze()
    return code


def _run_command(argv: Sequence[str] | None) -> int:
    try:
        arguments = parser().parse_args(argv)
    except SystemExit as exit:
        return int(exit.code or 0)
    from .output import InterruptHold

    # Started by a build as it puts the site in place. An interrupt can still surface
    # after the hold has ended (while the build's site is freed, say): the site is
    # built by then, and must not be reported as it was.
    hold = InterruptHold()
    try:
        with sigterm_interrupts():
            code = run(arguments, hold)
            if hold.started and argv is None:
                # This process is the command, its site is in place and all it has
                # left to do is exit: no signal may turn that into a failure.
                for number in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(number, signal.SIG_IGN)
            return code
    except KeyboardInterrupt:
        if hold.started:
            print(INTERRUPTED_WHEN_BUILT, file=sys.stderr)
            return EXIT_OK
        print("sitegen: interrupted; the output folder is as it was", file=sys.stderr)
        return EXIT_INTERRUPTED


def log_line(text: str) -> None:
    """How `serve` reports: each line at once, on stderr."""
    print(text, file=sys.stderr, flush=True)


def run_check(arguments: argparse.Namespace) -> int:
    """`sitegen check`: problems in the chosen format; --fix rewrites drifted quotes."""
    from .build import check
    from .fix import apply_fixes
    from .progress import progress_for

    source: Path = arguments.source
    with progress_for(sys.stderr) as progress:
        report = check(source, arguments.base_url, progress, parallel=True, cached=True)
    problems = strict(report.problems) if arguments.strict else report.problems
    errors, _ = counts(problems)
    if arguments.format == "json":
        sys.stdout.write(as_json(problems))
    elif arguments.format == "github":
        sys.stdout.write(as_github(problems, source))
    else:
        sys.stderr.write(as_text(problems))
    if arguments.verbose:
        print_timings(report, sys.stderr)
    if arguments.fix:
        fixed = 0
        for outcome in apply_fixes(source, report.problems):
            if outcome.refused:
                print(
                    f"sitegen: {outcome.path} left as it was: {outcome.refused}; "
                    "change the quotes by hand",
                    file=sys.stderr,
                )
            else:
                fixed += outcome.fixed
                print(f"fixed {outcome.fixed} quote(s) in {outcome.path}", file=sys.stderr)
        if fixed:
            # The exit code tells of the content as it now is, after the fixes.
            report = check(source, arguments.base_url, cached=True)
            problems = strict(report.problems) if arguments.strict else report.problems
            errors, _ = counts(problems)
            if problems:
                print("after the fixes:", file=sys.stderr)
                sys.stderr.write(as_text(problems))
    if errors or not report.ok:
        return EXIT_CONTENT
    if arguments.format == "text":
        print(f"no errors: {report.file_count} files would be written")
    return EXIT_OK


def run_new(arguments: argparse.Namespace) -> int:
    """`sitegen new site DIR` and `sitegen new story SLUG --seed FILE ...`."""
    from .scaffold import ScaffoldRefused, new_site, new_story

    try:
        if arguments.kind == "site":
            for path in new_site(arguments.directory):
                print(f"created {arguments.directory / path}")
            print(f"next: cd {arguments.directory} && sitegen serve")
            return EXIT_OK
        story = new_story(arguments.source, arguments.slug, arguments.seeds)
    except ScaffoldRefused as refusal:
        print(f"sitegen: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    for note in story.notes:
        print(note)
    print(f"created {arguments.source / story.path}; next: sitegen check")
    return EXIT_OK


def run_schema(arguments: argparse.Namespace) -> int:
    """`sitegen schema [NAME] [--output DIR]`."""
    if arguments.output:
        names = [arguments.name] if arguments.name else list(SCHEMA_NAMES)
        for path in write_schemas(arguments.output, names):
            print(f"wrote {path}")
    else:
        sys.stdout.write(schema_text(arguments.name))
    return EXIT_OK


def run_align(arguments: argparse.Namespace) -> int:
    """`sitegen align STORY`: suggested comparisons on stdout, problems on stderr."""
    from .align import align_story
    from .load import load_project
    from .suggest import suggested_comparisons
    from .validate import validate

    problems = Problems()
    site = validate(load_project(arguments.source, problems), problems)
    slug = Path(arguments.story).name.removesuffix(".yaml")
    if site is None:
        print_problems(problems.sorted(), sys.stderr)
        return EXIT_CONTENT
    story = next((story for story in site.stories if story.slug == slug), None)
    if story is None:
        hint = did_you_mean(slug, [s.slug for s in site.stories])
        print(f"sitegen: there is no story '{slug}' in content/stories/ {hint}", file=sys.stderr)
        return EXIT_USAGE
    if len(story.articles) < 2:
        print(f"sitegen: story '{slug}' has one article: nothing to align", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(suggested_comparisons(story, align_story(story)))
    return EXIT_OK


def run(arguments: argparse.Namespace, hold: InterruptHold) -> int:
    if arguments.command == "align":
        return run_align(arguments)
    if arguments.command == "new":
        return run_new(arguments)
    if arguments.command == "schema":
        return run_schema(arguments)
    if arguments.command == "check":
        return run_check(arguments)
    source: Path = arguments.source
    if arguments.command == "serve":
        from .serve import serve

        try:
            return serve(source, arguments.port, arguments.base_url, log_line)
        except OSError as error:  # the port is taken, or may not be used
            print(f"sitegen: cannot serve on port {arguments.port}: {error}", file=sys.stderr)
            return EXIT_USAGE
    return run_build(arguments, hold)


def run_build(arguments: argparse.Namespace, hold: InterruptHold) -> int:
    """`sitegen build`: the site into its output folder, all of it or nothing."""
    from .build import build
    from .output import OutputRefused, WriteFailed
    from .progress import progress_for

    source: Path = arguments.source
    output = arguments.output or source / "output"
    # Once the site is in place, an interrupt must not say it is not: `build` holds
    # SIGINT and SIGTERM from then on, until this block has reported the build.
    with hold:
        try:
            with progress_for(sys.stderr) as progress:
                report = build(source, output, arguments.base_url, progress, hold)
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
            print("sitegen: nothing was written; fix the errors above", file=sys.stderr)
            return EXIT_CONTENT
        if report.skipped:
            print(f"nothing changed since the last build: {output} is up to date")
        else:
            print(f"built {report.page_count} pages, {report.file_count} files into {output}")
    if hold.arrived:
        print(INTERRUPTED_WHEN_BUILT, file=sys.stderr)
    return EXIT_OK
