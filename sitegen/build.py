"""The build: named stages from a site project to its output folder, each timed.

inputs    hash every input; when the output folder already holds their build, stop
load      read content/ YAML and seeds/
validate  check every file and anchor every quote, collecting all problems
theme     find the theme's templates and static files
render    every page, feed, sitemap and annotation file (build: into a staging folder)
search    the Pagefind index of the rendered pages (build only, not check)
write     swap the new site in for the old one, atomically

`check` renders in memory. `build` is incremental: a file whose cache key
(cache_keys) is the one the previous build in the output folder made it under
is not rendered again but hard-linked from there, and a file rendered to the
bytes it already had is linked too, so a rebuild writes only what changed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import fingerprint, urls
from .anchor_record import Record, merge, write_record
from .errors import BuildCancelled, Problem, Problems
from .manifest import (
    Previous,
    forget_written,
    read_manifest,
    trust_as_written,
    write_manifest,
    written_here,
)
from .output import InterruptHold, Staging, check_output_folder, remove_leftovers

# The stages' modules (Jinja2, markdown-it, PyYAML, Pagefind's client) are imported
# where they run, so that a build with nothing changed starts in a tenth of a second.
if TYPE_CHECKING:
    from .cache_keys import Keys
    from .load import RawProject, YamlFile
    from .model import Site
    from .progress import Progress
    from .render.site import RenderedAlone
    from .reuse import Reuse
    from .search import SearchEntry
    from .search_ahead import ShardsAhead
    from .search_inputs import SearchInputs
    from .story_cache import StoryCache
    from .theme import Theme


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    site: Site | None = None
    progress: Progress | None = None  # told when each stage starts (a bar on a terminal)
    anchor_record: Record = field(default_factory=dict)  # to keep once built
    skipped: bool = False  # nothing changed since the last build into the output folder
    cancelled: bool = False  # stopped on request, before anything was put in place
    # What `build` did with the site's files and HTML pages (check keeps them in `files`).
    counts: dict[str, int] = field(default_factory=dict)
    # As `build` read them (or was given them); None when it knew them unchanged by
    # their statuses alone (fingerprint.Statuses).
    inputs: fingerprint.Inputs | None = None

    @property
    def file_count(self) -> int:
        return len(self.files) or self.counts.get("files", 0)

    @property
    def page_count(self) -> int:
        if self.files:
            return sum(1 for name in self.files if name.endswith(".html"))
        return self.counts.get("pages", 0)

    @property
    def ok(self) -> bool:
        if self.skipped:
            return True
        return self.site is not None and not any(p.severity.value == "error" for p in self.problems)


@dataclass(frozen=True)
class RenderedPages:
    """A build's pages, rendered but not yet in place: what `build` gives `pages_ready`."""

    staged: Path  # the files written anew; every other file is the output folder's
    site: Site
    problems: tuple[Problem, ...]  # the warnings so far (there is no error)
    rendered: int
    pages: int


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
    cached: bool = False,
) -> BuildReport:
    """Load, validate and render the site without writing it.

    With `parallel`, the stories render in a process pool where that pays
    (parallel.worker_count); `serve` leaves it off, as its threads must not be forked.

    With `cached` (the CLI's), the report holds counts rather than files (the pages of
    5,000 stories took 1.2 GB), and a project that has been built (it has `.sitegen/`)
    is checked as a rebuild would be: stories unchanged since the last build are
    taken from the story cache, and a page that the latest build rendered under the
    key it has now is not rendered again, since it rendered without a problem then and
    would give the same bytes now. The problems are the same. Only
    `.sitegen/hashes.json`, the inputs' digests, is written.
    """
    from .render.pages import TemplateProblem
    from .render.site import render_site

    report = BuildReport(progress=progress)
    problems = Problems()
    digests = None
    built = cached and (project / ".sitegen").is_dir()
    if built:
        if progress is not None:
            progress.stage("inputs")
        with _stage(report, "inputs"):
            digests = fingerprint.read_inputs(project, base_url).files
    prepared = _prepare(project, base_url, report, problems, built, digests)
    if prepared is not None:
        with _stage(report, "render"):
            try:
                if cached:
                    _render_counting(project if built else None, prepared, parallel, report)
                else:
                    report.files = render_site(prepared.site, prepared.theme, parallel)
            except TemplateProblem as error:
                problems.extend([error.problem])
    _finish(report, problems, prepared)
    return report


