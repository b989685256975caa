"""The JSON Schemas: made from sitegen/schema.py, shipped, valid, and in agreement with the loader.

Editors' language servers read YAML 1.2, so the content is loaded here the way
they load it (ruamel.yaml, dates as the text they are written as) and checked
with jsonschema, a standard validator.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sitegen import schema
from sitegen.build import check
from sitegen.cli import main
from sitegen.errors import Severity
from sitegen.json_schema import KNOWN_TYPES, SCHEMA_FOLDER, SCHEMA_NAMES, json_schema, schema_text

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).parent / "sites"
CASES = sorted(
    [*(SITES / "invalid").iterdir(), *(SITES / "valid").iterdir()], key=lambda path: path.name
)

# Invalid cases whose mistake lies within one file's shape: the schema must flag that
# file. (The rest need other files, the seeds or the file's name, which only
# `sitegen check` sees; every case, present or future, is checked for soundness.)
SCHEMA_VISIBLE = (
    "article-id-not-valid",
    "article-missing-id",
    "article-missing-seed",
    "article-missing-source",
    "color-unquoted",
    "comparison-missing-passages",
    "comparison-missing-title",
    "comparison-one-passage",
    "date-not-a-day",
    "highlight-missing-article",
    "highlight-missing-quote",
    "many-errors-in-many-files",
    "site-missing-base-url",
    "site-missing-title",
    "source-url-not-http",
    "story-empty",
    "story-missing-articles",
    "story-missing-date",
    "story-missing-title",
    "unknown-key-hightlights",
    "unknown-key-sumary",
    "wrong-type-list-for-text",
    "wrong-type-mapping-for-tags",
    "wrong-type-page-size",
)
YAML_1_2_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
YAML_1_2_FLOAT = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


class DuplicateKey(Exception):
    pass


def yaml_1_2(text: str) -> Any:
    """Content as a YAML 1.2 language server reads it (core schema): `2024` is a number,
    `true` a boolean, `yes`, `NO` and `2025-05-21` are text. Raises yaml.YAMLError for
    what does not parse and DuplicateKey for a key given twice (the plugin flags both).
    """

    def value(node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(value(key_node))
                if key in mapping:
                    raise DuplicateKey(key)
                mapping[key] = value(value_node)
            return mapping
        if isinstance(node, yaml.SequenceNode):
            return [value(item) for item in node.value]
        text = node.value
        if node.style:  # quoted or a block: text
            return text
        if text in ("", "~", "null", "Null", "NULL"):
            return None
        if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return text.lower() == "true"
        if YAML_1_2_INT.fullmatch(text):
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
        if YAML_1_2_FLOAT.fullmatch(text):
            return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
        return text

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    return None if root is None else value(root)


def schema_for(relative: str) -> str | None:
    parts = relative.split("/")
    if relative == "content/site.yaml":
        return "site"
    if relative == "content/sources.yaml":
        return "sources"
    if parts[:2] == ["content", "stories"]:
        return "story"
    if parts[:2] == ["content", "digests"]:
        return "digest"
    return None


def schema_errors(project: Path) -> dict[str, list[str]]:
    """For each content file of a project that parses as YAML 1.2: what the schema says."""
    found: dict[str, list[str]] = {}
    for path in sorted((project / "content").rglob("*.yaml")):
        relative = path.relative_to(project).as_posix()
        name = schema_for(relative)
        if name is None:
            continue
        try:
            data = yaml_1_2(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, DuplicateKey):
            continue  # a parse error: the editor's YAML plugin reports it, not the schema
        validator = jsonschema.Draft202012Validator(
            json_schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        found[relative] = [error.message for error in validator.iter_errors(data)]
    return found


def make_site(case: Path, tmp_path: Path) -> Path:
    """The minimal site with a case laid over it (as tests/test_validation.py does)."""
    project = tmp_path / "project"
    shutil.copytree(SITES / "minimal", project)
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_file() and relative.as_posix() not in ("expected.txt", "setup.txt"):
            (project / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, project / relative)
    setup = case / "setup.txt"
    for text in setup.read_text(encoding="utf-8").splitlines() if setup.exists() else ():
        action, _, argument = text.partition(" ")
        if action == "remove":
            (project / argument).unlink()
        elif action == "link":
            link, target = argument.split(" -> ")
            os.symlink(target, project / link)
    return project


# -- made from schema.py, shipped, printed ----------------------------------------------


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_shipped_schemas_are_the_generated_ones(name: str) -> None:
    # If this fails after a change to sitegen/schema.py: sitegen schema --output sitegen/schemas
    shipped = SCHEMA_FOLDER / f"{name}.schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_text(name)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_a_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema(name))


def test_every_field_type_of_schema_py_has_a_json_schema() -> None:
    declared = set(typing.get_args(schema.FieldType))
    assert declared <= KNOWN_TYPES, f"json_schema.py does not know {declared - KNOWN_TYPES}"


def test_every_key_is_described_for_completion() -> None:
    story = json_schema("story")
    assert set(story["properties"]) == set(schema.STORY)
    highlight = story["$defs"]["highlight"]["properties"]
    assert highlight["kind"]["description"] == schema.HIGHLIGHT["kind"].doc
    assert story["required"] == [key for key, field in schema.STORY.items() if field.required]


def test_sitegen_schema_prints_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == set(SCHEMA_NAMES)
    assert main(["schema", "story"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "sitegen story"


# -- the example content validates ---------------------------------------------------------


def test_the_example_content_validates_against_the_schemas() -> None:
    errors = schema_errors(ROOT)
    assert "content/stories/trump-eu-sanctions.yaml" in errors
    assert {path: messages for path, messages in errors.items() if messages} == {}


# -- the schemas agree with the loader -----------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
def test_schema_and_loader_agree(case: Path, tmp_path: Path) -> None:
    """The schema never rejects a file sitegen accepts, and flags every mistake it can see."""
    project = make_site(case, tmp_path)
    report = check(project)
    loader_flags = {
        problem.location.path for problem in report.problems if problem.severity is Severity.ERROR
    }
    schema_flags = {path for path, messages in schema_errors(project).items() if messages}
    assert schema_flags <= loader_flags, (
        f"the schema rejects what sitegen accepts: {schema_errors(project)}"
    )
    if case.parent.name == "valid":
        assert not schema_flags
    elif case.name in SCHEMA_VISIBLE:
        assert schema_flags, f"sitegen reports {sorted(loader_flags)}; the schema sees nothing"


def test_the_schema_visible_cases_exist() -> None:
    assert set(SCHEMA_VISIBLE) <= {case.name for case in CASES}
