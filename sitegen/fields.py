"""Typed reading of YAML nodes against the declared fields of `schema`.

We read PyYAML's composed node tree instead of its Python objects: nodes keep
their line and column, and a scalar's text as the editor wrote it, so `NO`,
`on`, `2024` and `1e3` stay text (FORMAT.md) and every error can point at
its node.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from .errors import Location, Problems, did_you_mean
from .schema import HIGHLIGHT_KINDS, Field, Fields

ID_PATTERN = re.compile(r"[a-z0-9-]+")
DATE_PATTERN = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
COLOR_PATTERN = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
LANGUAGE_PATTERN = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
NULL_SCALARS = frozenset({"", "~", "null", "Null", "NULL"})

NODE_NAMES = {
    yaml.ScalarNode: "a single value",
    yaml.SequenceNode: "a list",
    yaml.MappingNode: "a mapping of keys",
}


def suggest_id(text: str) -> str:
    """The id an editor most likely meant: lower case, runs of other characters as '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def is_null(node: yaml.Node) -> bool:
    """An empty or null plain scalar: `key:`, `key: ~`, `key: null`.

    A plain scalar's style is None from PyYAML's parser but '' from libyaml's.
    """
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in NULL_SCALARS


@dataclass(frozen=True)
class Entry:
    """A key of a YAML mapping with its value node."""

    key: str
    key_node: yaml.Node
    value: yaml.Node


