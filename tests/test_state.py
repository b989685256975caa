"""Files kept between builds are written whole or not at all, and never fail a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import state
from sitegen.state import write_state


def test_a_kept_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / ".sitegen" / "kept.json"
    assert write_state(path, "first")
    assert write_state(path, "second")
    assert path.read_text(encoding="utf-8") == "second"
    assert sorted(p.name for p in path.parent.iterdir()) == ["kept.json"]


def test_a_refused_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kept.json"
    path.write_text("old", encoding="utf-8")

    def full_disk(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(state.os, "replace", full_disk)
    assert not write_state(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]


def test_a_folder_that_cannot_be_made_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert not write_state(tmp_path / "file" / "kept.json", "text")
