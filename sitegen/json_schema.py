"""JSON Schemas of the content files, made from `schema`'s tables so the two cannot drift.

Editors' YAML language servers (VS Code's YAML extension and others) read
these for completion, hover text and inline errors. They parse YAML 1.2, in
which `2024` is a number and `true` a boolean, while sitegen reads every
scalar as text (FORMAT.md): so where sitegen takes any text, the schemas also
take the numbers and booleans that text would be to YAML 1.2, and an id or a
whole number may be a YAML 1.2 number too. The schemas never reject content
that sitegen accepts; they cannot see what needs other files (does this
source exist? is the quote in its seed?), which `sitegen check` reports.

The generated files are shipped in `sitegen/schemas/` (a test keeps them equal
to what this module makes); `sitegen schema` prints them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from . import schema
from .schema import HIGHLIGHT_KINDS, Field, Fields

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = Path(__file__).parent / "schemas"

ID = "^[a-z0-9-]+$"
DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
URL = "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+[^\\s]*$"
COLOR = "^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
COUNTRY = "^[A-Za-z]{2}$"
LANGUAGE = "^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$"
NOT_BLANK = "\\S"

ANY_TEXT: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": NOT_BLANK}, {"type": ["number", "boolean"]}]
}
SCALAR_TYPES: dict[str, dict[str, Any]] = {
    "text": ANY_TEXT,
    "quote": ANY_TEXT,
    "markdown": {"type": ["string", "number", "boolean"]},
    "id": {"anyOf": [{"type": "string", "pattern": ID}, {"type": "integer"}, {"type": "boolean"}]},
    "date": {"type": "string", "pattern": DATE, "format": "date"},
    "url": {"type": "string", "pattern": URL},
    "integer": {
        "anyOf": [
            {"type": "integer", "minimum": 1},
            {"type": "string", "pattern": "^[0-9]*[1-9][0-9]*$"},
        ]
    },
    "color": {"type": "string", "pattern": COLOR},
    "country": {"type": "string", "pattern": COUNTRY},
    "language": {"type": "string", "pattern": LANGUAGE},
    "kind": {"enum": list(HIGHLIGHT_KINDS)},
}
ITEM_PLACE = re.compile(r"an item of `([a-z-]+)`")


def _item_lists() -> dict[str, tuple[str, Fields]]:
    """Field type -> (definition name, fields) for each list of mappings `schema.FILES` names.

    `articles` is a list of the mappings of "an item of `articles`", and so on.
    """
    lists = {}
    for place, (_, fields) in schema.FILES.items():
        match = ITEM_PLACE.fullmatch(place)
        if match:
            name = match.group(1)
            lists[name] = (name.removesuffix("s"), fields)
    return lists


STRUCTURED = _item_lists()
NEEDS_PASSAGE = ("passages", "quote-list")
KNOWN_TYPES = frozenset(
    {*SCALAR_TYPES, "text-list", "id-list", "quote-list", "passages", *STRUCTURED}
)
# The content files, by the name of their schema. Any other file of `schema.FILES`
# (such as a theme's settings) gets one too, named after the file.
FILE_NAMES = {
    "content/site.yaml": "site",
    "content/sources.yaml": "sources",
    "content/stories/<slug>.yaml": "story",
    "content/digests/<slug>.yaml": "digest",
}


def _file_schemas() -> dict[str, tuple[str, str, Fields]]:
    """Schema name -> (file place, description, fields), for every file of `schema.FILES`."""
    files = {}
    for place, (description, fields) in schema.FILES.items():
        if place.endswith(".yaml"):
            name = FILE_NAMES.get(place, Path(place).stem)
            files[name] = (place, description, fields)
    return files


SCHEMA_NAMES = tuple(_file_schemas())


def _nullable(value: dict[str, Any]) -> dict[str, Any]:
    # `key:` with nothing after it is null; sitegen takes an optional key left empty as absent.
    return {"anyOf": [value, {"type": "null"}]}


def _field(field: Field) -> dict[str, Any]:
    if field.type in SCALAR_TYPES:
        value = dict(SCALAR_TYPES[field.type])
    elif field.type in ("text-list", "id-list"):
        item = SCALAR_TYPES["id" if field.type == "id-list" else "text"]
        value = {"type": "array", "items": item}
    elif field.type in STRUCTURED:
        definition = STRUCTURED[field.type][0]
        value = {"type": "array", "items": {"$ref": f"#/$defs/{definition}"}}
        if field.type == "articles":
            value["minItems"] = 1
    elif field.type == "quote-list":
        value = {"type": "array", "items": {"anyOf": [ANY_TEXT, {"$ref": "#/$defs/passage"}]}}
    elif field.type == "passages":
        value = {
            "type": "object",
            "minProperties": 2,
            "propertyNames": {"pattern": ID},
            "additionalProperties": {
                "anyOf": [ANY_TEXT, {"$ref": "#/$defs/passage"}],
            },
        }
    else:
        # A type added to schema.py but not here yet: take anything, so the schema never
        # rejects what sitegen accepts (a test lists the types this module must know).
        value = {}
    # An optional key may be left empty, except a colour: `color: #1a1a1a` unquoted is a
    # comment, so an empty colour is an error in sitegen too.
    if not field.required and field.type not in ("color", "articles"):
        value = _nullable(value)
    return {"description": field.doc, "markdownDescription": field.doc, **value}


def _object(fields: Fields, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "type": "object",
        "properties": {name: _field(field) for name, field in fields.items()},
        "required": [name for name, field in fields.items() if field.required],
        "additionalProperties": False,
    }


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one content file, by name (see SCHEMA_NAMES)."""
    place, description, fields = _file_schemas()[name]
    document: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"https://sitegen.invalid/schemas/{name}.schema.json",
        "description": f"{place}: {description} (sitegen content format v1)",
    }
    if name == "sources":
        document.update(
            {
                "title": "sitegen sources",
                "type": ["object", "null"],
                "propertyNames": {"pattern": ID},
                "additionalProperties": {"$ref": "#/$defs/source"},
                "$defs": {"source": _object(fields, "a source")},
            }
        )
        return document
    document.update(_object(fields, f"sitegen {name}"))
    if any(field.type in (*STRUCTURED, *NEEDS_PASSAGE) for field in fields.values()):
        definitions = {
            definition: _object(item_fields, f"a {definition}")
            for definition, item_fields in STRUCTURED.values()
        }
        definitions["passage"] = _object(schema.PASSAGE, "a passage")
        document["$defs"] = definitions
    return document


def schema_text(name: str | None = None) -> str:
    """One schema as JSON text, or all of them as one object keyed by name."""
    if name is not None:
        return json.dumps(json_schema(name), indent=2, ensure_ascii=False) + "\n"
    every = {each: json_schema(each) for each in SCHEMA_NAMES}
    return json.dumps(every, indent=2, ensure_ascii=False) + "\n"


def schema_file_name(name: str) -> str:
    return f"{name}.schema.json"


def write_schemas(folder: Path, names: list[str]) -> list[Path]:
    """Write NAME.schema.json for each name into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        path = folder / schema_file_name(name)
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written