class Reader:
    """Reads the nodes of one YAML file, reporting each problem with its file and line."""

    def __init__(self, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems

    def at(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def error(self, node: yaml.Node, message: str, hint: str = "") -> None:
        self.problems.error(self.at(node), message, hint)

    # -- structure ---------------------------------------------------------

    def entries(self, node: yaml.Node, what: str) -> list[Entry] | None:
        """The key/value pairs of a mapping node, reporting duplicate and non-text keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(
                node,
                f"{what} must be a mapping of keys, not {NODE_NAMES[type(node)]}",
                "write each key on a line of its own, as 'key: value', without a leading '- '",
            )
            return None
        seen: dict[str, yaml.Node] = {}
        entries = []
        for key_node, value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(
                    key_node, f"a key in {what} must be plain text", "write the key as a word"
                )
                continue
            key = key_node.value
            if key in seen:
                first = self.at(seen[key])
                self.error(
                    key_node,
                    f"duplicate key '{key}' in {what}",
                    f"it was first given on line {first.line}; keep one",
                )
                continue
            seen[key] = key_node
            entries.append(Entry(key, key_node, value))
        return entries

    def fields(self, node: yaml.Node, fields: Fields, what: str) -> dict[str, Any] | None:
        """Read a mapping against its declared fields.

        Returns the converted value of each valid key present (nodes for the
        structured types), or None when the node is not a mapping. Unknown,
        missing and mistyped keys are reported.
        """
        entries = self.entries(node, what)
        if entries is None:
            return None
        values: dict[str, Any] = {}
        for entry in entries:
            field = fields.get(entry.key)
            if field is None:
                hint = did_you_mean(entry.key, fields) or "known keys: " + ", ".join(fields)
                self.error(entry.key_node, f"unknown key '{entry.key}' in {what}", hint)
                continue
            value = self.value(entry.value, field, f"'{entry.key}' of {what}")
            if value is not None:
                values[entry.key] = value
        present = {entry.key for entry in entries}
        for key, field in fields.items():
            if field.required and key not in present:
                self.error(
                    node,
                    f"{what} is missing the required key '{key}'",
                    f"add '{key}: ...' to it ({field.doc})",
                )
        return values

    def value(self, node: yaml.Node, field: Field, what: str) -> Any:
        """The value of one field, converted by its type, or None after reporting a problem."""
        if field.type in (
            "articles",
            "highlights",
            "comparisons",
            "passages",
            "quote-list",
            "unrelated",
        ):
            return node
        if is_null(node):
            if field.type == "color":
                # `color: #1a1a1a` unquoted is a comment, which would silently drop the colour.
                hint = 'quote the colour, since # starts a comment: "#1a1a1a"'
                self.error(node, f"{what} is empty", hint)
            elif field.required:
                self.error(node, f"{what} is empty", "give it a value after the colon")
            return None  # an optional key left empty is as if absent
        if field.type in ("text-list", "id-list"):
            return self.text_list(node, what, ids=field.type == "id-list")
        text = self.scalar(node, what, required=field.required)
        if text is None:
            return None
        converter = CONVERTERS.get(field.type)
        return converter(self, node, text, what) if converter else text

    def scalar(self, node: yaml.Node, what: str, required: bool = True) -> str | None:
        """The text of a scalar node exactly as written, or None if it is not one or empty."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(
                node,
                f"{what} must be a single value, not {NODE_NAMES[type(node)]}",
                "write it on one line after the key; quote it if it starts with '[' or '{'",
            )
            return None
        if is_null(node):
            if required:
                self.error(node, f"{what} is empty", "give it a value after the colon")
            return None
        return str(node.value)

    def text_list(self, node: yaml.Node, what: str, ids: bool = False) -> list[str] | None:
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode):
                example = node.value
            else:
                example = ", ".join(str(key.value) for key, _ in node.value) or "a, b"
            self.error(
                node,
                f"{what} must be a list, not {NODE_NAMES[type(node)]}",
                f"write it as [{example}]",
            )
            return None
        items = []
        for item in node.value:
            text = self.scalar(item, f"an item of {what}")
            if text is None:
                continue
            if ids:
                checked = self.identifier(item, text, f"an item of {what}")
                if checked is not None:
                    items.append(checked)
            else:
                items.append(text.strip())
        return items

    # -- scalar types --------------------------------------------------------

    def text(self, node: yaml.Node, text: str, what: str) -> str | None:
        text = text.strip()
        if not text:
            self.error(node, f"{what} is empty", "give it a value after the colon")
            return None
        return text

    def identifier(self, node: yaml.Node, text: str, what: str) -> str | None:
        if not ID_PATTERN.fullmatch(text):
            suggestion = suggest_id(text)
            hint = "ids use only a-z, 0-9 and '-'"
            if suggestion:
                hint += f": try '{suggestion}'"
            self.error(node, f"{what} must be an id, not '{text}'", hint)
            return None
        return text

    def date(self, node: yaml.Node, text: str, what: str) -> datetime.date | None:
        match = DATE_PATTERN.fullmatch(text.strip())
        if not match:
            self.error(
                node,
                f"{what} must be an ISO date, not '{text}'",
                "write it as YYYY-MM-DD, such as 2025-05-21",
            )
            return None
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError as error:  # "month must be in 1..12", "day is out of range for month"
            self.error(
                node,
                f"{what} '{text}' is not a day of the calendar: {error}",
                "write it as YYYY-MM-DD, such as 2025-05-21",
            )
            return None

    def url(self, node: yaml.Node, text: str, what: str) -> str | None:
        text = text.strip()
        parts = urlsplit(text)
        has_space = any(character.isspace() for character in text)
        if parts.scheme not in ("http", "https") or not parts.netloc or has_space:
            self.error(
                node,
                f"{what} must be an http or https URL, not '{text}'",
                "write the whole address, such as https://example.org/page",
            )
            return None
        return text

    def integer(self, node: yaml.Node, text: str, what: str) -> int | None:
        # Not str.isdigit(): it accepts '²', which int() refuses.
        if not re.fullmatch(r"[0-9]+", text.strip()) or int(text) < 1:
            self.error(
                node,
                f"{what} must be a whole number of 1 or more, not '{text}'",
                "write digits only, such as 20",
            )
            return None
        return int(text)

    def color(self, node: yaml.Node, text: str, what: str) -> str | None:
        if not COLOR_PATTERN.fullmatch(text.strip()):
            self.error(
                node, f"{what} must be a colour, not '{text}'", 'write it as "#rrggbb", quoted'
            )
            return None
        return text.strip().lower()

    def country(self, node: yaml.Node, text: str, what: str) -> str | None:
        code = text.strip()
        if not re.fullmatch(r"[A-Za-z]{2}", code):
            self.error(
                node,
                f"{what} must be a two-letter country code, not '{text}'",
                "use ISO 3166 alpha-2, such as US or GB",
            )
            return None
        return code.upper()

    def language(self, node: yaml.Node, text: str, what: str) -> str | None:
        if not LANGUAGE_PATTERN.fullmatch(text.strip()):
            self.error(
                node,
                f"{what} must be a language tag, not '{text}'",
                "use BCP 47, such as en or uk",
            )
            return None
        return text.strip()

    def kind(self, node: yaml.Node, text: str, what: str) -> str | None:
        if text not in HIGHLIGHT_KINDS:
            hint = did_you_mean(text, HIGHLIGHT_KINDS) or "one of: " + ", ".join(HIGHLIGHT_KINDS)
            self.error(node, f"{what} must be a highlight kind, not '{text}'", hint)
            return None
        return text

    def quote(self, node: yaml.Node, text: str, what: str) -> str | None:
        if not text.strip():
            self.error(node, f"{what} is empty", "copy the text from the seed")
            return None
        return text

    def markdown(self, node: yaml.Node, text: str, what: str) -> str | None:
        return text.strip() or None


CONVERTERS = {
    "text": Reader.text,
    "markdown": Reader.markdown,
    "quote": Reader.quote,
    "id": Reader.identifier,
    "date": Reader.date,
    "url": Reader.url,
    "integer": Reader.integer,
    "color": Reader.color,
    "country": Reader.country,
    "language": Reader.language,
    "kind": Reader.kind,
}