def _render_counting(
    built: Path | None, prepared: _Prepared, parallel: bool, report: BuildReport
) -> None:
    """Render the pages in memory, each dropped once rendered, and count them; given
    the project as `built` (it has been built before), only those its latest build did
    not render under the keys they have now."""
    from .manifest import latest_build
    from .render.fragments import FragmentStore
    from .render.site import render_files
    from .reuse import Reuse

    reuse = None
    if built is not None:
        keys = _page_keys(prepared)
        reuse = Reuse(keys, latest_build(built), fragments=FragmentStore(built, keys.site_key))
    counts = {"files": 0, "rendered": 0, "reused": 0}
    try:
        for path, data, _ in render_files(prepared.site, prepared.theme, parallel, reuse):
            counts["files"] += 1
            if path.endswith(".html"):
                counts["rendered" if data is not None else "reused"] += 1
    finally:
        if reuse is not None and reuse.fragments is not None:
            reuse.fragments.close()  # a check keeps nothing
    report.counts.update(counts, pages=counts["rendered"] + counts["reused"])


def _page_keys(prepared: _Prepared) -> Keys:
    """The keys of the pages of this site: a kept story is keyed by its cache key."""
    from .cache_keys import Keys

    stories = prepared.stories
    validated = {path: entry.key for path, entry in stories.kept.items()} if stories else {}
    return Keys(fingerprint.environment_digest(), prepared.site, prepared.theme, validated)


@dataclass(frozen=True)
class _Prepared:
    # Not the RawProject itself: its seeds' bytes and story texts are freed once the
    # site is validated.
    anchor_record: Record
    seeds: frozenset[str]
    site: Site
    theme: Theme
    stories: StoryCache | None  # the story cache, to keep once the build is done


def _prepare(
    project: Path,
    base_url: str | None,
    report: BuildReport,
    problems: Problems,
    cached: bool = False,
    digests: Mapping[str, str] | None = None,
    read_anew: Callable[[Site], None] | None = None,
) -> _Prepared | None:
    """Load, validate and find the theme: what rendering needs, or None after an error.

    With `cached`, stories whose inputs are unchanged since the last build are taken
    from the story cache (story_cache), not parsed nor validated again; `digests`
    (fingerprint.Inputs.files) tells which, without reading them. `read_anew` is given
    the stories validated again, once read, as a site of their own (validate).
    """
    from .load import collector_paused, load_project
    from .story_cache import read_cache
    from .theme import resolve_theme

    # The collector is paused from the first read to the validated site, and what is
    # alive then is frozen (collector_paused): else every collection, in this process
    # and in each render worker, walks every story again (2 s of 8 to validate 5,000
    # stories; and, later, 1 s of a one-story rebuild's 9 to read and write the manifest).
    with collector_paused():
        with _stage(report, "load"):
            cache = read_cache(project) if cached else None
            raw = load_project(project, problems, stories_unparsed=True, digests=digests)
        with _stage(report, "validate"):
            context = _validation_context(project, raw.sources) if cache is not None else ""
            site = _validate(raw, problems, base_url, cache, context, digests, read_anew)
            if cache is not None:
                report.counts["stories reused"] = cache.reused
        anchor_record, seeds = raw.anchor_record, frozenset(raw.seeds)
        del raw  # the seeds' bytes (75 MB at 5,000 stories): not to be kept, nor frozen
    if site is None:
        return None
    with _stage(report, "theme"):
        theme = resolve_theme(project, site.config.theme, problems)
    if theme is None:
        return None
    return _Prepared(anchor_record, seeds, site, theme, cache)


