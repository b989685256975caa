"""`sitegen new site DIR` and `sitegen new story SLUG --seed FILE ...`: starting points that build.

A new site holds everything `sitegen build` needs, a sample story an editor
can read as a worked example, the JSON Schemas its YAML files name on their
first line (so VS Code and other editors complete keys and flag mistakes),
and a GitHub Pages workflow. A new story points one article at each seed,
dated by the seed's header, its source guessed from the seed.
"""

from __future__ import annotations

import datetime
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .json_schema import SCHEMA_NAMES, schema_file_name, schema_text
from .seeds import Seed, SeedDecodeError, parse_seed
from .yaml_source import quoted

SLUG = re.compile(r"[a-z0-9-]+")
SCHEMA_LINE = "# yaml-language-server: $schema={path}\n"


class ScaffoldRefused(Exception):
    """The scaffold would overwrite something, or its arguments name nothing usable."""


def _schema_line(name: str, depth: int) -> str:
    """The language-server line of a file `depth` folders below the project."""
    return SCHEMA_LINE.format(path="../" * depth + "schemas/" + schema_file_name(name))


SAMPLE_SEED = """\
date 2025-05-20 url https://river-herald.example/news/bridge-tax The town council met on \
Monday and agreed to raise the river tax by two percent.

The mayor said the money "will pay for the new bridge" and nothing else.

Source: River Wire

Critics called the plan costly. Farmers said the tax would hurt them, and asked the \
council to wait until after the harvest.
"""

SAMPLE_SOURCES = """\
# Every outlet that articles come from or cite, under an id (a-z, 0-9, '-').
herald:
  name: The River Herald
  url: https://river-herald.example/
  country: GB

wire:
  name: River Wire
"""

SAMPLE_STORY = """\
# A story: its articles (each over one seed in seeds/), highlights and comparisons.
# Run `sitegen check` after each change; `sitegen serve` shows the page as you go.
title: Council raises the river tax
date: 2025-05-20
summary: The council votes to raise the river tax; the *Herald* reports it.
tags: [council, tax]

articles:
  - id: herald
    seed: river-herald-bridge-tax.txt
    source: herald
    title: River tax goes up to pay for the bridge
    cites: [wire]

highlights:
  - article: herald
    # Copied from the seed: quotation marks, dashes and line breaks need not match.
    quote: the money "will pay for the new bridge" and nothing else
    kind: claim
    speaker: The mayor
    note: The mayor's *promise*; the council's budget says otherwise.
  - article: herald
    quote: Farmers said the tax would hurt them
    kind: context
"""

PAGES_WORKFLOW = """\
# Check every pull request, and publish the site to GitHub Pages on every push to
# main (and by hand from the Actions tab). One-time setup: Settings -> Pages ->
# Build and deployment -> Source: "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

# The deploy job's token may publish to Pages and prove where it runs (OIDC); nothing else.
permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits rather than cancelling one half done.
concurrency:
  group: pages-${{ github.event_name }}
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6

      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"

      # Where sitegen comes from: a release, or a git URL pinned to a commit, such as
      # git+https://github.com/<owner>/sitegen@<commit>
      - name: Install sitegen
        run: python -m pip install sitegen

      # Each problem shows on its line of the pull request; warnings (a quote found
      # again in a changed seed) fail the check too, until `sitegen check --fix`.
      - name: Check the content
        run: sitegen check --strict --format github

      # The last publish's output/ and .sitegen/, so that the build renders only what
      # changed since: at 5,000 stories, seconds instead of minutes. Each run saves
      # its own and restores the newest. A missing or outdated cache costs only time:
      # sitegen reads every file it keeps, and keeps it only if its bytes are right.
      - if: github.event_name != 'pull_request'
        uses: actions/cache@v5
        with:
          path: |
            output
            .sitegen
          key: sitegen-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: sitegen-

      # base_url is where Pages serves this repository: https://<owner>.github.io/<repo>
      # for a project site, or the custom domain once one is set in the settings.
      - id: pages
        if: github.event_name != 'pull_request'
        uses: actions/configure-pages@v6

      - name: Build the site
        if: github.event_name != 'pull_request'
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: sitegen build --base-url "$BASE_URL" --output output

      - if: github.event_name != 'pull_request'
        uses: actions/upload-pages-artifact@v5
        with:
          path: output

  deploy:
    if: github.event_name != 'pull_request'
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
"""


