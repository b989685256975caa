"""Problems found in a site project, as values that remember where they came from.

Nothing in the build raises on bad content: every stage appends `Problem`s to a
`Problems` collector and carries on, so one run reports everything at once. The
CLI is the only place that prints them or turns them into an exit code.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file of the site project: a path relative to the project, 1-based."""

    path: str
    line: int = 0
    column: int = 0

    @classmethod
    def whole_file(cls, path: str) -> Location:
        """A problem with a file as a whole (its name, its encoding, its absence).

        It points at line 1, column 1 so that every problem reads `path:line:col`,
        the form editors' and CI's problem matchers need to jump to it.
        """
        return cls(path, 1, 1)

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


@dataclass(frozen=True)
class QuoteFix:
    """A quote found again in its changed seed: what `sitegen check --fix` writes back.

    Offsets are code points of the seed as read, header included, end exclusive.
    `context` holds (key, old, new) for a prefix or suffix that no longer fits exactly.
    """

    seed: str
    old_quote: str
    new_quote: str
    start: int
    end: int
    score: float
    context: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content: where, what, and how to fix it."""

    location: Location
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    fix: QuoteFix | None = None  # set when sitegen can make the change itself

    def format(self) -> str:
        text = f"{self.location}: {self.severity.value}: {self.message}"
        if self.hint:
            text += "\n" + "\n".join("    " + line for line in self.hint.splitlines())
        return text


class Problems:
    """Collects every problem of a run, so that all of them are reported together."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, location: Location, message: str, hint: str = "") -> None:
        self._items.append(Problem(location, message, hint, Severity.ERROR))

    def warning(self, location: Location, message: str, hint: str = "") -> None:
        self._items.append(Problem(location, message, hint, Severity.WARNING))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self._items)

    def sorted(self) -> list[Problem]:
        """Problems in file order, so reports read top to bottom and are deterministic."""
        return sorted(self._items, key=lambda p: (p.location, p.message))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)


class ContentError(Exception):
    """Raised by the build when the content has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


class BuildCancelled(Exception):
    """Raised inside a build that was asked to stop (serve: a newer save came)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt key or id, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