def _finish(report: BuildReport, problems: Problems, prepared: _Prepared | None) -> None:
    report.problems = problems.sorted()
    if prepared is not None and not problems.has_errors:
        report.site = prepared.site
        report.anchor_record = merge(
            prepared.anchor_record, report.site.exact_quotes, prepared.seeds
        )


def _validation_context(project: Path, sources: YamlFile | None) -> str:
    """What every story's validation depends on besides its own file and seeds: of
    sources.yaml only its ids, in order (a story names them; a source renamed or
    recoloured does not change what the story is)."""
    from .cache_keys import digest
    from .validate import read_sources

    parts: list[str | bytes] = [fingerprint.environment_digest()]
    try:
        parts.append((project / "content" / "site.yaml").read_bytes())
    except OSError:  # missing or unreadable: load reported it
        parts.append(b"-")
    # Its problems are reported by the validation proper.
    ids = read_sources(sources, Problems())
    parts.append("-" if ids is None else "\n".join(["sources:", *ids]))
    return digest(parts)


def _validate(
    raw: RawProject,
    problems: Problems,
    base_url: str | None,
    cache: StoryCache | None = None,
    context: str = "",
    digests: Mapping[str, str] | None = None,
    read_anew: Callable[[Site], None] | None = None,
) -> Site | None:
    """The validated site, its base_url replaced by --base-url when one is given."""
    from .validate import validate

    site = validate(raw, problems, cache, context, digests, read_anew)
    return None if site is None else _with_base_url(site, base_url)


def _with_base_url(site: Site, base_url: str | None) -> Site:
    """The site, its base_url replaced by --base-url when one is given."""
    if not base_url:
        return site
    config = dataclasses.replace(
        site.config, base_url=base_url if base_url.endswith("/") else base_url + "/"
    )
    return dataclasses.replace(site, config=config)


def build(
    project: Path,
    output: Path,
    base_url: str | None = None,
    progress: Progress | None = None,
    hold: InterruptHold | None = None,
    private: bool = False,
    inputs: fingerprint.Inputs | None = None,
    pages_ready: Callable[[RenderedPages], None] | None = None,
    cancel: threading.Event | None = None,
) -> BuildReport:
    """Build the site at `project` into `output`; nothing is written unless all is well.

    When `output` already holds the build of the very same inputs (fingerprint), nothing
    is done at all: the report is `skipped`.

    `private`: `output` is this process's own (serve's), which no one edits by hand. When
    this process made the previous build in it, its files are taken to be as that build
    wrote them, without a look at each (at 5,000 stories, 52,000 file statuses and a
    listing of 6,000 folders: about 1 s of each build).

    `inputs`: the inputs as `fingerprint.read_again` gave them from the paths a watcher
    saw change (serve); without them, every input is read.

    `pages_ready` is called once the pages are rendered without an error, before the
    search index is made and anything is put in place: serve shows a save's pages from
    the staging folder and the output folder then, while Pagefind indexes them. Once
    they are shown, setting `cancel` stops the build before it puts anything in place
    (serve: a newer save came); the report is then `cancelled`.

    Raises output.OutputRefused when `output` is not a folder sitegen may replace, and
    output.WriteFailed when the disk refuses the site. Once the site is put in place,
    SIGINT and SIGTERM are held by `hold` until the caller's `with` block on it ends
    (the caller then reports them), or, without one, until `build` returns.
    """
    check_output_folder(output, project)
    remove_leftovers(output.resolve())
    started = time.perf_counter()
    if progress is not None:
        progress.stage("inputs")
    # The output's files are looked up meanwhile (in a forked child): for a skip, and
    # for a rebuild, which then need not look at each file it reuses.
    with fingerprint.OutputCheck(project, output) as check:
        skipped = False
        if inputs is None:
            # The statuses of the inputs first: when they are those the last build
            # noted, no digest is needed (20,000 to look up at 5,000 stories).
            statuses = fingerprint.stat_inputs(project, base_url)
            skipped = check.unchanged("stamps", statuses.stamps)
            if not skipped:
                inputs = fingerprint.hash_inputs(project, statuses)
        if inputs is not None:
            skipped = check.unchanged("inputs", inputs.digest)
            if skipped:
                fingerprint.restamp(project, output, inputs.stamps)
        timings = [("inputs", time.perf_counter() - started)]
        report = BuildReport(progress=progress, timings=timings)
        report.inputs = inputs  # None when known unchanged by their statuses alone
        if skipped:
            report.skipped = True
            if private:
                # Every file was just found as its build wrote it: the next build need
                # not look at each again (serve started again over an unchanged
                # project), once the manifest is found to be that build's (not one it
                # failed to replace).
                trust_as_written(
                    project, output, lambda made: check.describes(made.files, made.folder_inode)
                )
            return report
        assert inputs is not None, "read unless known unchanged"
        from .load import collector_paused

        # The cyclic collector stays off to the end (the render workers turn it on
        # again): collections walked the manifest, the site and the caches of serve,
        # 0.3-0.4 s of each of its builds at 5,000 stories. A build makes little
        # cyclic garbage.
        with collector_paused(freeze=False):
            return _build_changed(
                project, output, base_url, report, inputs, hold, private, pages_ready, cancel, check
            )