def _site_yaml(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "digest"
    return (
        _schema_line("site", 1)
        + "title: River Watch\n"
        + "description: An annotated digest of how outlets report the news.\n"
        + "# Where the site is published; the Pages workflow passes the real address.\n"
        + f"base_url: https://example.github.io/{slug}/\n"
        + "language: en\n"
    )


def new_site(target: Path) -> list[str]:
    """Create a site project in `target` (new or empty); the files written, relative to it."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldRefused(f"{target} is not an empty folder; name a new one")
    files = {
        "content/site.yaml": _site_yaml(target.resolve().name),
        "content/sources.yaml": _schema_line("sources", 1) + SAMPLE_SOURCES,
        "content/stories/river-tax.yaml": _schema_line("story", 2) + SAMPLE_STORY,
        "seeds/river-herald-bridge-tax.txt": SAMPLE_SEED,
        ".github/workflows/pages.yml": PAGES_WORKFLOW,
        ".gitignore": "output/\n.sitegen/\n",
    }
    for name in SCHEMA_NAMES:
        files[f"schemas/{schema_file_name(name)}"] = schema_text(name)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / "content" / "digests").mkdir(exist_ok=True)
    return sorted(files)


@dataclass(frozen=True)
class StoryScaffold:
    path: str  # the story file, relative to the project
    notes: tuple[str, ...]  # what the editor should know: copied seeds, guesses, new sources


@dataclass(frozen=True)
class SourceGuess:
    id: str
    why: str
    new_entry: str = ""  # YAML to append to sources.yaml for a source it lacks


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _read_sources(project: Path) -> dict[str, dict[str, str]]:
    path = project / "content" / "sources.yaml"
    if not path.is_file():
        return {}
    try:
        # BaseLoader: every scalar as text, as sitegen reads it (`no:` is the id "no").
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, dict)}


def guess_source(seed: Seed, sources: dict[str, dict[str, str]]) -> SourceGuess:
    """The outlet a seed most likely comes from: by its header URL, else by name in its text."""
    url = seed.header.get("url", "")
    host = _host(url)
    if host:
        for source_id, source in sources.items():
            if _host(source.get("url", "")) == host:
                return SourceGuess(source_id, f"its url is on {host}")
        new_id = re.sub(r"[^a-z0-9]+", "-", host.rsplit(".", 1)[0].lower()).strip("-")
        entry = f"\n{new_id}:\n  name: {quoted(host)}\n  url: https://{host}/\n"
        return SourceGuess(new_id, f"its url is on {host}, new in sources.yaml", entry)
    body = seed.body.lower()
    cited = set(_cited(seed, sources, ""))
    named = []
    for source_id, source in sources.items():
        if source_id in cited:
            continue  # an outlet the article relays ("Source: ...") is not its own
        for name in _name_variants(source.get("name", "")):
            if re.search(rf"\b{re.escape(name)}\b", body):
                # "UNN reports" names the outlet that writes; other mentions rank after it.
                verb = rf"\b{re.escape(name)} (?:reports|writes|reported|wrote)\b"
                named.append((0 if re.search(verb, body) else 1, body.find(name), source_id))
    if named:
        _, _, source_id = min(named)
        return SourceGuess(source_id, f"the text names {sources[source_id]['name']}")
    if sources:
        first = next(iter(sources))
        return SourceGuess(first, "nothing in the seed names its outlet: set it by hand")
    entry = "\nunknown:\n  name: Unknown outlet\n"
    return SourceGuess("unknown", "sources.yaml has no outlets yet", entry)


def _name_variants(name: str) -> list[str]:
    """An outlet's name as a text may give it: "UNN (Ukrainian National News)" is also "UNN"."""
    lowered = name.lower().strip()
    variants = [lowered]
    short, _, long = lowered.partition(" (")
    if long:
        variants += [short.strip(), long.rstrip(")").strip()]
    return [variant for variant in variants if variant]


def _cited(seed: Seed, sources: dict[str, dict[str, str]], own: str) -> list[str]:
    """Sources named in the seed's `Source:` paragraphs: the outlets the article relays."""
    cited: list[str] = []
    for paragraph in seed.paragraphs:
        if paragraph.label != "Source":
            continue
        text = seed.text[paragraph.label_end : paragraph.end].lower()
        for source_id, source in sources.items():
            names = _name_variants(source.get("name", ""))
            if any(name in text for name in names) and source_id not in (own, *cited):
                cited.append(source_id)
    return cited


def _place_seed(project: Path, given: Path) -> tuple[str, bool]:
    """The seed's name inside seeds/, and whether it was copied there from elsewhere."""
    seeds = project / "seeds"
    if not given.is_absolute() and (seeds / given).is_file():
        return given.as_posix(), False
    if given.is_file():
        resolved = given.resolve()
        if resolved.is_relative_to(seeds.resolve()):
            return resolved.relative_to(seeds.resolve()).as_posix(), False
        target = seeds / given.name
        if target.exists() and target.read_bytes() != given.read_bytes():
            raise ScaffoldRefused(f"seeds/{given.name} exists and differs from {given}")
        seeds.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(given, target)
        return given.name, True
    raise ScaffoldRefused(f"there is no seed {given}, nor seeds/{given}")


def _headline(slug: str) -> str:
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def new_story(project: Path, slug: str, seed_files: Sequence[Path]) -> StoryScaffold:
    """Write content/stories/SLUG.yaml with one article per seed."""
    if not SLUG.fullmatch(slug):
        raise ScaffoldRefused(f"'{slug}' is not a story slug: use a-z, 0-9 and '-'")
    if not (project / "content").is_dir():
        raise ScaffoldRefused(f"there is no content/ folder in {project}; name one with --source")
    relative = f"content/stories/{slug}.yaml"
    path = project / relative
    if path.exists():
        raise ScaffoldRefused(f"{relative} exists already")
    sources = _read_sources(project)
    notes: list[str] = []
    new_entries: dict[str, str] = {}
    articles: list[str] = []
    dates: list[datetime.date] = []
    ids: list[str] = []
    first_body = ""
    for given in seed_files:
        name, copied = _place_seed(project, given)
        if copied:
            notes.append(f"copied {given} to seeds/{name}")
        try:
            seed = parse_seed(name, (project / "seeds" / name).read_bytes(), ("Source",))
        except SeedDecodeError as error:
            raise ScaffoldRefused(f"seeds/{name} is not UTF-8: {error.reason}") from None
        guess = guess_source(seed, {**sources, **{k: {} for k in new_entries}})
        if guess.new_entry and guess.id not in sources and guess.id not in new_entries:
            new_entries[guess.id] = guess.new_entry
        notes.append(f"seeds/{name}: source '{guess.id}' ({guess.why}); check it")
        article_id = guess.id
        number = 2
        while article_id in ids:
            article_id, number = f"{guess.id}-{number}", number + 1
        ids.append(article_id)
        lines = [f"  - id: {article_id}", f"    seed: {quoted(name)}", f"    source: {guess.id}"]
        if seed.header.get("url"):
            lines.append(f"    url: {seed.header['url']}")
        if seed.date:
            lines.append(f"    date: {seed.date.isoformat()}  # from the seed's header")
            dates.append(seed.date)
        cited = _cited(seed, sources, guess.id)
        if cited:
            lines.append(f"    cites: [{', '.join(cited)}]")
        articles.append("\n".join(lines))
        if not first_body:
            first_body = " ".join(seed.body.split()[:8])
    date = max(dates) if dates else datetime.date.today()
    schema_line = (
        _schema_line("story", 2) if (project / "schemas" / "story.schema.json").is_file() else ""
    )
    example_quote = quoted(first_body) if first_body else "'copy a passage from the seed'"
    text = (
        schema_line
        + f"title: {quoted(_headline(slug))}  # the headline: change it\n"
        + f"date: {date.isoformat()}\n"
        + "# summary: A short *Markdown* summary, shown under the title.\n"
        + "tags: []\n\n"
        + "articles:\n"
        + "\n".join(articles)
        + "\n\nhighlights: []\n"
        + "  # - article: "
        + ids[0]
        + f"\n  #   quote: {example_quote}\n"
        + "  #   kind: quote  # or claim, context, disputed, correction\n"
        + "  #   speaker: who says it\n"
        + "  #   note: What the editor wants readers to notice.\n"
    )
    if len(ids) > 1:
        text += (
            "\ncomparisons: []\n"
            + "  # - title: What both tell\n"
            + "  #   passages:\n"
            + "".join(f"  #     {article_id}: a passage of its seed\n" for article_id in ids)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if new_entries:
        sources_path = project / "content" / "sources.yaml"
        existing = sources_path.read_text(encoding="utf-8") if sources_path.is_file() else ""
        if existing and not existing.endswith("\n"):
            existing += "\n"
        sources_path.write_text(existing + "".join(new_entries.values()), encoding="utf-8")
        added = ", ".join(new_entries)
        notes.append(f"added {added} to content/sources.yaml: give each its real name")
    return StoryScaffold(relative, tuple(notes))
