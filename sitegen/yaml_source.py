"""YAML text as positioned nodes, and its syntax errors told in an editor's words.

PyYAML and libyaml word their errors differently but agree on the marks, so
the errors are described from the marks and the text around them, and from
the wording only for the kind of error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import Location, Problems

# libyaml's C parser, when PyYAML was built with it, composes about ten times faster.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The line breaks YAML counts (both PyYAML and libyaml), to find the line a mark is on.
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
UNKNOWN_YAML_HINT = (
    "check this line and the one above: the indentation, ': ' after each key, "
    "and that every quote is closed"
)
UNSTARTABLE = {
    "@": "'@' is reserved in YAML",
    "`": "'`' is reserved in YAML",
    "%": "'%' starts a directive in YAML",
}


@dataclass(frozen=True)
class YamlProblem:
    """A YAML syntax error told in an editor's words: where, what, and how to fix it."""

    line: int  # 0-based, as PyYAML's marks
    column: int
    message: str
    hint: str


def quoted(text: str) -> str:
    """Text as a YAML quoted value: single quotes unless it holds one, then double."""
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tokens_before(text: str, index: int) -> list[yaml.Token]:
    """The YAML tokens that end at or before `index`, as far as the scanner gets."""
    tokens = []
    try:
        for token in yaml.scan(text, Loader=YamlLoader):
            if token.end_mark.index > index:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def describe_quote_problem(text: str, lines: list[str], mark: yaml.Mark) -> YamlProblem | None:
    """A quoted value that ends right where the parser stopped is the likely culprit."""
    quoted_scalars = [
        token
        for token in tokens_before(text, mark.index)
        if isinstance(token, yaml.ScalarToken) and not token.plain
    ]
    if not quoted_scalars:
        return None
    token = quoted_scalars[-1]
    end = token.end_mark
    if end.line != mark.line or text[end.index : mark.index].strip(" \t"):
        return None
    start = token.start_mark
    if start.line != end.line:
        # Such a value is legal YAML, but here it swallowed the lines up to the error.
        return YamlProblem(
            start.line,
            start.column,
            f"the quote that opens this value is closed only on line {end.line + 1}",
            "close the quote on this line with the same mark it opens with",
        )
    rest = lines[start.line][start.column :].rstrip()
    key = lines[start.line][: start.column]
    return YamlProblem(
        start.line,
        start.column,
        "text follows the closing quote of this value",
        "a value that starts with a quote mark must end with it; quote all of it:\n"
        f"  {key.strip()} {quoted(rest)}",
    )


def describe_colon_in_value(lines: list[str], mark: yaml.Mark) -> YamlProblem:
    """'mapping values are not allowed': an unquoted ': ' in a value, or a key indented too far."""
    line = lines[mark.line]
    key = re.match(r"(\s*(?:-\s+)*)([^\s#'\"][^:]*?):\s+", line)
    if key and key.end() <= mark.column:
        value = line[key.end() :].rstrip()
        return YamlProblem(
            mark.line,
            key.end(),
            "this value holds ': ', which YAML reads as the start of a key",
            f"quote the value:\n  {key.group(2)}: {quoted(value)}",
        )
    indent = len(line) - len(line.lstrip())
    return YamlProblem(
        mark.line,
        indent,
        "this line is indented more than the key above it",
        "keys of one mapping start in the same column; indent a line only under a key "
        "that ends with ':'",
    )


def describe_yaml_error(text: str, error: yaml.MarkedYAMLError) -> YamlProblem:
    """Turn PyYAML's (or libyaml's) wording into what an editor should change.

    The two parsers word their errors differently but agree on the marks, so
    this reads the marks and the text around them, and the wording only for the
    kind of error.
    """
    mark = error.problem_mark or error.context_mark
    context = error.context or ""
    problem = error.problem or ""
    raw = " ".join(part for part in (context, problem) if part)
    if mark is None:
        return YamlProblem(0, 0, f"this is not valid YAML: {raw}", UNKNOWN_YAML_HINT)
    lines = YAML_LINE_BREAK.split(text)
    line = lines[mark.line] if mark.line < len(lines) else ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent or text[mark.index : mark.index + 1] == "\t":
        column = indent.find("\t") if "\t" in indent else mark.column
        return YamlProblem(
            mark.line, column, "a tab indents this line", "YAML indents with spaces only"
        )
    if "mapping values are not allowed" in problem:
        return describe_colon_in_value(lines, mark)
    if "quoted scalar" in context and error.context_mark:
        start = error.context_mark
        return YamlProblem(
            start.line,
            start.column,
            "the quote that opens this value is never closed",
            "end the value with the same quote mark it starts with",
        )
    if "flow sequence" in context or "flow mapping" in context:
        start = error.context_mark or mark
        opening, closing = ("[", "]") if "sequence" in context else ("{", "}")
        return YamlProblem(
            start.line,
            start.column,
            f"the '{opening}' that opens here is not closed",
            f"end it with '{closing}' on the same line; quote items that hold ', ' or ': '",
        )
    if "simple key" in context and error.context_mark:
        start = error.context_mark
        key_line = lines[start.line]
        fixed = re.sub(r":(?=\S)", ": ", key_line.strip(), count=1)
        example = fixed if fixed != key_line.strip() else "date: 2025-05-21"
        return YamlProblem(
            start.line,
            start.column,
            "this line has no ': ' after its key",
            f"write a colon and a space after the key, as:\n  {example}",
        )
    if "cannot start any token" in problem:
        character = text[mark.index : mark.index + 1]
        reason = UNSTARTABLE.get(character, f"'{character}' cannot start a value")
        return YamlProblem(
            mark.line,
            mark.column,
            f"a value cannot start with '{character}': {reason}",
            f"quote the value:\n  {quoted(line[mark.column :].rstrip())}",
        )
    if "undefined alias" in problem:
        return YamlProblem(
            mark.line,
            mark.column,
            "a value cannot start with '*': YAML reads it as a reference to an anchor",
            f"quote the value:\n  {quoted(line[mark.column :].rstrip())}",
        )
    if "single document" in context:
        return YamlProblem(
            mark.line,
            mark.column,
            "'---' starts a second document; a content file holds one",
            "remove the '---' line, or move what follows into a file of its own",
        )
    quote_problem = describe_quote_problem(text, lines, mark)
    if quote_problem is not None:
        return quote_problem
    if "expected" in problem:
        return YamlProblem(
            mark.line,
            mark.column,
            "this line does not line up with the lines above it",
            "items of one list, and keys of one mapping, start in the same column",
        )
    return YamlProblem(mark.line, mark.column, f"this is not valid YAML: {raw}", UNKNOWN_YAML_HINT)


def parse_yaml(path: str, text: str, problems: Problems) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as error:
        found = describe_yaml_error(text, error)
        where = Location(path, found.line + 1, found.column + 1)
        problems.error(where, found.message, found.hint)
    except yaml.YAMLError as error:
        problems.error(Location.whole_file(path), f"this is not valid YAML: {error}")
    return None
