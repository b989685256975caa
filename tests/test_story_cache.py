"""Validated stories kept between builds come back exactly as they were validated."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from markupsafe import Markup

from sitegen.errors import Problems
from sitegen.fingerprint import content_digest
from sitegen.load import load_project
from sitegen.model import Site, Story
from sitegen.render import pages
from sitegen.render.markdown import render_markdown
from sitegen.render.pages import PageRenderer
from sitegen.story_cache import (
    CACHE_PATH,
    CachedStory,
    StoryCache,
    decode,
    encode,
    forget_written,
    read_cache,
    write_cache,
)
from sitegen.theme import resolve_theme
from sitegen.validate import validate

ROOT = Path(__file__).resolve().parent.parent


def test_a_story_comes_back_from_the_cache_equal_to_the_validated_one() -> None:
    problems = Problems()
    site = validate(load_project(ROOT, problems), problems)
    assert site is not None
    seeds = {a.seed.name: a.seed for story in site.stories for a in story.articles}
    for story in site.stories:
        kept = json.loads(json.dumps(encode(story)))  # through JSON, as on disk
        assert decode(kept, seeds.__getitem__) == story


@pytest.mark.parametrize(
    "value",
    [["os.system", "echo"], ["Seed"], {"a": 1}, ["tuple", ["Story"]], ["object", 1]],
)
def test_the_cache_rebuilds_only_its_own_types(value: object) -> None:
    with pytest.raises((ValueError, TypeError, IndexError)):
        decode(value, lambda name: pytest.fail("no seed is asked for"))


def test_an_unreadable_cache_is_ignored(tmp_path: Path) -> None:
    (tmp_path / ".sitegen").mkdir()
    (tmp_path / ".sitegen" / "stories.sqlite").write_text("not a database")
    assert read_cache(tmp_path) == StoryCache()


def test_a_second_validation_takes_every_unchanged_story_from_the_cache() -> None:
    first = StoryCache()
    problems = Problems()
    site = validate(load_project(ROOT, problems, stories_unparsed=True), problems, first, "context")
    assert site is not None and first.kept and first.reused == 0
    second = StoryCache(entries=dict(first.kept))
    problems = Problems()
    raw = load_project(ROOT, problems, stories_unparsed=True)
    assert all(file.root is None for file in raw.stories)  # not even parsed
    again = validate(raw, problems, second, "context")
    assert again is not None and second.reused == len(site.stories)
    assert again.stories == site.stories and isinstance(again.stories[0], Story)
    assert again.exact_quotes == site.exact_quotes
    # Another context (sitegen, site.yaml or sources.yaml changed) reads every story again.
    third = StoryCache(entries=dict(first.kept))
    problems = Problems()
    validate(load_project(ROOT, problems, stories_unparsed=True), problems, third, "other")
    assert third.reused == 0


def validated_twice() -> tuple[Site, Site]:
    """The example site validated, then validated again with every story from the cache."""
    first = StoryCache()
    problems = Problems()
    site = validate(load_project(ROOT, problems, stories_unparsed=True), problems, first, "context")
    assert site is not None
    second = StoryCache(entries=dict(first.kept))
    again = validate(
        load_project(ROOT, problems, stories_unparsed=True), problems, second, "context"
    )
    assert again is not None and second.reused == len(site.stories)
    return site, again


def test_a_kept_story_is_decoded_only_when_a_field_past_its_outline_is_read() -> None:
    site, again = validated_twice()
    for kept, validated in zip(again.stories, site.stories, strict=True):
        assert isinstance(kept, CachedStory)
        assert (kept.slug, kept.date, kept.tags) == (validated.slug, validated.date, validated.tags)
        assert kept.outline == validated.outline
        # with the summary rendered as the `markdown` filter does.
        assert kept.outline.summary_html == render_markdown(validated.summary) != ""
        assert "decoded" not in vars(kept)  # sorted, tagged and outlined: not decoded
        assert kept.highlights == validated.highlights
        assert "decoded" in vars(kept)


def test_lists_of_kept_stories_render_the_same_without_decoding_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The front page, story lists and the search page show cards: title, summary,
    counts and badges, all in the outline."""
    site, again = validated_twice()
    theme = resolve_theme(ROOT, site.config.theme, Problems())
    assert theme is not None

    def lists(shown: Site) -> list[tuple[str, bytes | None]]:
        renderer = PageRenderer(shown, theme)
        return [*renderer.front_pages(), *renderer.shared_pages()]

    expected = lists(site)
    rendered: list[str] = []

    def counted(text: str) -> Markup:
        rendered.append(text)
        return render_markdown(text)

    monkeypatch.setattr(pages, "render_markdown", counted)
    assert lists(again) == expected
    assert not any("decoded" in vars(story) for story in again.stories)
    # Nor are their summaries rendered again: the story cache keeps them as HTML.
    assert not {story.summary for story in site.stories} & set(rendered)