def _build_changed(
    project: Path,
    output: Path,
    base_url: str | None,
    report: BuildReport,
    inputs: fingerprint.Inputs,
    hold: InterruptHold | None,
    private: bool,
    pages_ready: Callable[[RenderedPages], None] | None,
    cancel: threading.Event | None,
    check: fingerprint.OutputCheck,
) -> BuildReport:
    """`build` once the inputs are known to have changed since the build `output` holds."""
    from .render.fragments import FragmentStore
    from .reuse import Reuse
    from .search_ahead import MAX_AHEAD, ShardsAhead, index_early, index_sooner
    from .search_inputs import SearchInputs
    from .story_cache import write_cache

    problems = Problems()
    # Read when the first stories are read again, for their shards (index_early), or after.
    previous_manifest = functools.cache(lambda: read_manifest(project, output))

    anew: list[str] = []  # the slugs of the stories validated again: rendered first
    sooner: RenderedAlone | None = None  # those rendered as soon as they were read

    def begin_early(slugs: list[str]) -> None:
        manifest = previous_manifest() if slugs else None
        if manifest is not None:
            pages = [urls.file_for(urls.story(slug)) for slug in slugs]
            with SearchInputs(project) as store:
                index_early(ahead, manifest.search, pages, store.entries)

    def read_anew(alone: Site) -> None:
        nonlocal sooner
        slugs = [story.slug for story in alone.stories]
        anew.extend(slugs)
        begin_early(slugs)
        # An edit's few stories (no more than shards made ahead): their pages now, which
        # the render stage takes if the whole site renders them from the same.
        manifest = previous_manifest() if 0 < len(slugs) <= MAX_AHEAD else None
        if manifest is None:
            return
        sooner = _render_alone(project, _with_base_url(alone, base_url))
        if sooner is not None:
            with SearchInputs(project) as store:
                index_sooner(ahead, manifest.search, _pages_of(sooner), store.entries)

    # The search shards of the stories rendered again, made while the rest renders
    # (search_ahead); begun before the site is put together, and stopped if not done.
    with ShardsAhead() as ahead:
        # An edit of story files only: their shards begin before the project is read,
        # as their pages' paths are known from the files' names. A guess, as any early
        # shard: one whose first pages turn out otherwise is dropped (search_ahead).
        begin_early(_edited_stories(inputs.edited))
        prepared = _prepare(project, base_url, report, problems, True, inputs.files, read_anew)
        if prepared is None:
            _finish(report, problems, prepared)
            return report
        manifest = previous_manifest()
        previous = None
        if manifest is not None:
            # Known as written: serve's own folder, or one found as the last build noted
            # it (`check`), by that build's manifest. Then no file is looked at again.
            trusted = (private and written_here(project, output, manifest)) or (
                check.as_noted() and check.describes(manifest.files, manifest.folder_inode)
            )
            complete = trusted or fingerprint.same_files(
                project, output, manifest.files, manifest.folder_inode
            )
            previous = Previous(output.resolve(), manifest, trusted, complete)
        stories = prepared.stories
        assert stories is not None, "a build reads the story cache"
        keys = _page_keys(prepared)
        reuse = Reuse(keys, previous, fragments=FragmentStore(project, keys.site_key))
        with (
            contextlib.nullcontext(hold) if hold is not None else InterruptHold() as held,
            Staging(output, previous) as staging,
            SearchInputs(project) as kept,
        ):
            try:
                with _stage(report, "render"):
                    pages = _render_into(
                        staging, prepared, reuse, kept, problems, report, ahead, anew, sooner
                    )
                if not problems.has_errors and pages_ready is not None:
                    counts = report.counts
                    shown = RenderedPages(
                        staging.folder,
                        prepared.site,
                        tuple(problems.sorted()),
                        counts["rendered"],
                        counts["pages"],
                    )
                    pages_ready(shown)
                if not problems.has_errors:
                    _stop_if_cancelled(cancel)
                    with _stage(report, "search"):
                        _search_into(staging, reuse, pages, kept, problems, ahead, cancel)
                _finish(report, problems, prepared)
                if report.ok:
                    _stop_if_cancelled(cancel)
            except BuildCancelled:
                report.cancelled = True
                report.site = None
                return report
            finally:
                ahead.stop()
            if not report.ok:
                return report
            # From here on the build has succeeded: an interrupt is held until it returns.
            held.start()
            with _stage(report, "write"):
                reuse.made_now.files = staging.records
                forget_written(project, output)  # a commit that fails half-way changes the folder
                reuse.made_now.folder_inode = staging.commit()
                write_manifest(project, output, reuse.made_now, manifest)
                write_cache(project, stories)
                write_record(project, report.anchor_record, prepared.anchor_record)
                if reuse.fragments is not None:
                    reuse.fragments.save()
                # A build with warnings is never skipped, so that they are shown every time.
                clean = not report.problems
                fingerprint.remember(
                    project,
                    output,
                    inputs if clean else None,
                    reuse.made_now.folder_inode,
                    staging.records,
                )
        report.counts.update(
            files=len(staging.records), written=staging.written, unchanged=staging.unchanged
        )
        return report


