"""Listing the files under a folder: the one walk that reading and hashing inputs share."""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path


def files_under(folder: Path, skipped: Collection[str] = ()) -> list[tuple[str, os.DirEntry[str]]]:
    """Every file under `folder` as (relative path, entry), sorted by path; links to
    files followed, to folders not; folders named in `skipped` not entered.

    One scan of each folder: a file costs a stat at most, where pathlib's rglob and
    is_file cost three (0.8 s for 15,000 seeds).
    """
    found = []
    pending = [("", str(folder))]
    while pending:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            continue  # a folder that went away, or may not be read: as os.walk does
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in skipped:
                    pending.append((f"{prefix}{entry.name}/", entry.path))
            elif entry.is_file():
                found.append((prefix + entry.name, entry))
    found.sort(key=lambda item: item[0])
    return found