def test_stories_and_seeds_known_by_their_digests_are_not_read_again(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for folder in ("content", "seeds"):
        shutil.copytree(ROOT / folder, project / folder)
    digests = {
        path.relative_to(project).as_posix(): content_digest(path.read_bytes())
        for folder in ("content", "seeds")
        for path in (project / folder).rglob("*")
        if path.is_file()
    }
    first = StoryCache()
    problems = Problems()
    site = validate(load_project(project, problems, True, digests), problems, first, "c", digests)
    assert site is not None
    # Every story file and seed now reads as garbage; their digests say they are as kept.
    for path in [*(project / "content" / "stories").iterdir(), *(project / "seeds").iterdir()]:
        path.write_bytes(b"\xff not what was validated")
    second = StoryCache(entries=dict(first.kept))
    problems = Problems()
    again = validate(load_project(project, problems, True, digests), problems, second, "c", digests)
    assert again is not None and not list(problems)
    assert second.reused == len(site.stories)
    assert [story.outline for story in again.stories] == [s.outline for s in site.stories]


def test_the_cache_on_disk_holds_exactly_the_stories_of_the_last_build(tmp_path: Path) -> None:
    first = StoryCache()
    problems = Problems()
    validate(load_project(ROOT, problems, stories_unparsed=True), problems, first, "context")
    assert first.kept
    write_cache(tmp_path, first)
    assert read_cache(tmp_path).entries == first.kept  # as this process wrote it
    forget_written()
    assert read_cache(tmp_path).entries == first.kept  # as read from disk
    # The next build keeps one story as it was and validates another anew: a story
    # whose file is gone leaves the cache.
    kept_path, entry = sorted(first.kept.items())[0]
    second = StoryCache(entries=read_cache(tmp_path).entries)
    second.kept = {kept_path: second.entries[kept_path]}
    second.kept["content/stories/new.yaml"] = dataclasses.replace(entry, key="another")
    write_cache(tmp_path, second)
    assert read_cache(tmp_path).entries == second.kept
    forget_written()
    assert read_cache(tmp_path).entries == second.kept


def test_a_cache_changed_by_another_process_is_read_again(tmp_path: Path) -> None:
    """A process keeps the cache it wrote (serve reads it at every save), but never
    trusts it over the file once anyone else wrote the file."""
    cache = StoryCache()
    problems = Problems()
    validate(load_project(ROOT, problems, stories_unparsed=True), problems, cache, "context")
    write_cache(tmp_path, cache)
    path = sorted(cache.kept)[0]
    with sqlite3.connect(tmp_path / CACHE_PATH) as other:
        other.execute("UPDATE stories SET key = 'changed' WHERE path = ?", (path,))
    other.close()
    assert read_cache(tmp_path).entries[path].key == "changed"


def test_a_damaged_row_costs_only_its_story_a_validation(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for folder in ("content", "seeds"):
        shutil.copytree(ROOT / folder, project / folder)
    stories = project / "content" / "stories"
    (stories / "second.yaml").write_text(
        (stories / "trump-eu-sanctions.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    first = StoryCache()
    problems = Problems()
    site = validate(load_project(project, problems, stories_unparsed=True), problems, first, "c")
    assert site is not None and len(first.kept) == 2
    write_cache(project, first)
    with sqlite3.connect(project / CACHE_PATH) as connection:
        damaged = "content/stories/second.yaml"
        connection.execute("UPDATE stories SET story = '[\"Story\", 1' WHERE path = ?", (damaged,))
    connection.close()
    second = read_cache(project)
    problems = Problems()
    again = validate(load_project(project, problems, stories_unparsed=True), problems, second, "c")
    assert again is not None and again.stories == site.stories
    assert second.reused == 1  # the other story, from its row