def _render_alone(project: Path, alone: Site) -> RenderedAlone | None:
    """The files of the stories of `alone` (those read anew, validate), rendered as soon
    as they are read, from what they show of the site: `alone` holds it (the story's
    key says what, cache_keys). None when they cannot be rendered so."""
    from .render.site import render_alone
    from .search import search_entry
    from .theme import resolve_theme

    theme = resolve_theme(project, alone.config.theme, Problems())
    return None if theme is None else render_alone(alone, theme, search_entry)


def _pages_of(rendered: RenderedAlone) -> dict[str, tuple[str, SearchEntry | None]]:
    """Each story page of `rendered`: page -> (its search entry's name, the entry)."""
    from .manifest import file_digest

    pages = {}
    for slug, files in rendered.files.items():
        page = urls.file_for(urls.story(slug))
        html, entry = next((html, entry) for path, html, entry in files if path == page)
        pages[page] = (_entry_name(page, file_digest(html)), entry)
    return pages


def _edited_stories(edited: Collection[str]) -> list[str]:
    """The slugs of the story files among `edited`, when only story files were edited."""
    slugs = []
    for name in sorted(edited):
        folder, _, file = name.rpartition("/")
        if folder != "content/stories" or not file.endswith(".yaml"):
            return []
        slugs.append(file.removesuffix(".yaml"))
    return slugs


def _stop_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise BuildCancelled


