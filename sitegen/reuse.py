"""Reusing the previous build's files: which units of work are still right, and noting
what this build makes, for the manifest the next build reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cache_keys import Keys
from .manifest import Manifest, Previous
from .render.fragments import FragmentStore


@dataclass
class Reuse:
    keys: Keys
    previous: Previous | None  # None: nothing to reuse, every unit is made
    made_now: Manifest = field(default_factory=Manifest)  # this build's keys and units
    fragments: FragmentStore | None = None  # parts of pages earlier builds rendered

    def reused(self, unit: str, key: str) -> tuple[str, ...] | None:
        """The previous build's files of `unit` when they were made under `key` and are
        intact; None when the unit must be made (then `made` must be told its files)."""
        self.made_now.keys[unit] = key
        paths = self.previous.reusable(unit, key) if self.previous is not None else None
        if paths is not None:
            self.made_now.units[unit] = paths
        return paths

    def made(self, unit: str, paths: tuple[str, ...]) -> None:
        self.made_now.units[unit] = paths
