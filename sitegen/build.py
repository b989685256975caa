"""The build: named stages from a site project to its output folder, each timed.

load      read content/ YAML and seeds/
validate  check every file and anchor every quote, collecting all problems
theme     find the theme's templates and static files
render    every page, feed, sitemap and annotation file, in memory
write     swap the new site in for the old one, atomically
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Location, Problem, Problems
from .load import RawProject, load_project
from .model import Site
from .output import check_output_folder, write_site
from .render.pages import TemplateProblem
from .render.site import render_site
from .theme import load_theme, theme_folder
from .validate import validate


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    site: Site | None = None

    @property
    def ok(self) -> bool:
        return self.site is not None and not any(p.severity.value == "error" for p in self.problems)


@contextmanager
def _stage(report: BuildReport, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    report.timings.append((name, time.perf_counter() - start))


def check(project: Path, base_url: str | None = None) -> BuildReport:
    """Load, validate and render the site without writing anything."""
    report = BuildReport()
    problems = Problems()
    with _stage(report, "load"):
        raw = load_project(project, problems)
    with _stage(report, "validate"):
        site = _validate(raw, problems, base_url)
    theme = None
    if site is not None:
        with _stage(report, "theme"):
            folder = theme_folder(project, site.config.theme)
            if folder is None:
                problems.error(
                    Location("content/site.yaml"),
                    f"there is no theme '{site.config.theme}' in themes/",
                    "remove the theme key to use the default theme",
                )
            else:
                theme = load_theme(folder, site.config.theme)
    if site is not None and theme is not None:
        with _stage(report, "render"):
            try:
                report.files = render_site(site, theme)
            except TemplateProblem as error:
                problems.extend([error.problem])
    report.problems = problems.sorted()
    report.site = site if not problems.has_errors else None
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
) -> BuildReport:
    """Build the site at `project` into `output`; nothing is written unless all is well.

    Raises output.OutputRefused when `output` is not a folder sitegen may replace.
    """
    check_output_folder(output, project)
    report = check(project, base_url)
    if report.ok:
        with _stage(report, "write"):
            write_site(report.files, output)
    return report
