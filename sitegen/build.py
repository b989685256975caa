"""The build: named stages from a site project to its output folder, each timed.

inputs    hash every input; when the output folder already holds their build, stop
load      read content/ YAML and seeds/
validate  check every file and anchor every quote, collecting all problems
theme     find the theme's templates and static files
render    every page, feed, sitemap and annotation file, in memory
search    the Pagefind index of the rendered pages (build only, not check)
write     swap the new site in for the old one, atomically
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import fingerprint
from .anchor_record import merge, write_record
from .errors import Problem, Problems
from .load import RawProject, load_project
from .model import Site
from .output import check_output_folder, write_site
from .parallel import worker_count
from .progress import Progress
from .render.pages import TemplateProblem
from .render.site import render_site
from .search import build_search_index
from .theme import resolve_theme
from .validate import validate


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    site: Site | None = None
    progress: Progress | None = None  # told when each stage starts (a bar on a terminal)
    anchor_record: dict[str, list[str]] = field(default_factory=dict)  # to keep once built
    skipped: bool = False  # nothing changed since the last build into the output folder

    @property
    def ok(self) -> bool:
        if self.skipped:
            return True
        return self.site is not None and not any(p.severity.value == "error" for p in self.problems)


@contextmanager
def _stage(report: BuildReport, name: str) -> Iterator[None]:
    if report.progress is not None:
        report.progress.stage(name)
    start = time.perf_counter()
    yield
    report.timings.append((name, time.perf_counter() - start))


def check(
    project: Path,
    base_url: str | None = None,
    progress: Progress | None = None,
    parallel: bool = False,
) -> BuildReport:
    """Load, validate and render the site without writing anything.

    With `parallel`, the stories render in a process pool where that pays
    (parallel.worker_count); `serve` leaves it off, as its threads must not be forked.
    """
    report = BuildReport(progress=progress)
    problems = Problems()
    with _stage(report, "load"):
        raw = load_project(project, problems)
    with _stage(report, "validate"):
        site = _validate(raw, problems, base_url)
    theme = None
    if site is not None:
        with _stage(report, "theme"):
            theme = resolve_theme(project, site.config.theme, problems)
    if site is not None and theme is not None:
        with _stage(report, "render"):
            try:
                jobs = worker_count(len(site.stories)) if parallel else 1
                report.files = render_site(site, theme, jobs)
            except TemplateProblem as error:
                problems.extend([error.problem])
    report.problems = problems.sorted()
    report.site = site if not problems.has_errors else None
    if report.site is not None:
        seeds = frozenset(raw.seeds)
        report.anchor_record = merge(raw.anchor_record, report.site.exact_quotes, seeds)
    return report


def _validate(raw: RawProject, problems: Problems, base_url: str | None) -> Site | None:
    """The validated site, its base_url replaced by --base-url when one is given."""
    site = validate(raw, problems)
    if site is not None and base_url:
        config = dataclasses.replace(
            site.config, base_url=base_url if base_url.endswith("/") else base_url + "/"
        )
        site = dataclasses.replace(site, config=config)
    return site


def build(
    project: Path,
    output: Path,
    base_url: str | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site at `project` into `output`; nothing is written unless all is well.

    When `output` already holds the build of the very same inputs (fingerprint), nothing
    is done at all: the report is `skipped`.

    Raises output.OutputRefused when `output` is not a folder sitegen may replace, and
    output.WriteFailed when the disk refuses the site (or the search stage's scratch copy).
    """
    check_output_folder(output, project)
    started = time.perf_counter()
    if progress is not None:
        progress.stage("inputs")
    inputs = fingerprint.inputs_digest(project, base_url)
    skipped = fingerprint.unchanged(project, output, inputs)
    hashed = ("inputs", time.perf_counter() - started)
    if skipped:
        return BuildReport(timings=[hashed], skipped=True)
    report = check(project, base_url, progress, parallel=True)
    report.timings.insert(0, hashed)
    if report.ok:
        with _stage(report, "search"):
            index = build_search_index(report.files)
        if isinstance(index, Problem):
            report.problems.append(index)
        else:
            report.files = dict(sorted({**report.files, **index.files}.items()))
    if report.ok:
        with _stage(report, "write"):
            write_site(report.files, output)
        write_record(project, report.anchor_record)
        # A build with warnings is never skipped, so that they are shown every time.
        clean = not report.problems
        fingerprint.remember(project, output, inputs if clean else None)
    return report