def _render_into(
    staging: Staging,
    prepared: _Prepared,
    reuse: Reuse,
    kept: SearchInputs,
    problems: Problems,
    report: BuildReport,
    ahead: ShardsAhead,
    first: Collection[str] = (),
    sooner: RenderedAlone | None = None,
) -> dict[str, SearchEntry | None]:
    """Render what changed into `staging`, and add the search entry of each page rendered
    anew to `kept`; returns each of those entries without its input, which only the
    store holds (None: the page is not indexed). When the stories to render are done
    before the rest (a rebuild of a few; the stories whose slugs are `first` before
    the others are looked up), the search shards of their pages are started then, into
    `ahead` (search_ahead)."""
    from .render.pages import TemplateProblem
    from .render.site import render_files
    from .search import search_entry

    rendered: dict[str, SearchEntry | None] = {}
    reused = 0

    def stories_done() -> None:
        if reuse.previous is None:
            ahead.drop_early()
            return  # nothing to guess the other pages from
        from .cache_keys import digest
        from .search_ahead import index_ahead

        made = reuse.previous.manifest

        def made_before(count: int, shard: int, key: str) -> bool:
            unit_key = digest([reuse.keys.site_key, key])
            return made.keys.get(f"search:{count}:{shard}") == unit_key

        names = {
            path: None if entry is None else _entry_name(path, staging.records[path].digest)
            for path, entry in rendered.items()
        }
        index_ahead(ahead, made.search, names, made_before, kept.entries)

    try:
        site, theme = prepared.site, prepared.theme
        files = render_files(site, theme, True, reuse, search_entry, stories_done, first, sooner)
        for path, data, described in files:
            staging.add(path, data)
            if path.endswith(".html"):
                if data is None:
                    reused += 1
                elif described is None:
                    rendered[path] = None
                else:
                    # The input goes to the store now, and is read back when its shard
                    # is indexed: the whole site's would not fit the memory budget.
                    kept.add(_entry_name(path, staging.records[path].digest), described)
                    rendered[path] = dataclasses.replace(described, input="")
    except TemplateProblem as error:
        problems.extend([error.problem])
    report.counts.update(pages=len(rendered) + reused, rendered=len(rendered), reused=reused)
    return rendered


def _entry_name(path: str, page_digest: str) -> str:
    """The name of a page's search entry in the store: its path and bytes."""
    from .cache_keys import digest

    return digest([path, page_digest])


def _indexed_pages(
    staging: Staging, reuse: Reuse, rendered: dict[str, SearchEntry | None]
) -> dict[str, str]:
    """Each page of the search index -> its entry's name in the store (page and digest):
    the pages rendered anew with an entry, and those reused that were indexed."""
    previous = reuse.previous.manifest.search if reuse.previous is not None else {}
    indexed: dict[str, str] = {}
    for path in sorted(staging.records):
        if path in rendered:
            if rendered[path] is None:
                continue
        elif path not in previous:
            continue  # not a page, or a reused page that is not indexed
        indexed[path] = _entry_name(path, staging.records[path].digest)
    return indexed


