"""Cache keys change exactly when what a page shows can change."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sitegen.cache_keys import Keys, TemplateDigests
from sitegen.errors import Problems
from sitegen.load import load_project
from sitegen.model import Story, Tag
from sitegen.theme import Theme, resolve_theme
from sitegen.validate import validate


def theme_with(folder: Path, templates: dict[str, str]) -> Theme:
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    for name, text in templates.items():
        (folder / "templates" / name).write_text(text, encoding="utf-8")
    return Theme(name="t", templates=folder / "templates", static={})


def test_a_template_key_covers_the_templates_it_extends_includes_and_imports(
    tmp_path: Path,
) -> None:
    templates = {
        "base.html": "<main>{% block main %}{% endblock %}</main>",
        "page.html": '{% extends "base.html" %}{% from "_m.html" import x %}'
        "{% block main %}{% include 'part.html' %}{% endblock %}",
        "_m.html": "{% macro x() %}x{% endmacro %}",
        "part.html": "part",
        "other.html": "other",
    }
    theme = theme_with(tmp_path, templates)
    before = TemplateDigests(theme)("page.html")
    for name in ("base.html", "_m.html", "part.html"):
        (tmp_path / "templates" / name).write_text(templates[name] + " ", encoding="utf-8")
        after = TemplateDigests(theme)("page.html")
        assert after != before, name
        before = after
    (tmp_path / "templates" / "other.html").write_text("changed", encoding="utf-8")
    assert TemplateDigests(theme)("page.html") == before


def test_a_template_named_at_render_time_makes_the_page_depend_on_every_template(
    tmp_path: Path,
) -> None:
    theme = theme_with(
        tmp_path, {"page.html": "{% include chosen %}", "a.html": "a", "b.html": "b"}
    )
    before = TemplateDigests(theme)("page.html")
    (tmp_path / "templates" / "b.html").write_text("changed", encoding="utf-8")
    assert TemplateDigests(theme)("page.html") != before


def test_a_story_validated_from_the_cache_is_keyed_by_its_validation_key() -> None:
    root = Path(__file__).parent.parent  # the example site
    problems = Problems()
    site = validate(load_project(root, problems), problems)
    assert site is not None
    theme = resolve_theme(root, site.config.theme, problems)
    assert theme is not None
    story = site.stories[0]
    path = story.location.path

    def key(validated: dict[str, str], shown: Story = story) -> str:
        return Keys("environment", site, theme, validated).story(shown)

    # Without a validation key, the story stands for itself by every field.
    assert key({}) != key({}, dataclasses.replace(story, summary=story.summary + " more"))
    # With one, by that key (its inputs), its path and its tags, which other
    # stories' spellings decide.
    first = key({path: "first"})
    assert first == key({path: "first"}, dataclasses.replace(story, summary="not looked at"))
    assert first != key({path: "second"})
    assert first != key({path: "first"}, dataclasses.replace(story, tags=(Tag("New", "new"),)))
    assert first != key({})
