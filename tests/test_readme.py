"""The README tells the truth about keys and commands."""

from __future__ import annotations

from pathlib import Path

from sitegen.cli import parser
from sitegen.schema import markdown_reference

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_key_as_the_schema_declares_it() -> None:
    # If this fails after a change to sitegen/schema.py, paste the output of
    # python3 -c "from sitegen.schema import markdown_reference; print(markdown_reference())"
    # into the README's key reference.
    assert markdown_reference() in README


def test_readme_opens_with_the_install_and_test_commands() -> None:
    head = README[:1500]
    assert "python3 -m pip install -e . && sitegen build" in head
    assert "python3 -m pip install -e '.[test]' && npm ci && python3 -m pytest" in head


def test_readme_names_every_command() -> None:
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command in commands:
        assert f"sitegen {command}" in README