def _search_into(
    staging: Staging,
    reuse: Reuse,
    rendered: dict[str, SearchEntry | None],
    kept: SearchInputs,
    problems: Problems,
    ahead: ShardsAhead | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """The search index of the pages in `staging`, made again only where pages changed.

    The entries of pages rendered anew were added to the store `kept`, and their words
    are in `rendered` too; those of reused pages come from the store too (by page and
    digest), or from the page itself when not kept. When no page changed, the whole
    index is the previous build's; otherwise only the shards (search.index_shards)
    whose key changed are made, and only their pages' entries are read, a shard at a
    time. A shard's key is its pages'. A word bundle (several shards only) is made
    again when the words of its bucket changed in a shard: each shard's are kept by its
    list of pages, and made again from its pages' words when that list changes.
    """
    from .cache_keys import digest
    from .pagefind_reads import SearchInput
    from .search import (
        SearchEntry,
        ShardWords,
        index_shards,
        languages_of,
        search_entry,
        shard_count,
        shard_key,
        shard_of,
        shard_words,
        shards_file,
        word_bucket_count,
        words_keys,
    )

    indexed = reuse.made_now.search = _indexed_pages(staging, reuse, rendered)
    key = digest([reuse.keys.site_key, *(f"{p}\0{i}" for p, i in indexed.items())])
    files = reuse.reused("search", key)
    if files is not None:
        for path in files:
            staging.add(path, None)
        return
    fresh = {indexed[path]: entry for path, entry in rendered.items() if entry is not None}

    def entries(paths: list[str]) -> dict[str, SearchEntry]:
        """The entries of these pages: kept, or read back from the page (and kept)."""
        found = kept.entries(indexed[path] for path in paths)
        for path in paths:
            if indexed[path] not in found:
                entry = search_entry(path, staging.read(path)) or SearchEntry("", "", "")
                kept.add(indexed[path], entry)
                found[indexed[path]] = entry
        return found

    count = shard_count(len(indexed))
    pages: dict[int, list[str]] = {shard: [] for shard in range(count)}
    for path in indexed:
        pages[shard_of(path, count)].append(path)
    lists = {
        shard: digest([f"{path}\0{indexed[path]}" for path in paths])
        for shard, paths in pages.items()
    }
    stale: list[int] = []
    made: list[str] = []

    def reused(unit: str, key: str) -> bool:
        files = reuse.reused(unit, digest([reuse.keys.site_key, key]))
        for path in files or ():
            staging.add(path, None)
        made.extend(files or ())
        return files is not None

    shard_keys = {
        shard: shard_key([(path, indexed[path]) for path in paths])
        for shard, paths in pages.items()
    }
    for shard in pages:
        if not reused(f"search:{count}:{shard}", shard_keys[shard]):
            stale.append(shard)
    # Shards made ahead under the key they have now (search_ahead): not made again.
    made_ahead = {}
    for shard in stale:
        found = ahead.result(shard_keys[shard]) if ahead is not None else None
        if found is not None:
            made_ahead[shard] = found
    # The word bundles need the words of every shard: kept by the shard's list of pages,
    # made again from its pages' words when that list changed.
    words_by_shard: dict[int, ShardWords] | None = None
    new_words: dict[str, ShardWords] = {}
    buckets = 0
    stale_words: list[int] = []
    if count > 1:
        known = kept.shard_words(lists.values())
        for shard, paths in pages.items():
            if lists[shard] not in known:
                names = [indexed[path] for path in paths]
                words = {name: fresh[name].word_sets() for name in names if name in fresh}
                words.update(kept.words(name for name in names if name not in words))
                unknown = [path for path in paths if indexed[path] not in words]
                words.update((n, entry.word_sets()) for n, entry in entries(unknown).items())
                known[lists[shard]] = new_words[lists[shard]] = shard_words(words.values())
        words_by_shard = {shard: known[lists[shard]] for shard in pages}
        buckets = word_bucket_count(languages_of(words_by_shard))
        for bucket, key in words_keys(words_by_shard, buckets).items():
            if not reused(f"search:{count}:words:{buckets}:{bucket}", key):
                stale_words.append(bucket)

    def read(shard: int) -> list[tuple[str, SearchInput]]:
        found = entries(pages[shard])
        return [(path, found[indexed[path]].input) for path in pages[shard]]

    sizes = {shard: len(paths) for shard, paths in pages.items()}
    bundles = index_shards(sizes, read, stale, words_by_shard, stale_words, made_ahead, cancel)
    if isinstance(bundles, Problem):
        problems.extend([bundles])
        return
    for unit, unit_files in [
        *((f"search:{count}:{shard}", files) for shard, files in bundles.shards.items()),
        *((f"search:{count}:words:{buckets}:{b}", files) for b, files in bundles.words.items()),
    ]:
        for path, data in unit_files.items():
            staging.add(path, data)
        reuse.made(unit, tuple(unit_files))
        made.extend(unit_files)
    path, data = shards_file(count, buckets)
    staging.add(path, data)
    reuse.made("search", (path, *sorted(made)))
    kept.keep(new_words, indexed.values(), lists.values())
