"""Problems as text for a person, JSON for a program, or workflow commands for GitHub Actions.

Pure functions from problems to text; the CLI decides where the text goes.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from pathlib import Path

from .errors import Problem, QuoteFix, Severity

FORMATS = ("text", "json", "github")


def strict(problems: Sequence[Problem]) -> list[Problem]:
    """`--strict`: every warning becomes an error."""
    return [dataclasses.replace(problem, severity=Severity.ERROR) for problem in problems]


def counts(problems: Sequence[Problem]) -> tuple[int, int]:
    errors = sum(1 for problem in problems if problem.severity is Severity.ERROR)
    return errors, len(problems) - errors


def as_text(problems: Sequence[Problem]) -> str:
    """`path:line:col: error: message`, the hint indented below, and a count at the end."""
    if not problems:
        return ""
    errors, warnings = counts(problems)
    lines = [problem.format() for problem in problems]
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def _fix_as_json(fix: QuoteFix) -> dict[str, object]:
    return {
        "seed": f"seeds/{fix.seed}",
        "old_quote": fix.old_quote,
        "new_text": fix.new_quote,
        "start": fix.start,
        "end": fix.end,
        "score": fix.score,
        "context": [{"key": key, "old": old, "new": new} for key, old, new in fix.context],
    }


def as_json(problems: Sequence[Problem]) -> str:
    """One JSON document: every problem, and for a re-anchored quote its old and new text."""
    errors, warnings = counts(problems)
    items = []
    for problem in problems:
        item: dict[str, object] = {
            "file": problem.location.path,
            "line": problem.location.line,
            "column": problem.location.column,
            "severity": problem.severity.value,
            "message": problem.message,
            "hint": problem.hint,
        }
        if problem.fix is not None:
            item["reanchored"] = _fix_as_json(problem.fix)
        items.append(item)
    document = {"errors": errors, "warnings": warnings, "problems": items}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    # The escaping GitHub's runner undoes (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(project: Path, path: str) -> str:
    """A project file's path as GitHub names it: relative to the folder sitegen runs in."""
    absolute = (project / path).resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return os.path.relpath(absolute).replace(os.sep, "/")


def as_github(problems: Sequence[Problem], project: Path) -> str:
    """`::error file=...,line=...,col=...::message` lines, one per problem.

    GitHub Actions turns each into an annotation on that line of the pull
    request; the hint follows the message on the lines below it.
    """
    lines = []
    for problem in problems:
        where = problem.location
        properties = [f"file={_escape_property(workspace_path(project, where.path))}"]
        if where.line:
            properties.append(f"line={where.line}")
        if where.column:
            properties.append(f"col={where.column}")
        properties.append("title=sitegen")
        text = problem.message + (f"\n{problem.hint}" if problem.hint else "")
        lines.append(f"::{problem.severity.value} {','.join(properties)}::{_escape_data(text)}")
    errors, warnings = counts(problems)
    if problems:
        lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + ("\n" if lines else "")
