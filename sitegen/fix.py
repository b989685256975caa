"""`sitegen check --fix`: write the seed's new text into each re-anchored quote's YAML file.

The files are editors' work, with their comments, blank lines and quoting
style: ruamel.yaml's round trip keeps them. Before changing a file we check
that the round trip alone gives it back byte for byte; a file it cannot (rare
layouts) is left as it was, and the editor is told to change it by hand.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from .errors import Problem, QuoteFix

# (mapping, sequence, offset) indentations to try: the first that gives the file back as
# it is wins. The first is this project's own style ("articles:\n  - id: up").
INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 1))
FOLD_WIDTH = 72


@dataclass(frozen=True)
class FixOutcome:
    """What `--fix` did to one file."""

    path: str
    fixed: int  # quotes rewritten
    refused: str = ""  # why the file was left as it was, when it was


def _round_tripper(text: str) -> YAML | None:
    """A ruamel.yaml set up to give `text` back unchanged, or None if none does."""
    for mapping, sequence, offset in INDENTS:
        yaml = YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096  # never wrap a long line the editor wrote on one line
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        try:
            data = yaml.load(text)
        except YAMLError:
            return None
        if _dump(yaml, data) == text:
            return yaml
    return None


def _dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _mappings(node: Any) -> list[CommentedMap]:
    """Every mapping of a loaded document, depth first."""
    found: list[CommentedMap] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CommentedMap):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, CommentedSeq):
            stack.extend(item)
    return found


def _find_value(data: Any, line: int, column: int, text: str) -> tuple[CommentedMap, str] | None:
    """The mapping and key whose value starts at (line, column), 1-based, and reads `text`."""
    flat = " ".join(text.split())
    for mapping in _mappings(data):
        for key in mapping:
            value = mapping[key]
            if not isinstance(value, str) or " ".join(value.split()) != flat:
                continue
            position = mapping.lc.value(key)
            if position[0] + 1 == line and position[1] + 1 == column:
                return mapping, key
    return None


def _word_ends(text: str) -> list[int]:
    """The offset of the space after each word of `text` (its length for the last)."""
    return [match.end() for match in re.finditer(r"\S+", text)]


def _moved_folds(old: str, old_folds: Sequence[int], new: str) -> list[int]:
    """The line breaks of a folded scalar carried over to its new text, word for word.

    A break after a word that the new text keeps stays after it; one inside
    changed words moves back to the last word both texts share.
    """
    old_words, new_words = old.split(), new.split()
    old_ends, new_ends = _word_ends(old), _word_ends(new)
    # The number of old words before each break.
    breaks = {sum(1 for end in old_ends if end <= fold) for fold in old_folds}
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    moved = []
    for count in sorted(breaks):
        kept = 0  # new words that stand before this break
        for old_start, new_start, size in matcher.get_matching_blocks():
            if old_start < count:
                kept = new_start + min(size, count - old_start)
        if 0 < kept < len(new_words):
            moved.append(new_ends[kept - 1])
    return sorted(set(moved))


def _fold_positions(text: str) -> list[int]:
    """Spaces at which a folded (`>`) scalar breaks its lines, near FOLD_WIDTH characters."""
    positions = []
    line_start = 0
    last_space = -1
    for index, character in enumerate(text):
        if character == " ":
            if index - line_start > FOLD_WIDTH and last_space > line_start:
                positions.append(last_space)
                line_start = last_space + 1
            last_space = index
    if len(text) - line_start > FOLD_WIDTH and last_space > line_start:
        positions.append(last_space)
    return positions


def _like(old: Any, new: str) -> Any:
    """`new` written in the style of the scalar it replaces, a folded one folded alike."""
    if isinstance(old, FoldedScalarString):
        folded = FoldedScalarString(new)
        old_folds = getattr(old, "fold_pos", [])
        folds = _moved_folds(str(old), old_folds, new) if old_folds else _fold_positions(new)
        folded.fold_pos = folds
        return folded
    for style in (LiteralScalarString, DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, style):
            return style(new)
    return new  # plain: ruamel.yaml quotes it only if it must


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def fix_file(path: Path, relative: str, fixes: Sequence[tuple[Problem, QuoteFix]]) -> FixOutcome:
    text = path.read_text(encoding="utf-8")
    yaml = _round_tripper(text)
    if yaml is None:
        return FixOutcome(relative, 0, "its layout does not survive a YAML round trip")
    data = yaml.load(text)
    fixed = 0
    for problem, fix in fixes:
        found = _find_value(data, problem.location.line, problem.location.column, fix.old_quote)
        if found is None:
            continue
        mapping, key = found
        mapping[key] = _like(mapping[key], fix.new_quote)
        for context_key, _, new in fix.context:
            if key == "quote" and context_key in mapping:
                mapping[context_key] = _like(mapping[context_key], new)
        fixed += 1
    if fixed:
        _write_atomically(path, _dump(yaml, data))
    return FixOutcome(relative, fixed)


def apply_fixes(project: Path, problems: Sequence[Problem]) -> list[FixOutcome]:
    """Rewrite every re-anchored quote among `problems` in its file; one outcome per file."""
    by_file: defaultdict[str, list[tuple[Problem, QuoteFix]]] = defaultdict(list)
    for problem in problems:
        if problem.fix is not None:
            by_file[problem.location.path].append((problem, problem.fix))
    return [
        fix_file(project / relative, relative, fixes) for relative, fixes in sorted(by_file.items())
    ]
