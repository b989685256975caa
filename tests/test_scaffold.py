"""`sitegen new site` and `sitegen new story`: scaffolds that build at once."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from sitegen.cli import main
from sitegen.json_schema import schema_text
from sitegen.scaffold import PAGES_WORKFLOW

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).parent / "sites"
SCHEMA_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def test_a_new_site_builds_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "digest"
    assert main(["new", "site", str(project)]) == 0
    assert "next: cd" in capsys.readouterr().out
    output = tmp_path / "out"
    assert main(["build", "--source", str(project), "--output", str(output)]) == 0
    assert capsys.readouterr().err == ""  # no errors and no warnings
    story = (output / "stories/river-tax/index.html").read_text(encoding="utf-8")
    assert story.count('data-highlight="h1"') >= 1 and 'data-highlight="h2"' in story


def test_every_scaffolded_yaml_file_names_its_schema_and_validates(tmp_path: Path) -> None:
    project = tmp_path / "digest"
    assert main(["new", "site", str(project)]) == 0
    files = sorted((project / "content").rglob("*.yaml"))
    assert len(files) == 3
    for path in files:
        text = path.read_text(encoding="utf-8")
        line = SCHEMA_LINE.match(text)
        assert line, f"{path} does not start with the yaml-language-server line"
        schema_path = (path.parent / line.group(1)).resolve()
        assert schema_path.is_file(), schema_path
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        name = schema_path.name.removesuffix(".schema.json")
        assert schema_path.read_text(encoding="utf-8") == schema_text(name)
        data = yaml.load(text, Loader=yaml.BaseLoader)  # all text, which the schemas take
        jsonschema.validate(data, schema)


def test_the_pages_workflow_checks_and_builds(tmp_path: Path) -> None:
    project = tmp_path / "digest"
    assert main(["new", "site", str(project)]) == 0
    workflow = yaml.safe_load((project / ".github/workflows/pages.yml").read_text("utf-8"))
    steps = [step.get("run", step.get("uses", "")) for step in workflow["jobs"]["build"]["steps"]]
    assert "sitegen check --strict --format github" in steps
    assert any(step.startswith("sitegen build --base-url") for step in steps)
    assert "actions/deploy-pages@v5" in str(workflow["jobs"]["deploy"])


def test_new_site_refuses_a_folder_with_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["new", "site", str(tmp_path)]) == 2
    assert "is not an empty folder" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(SITES / "minimal", project)
    return project


def test_new_story_points_at_the_seeds_with_their_dates_and_sources(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = project / "content" / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            "  name: The Gazette\n", "  name: The Gazette\n  url: https://gazette.example/\n"
        )
    )
    scraped = tmp_path / "scraped.txt"
    scraped.write_text(
        "date 2025-06-02 url https://www.gazette.example/news/1 The bridge opened.\n\n"
        "Source: River Wire\n"
    )
    code = main(
        [
            "new",
            "story",
            "bridge-opens",
            "--seed",
            "alpha.txt",
            "--seed",
            str(scraped),
            "--source",
            str(project),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "copied" in out and "seeds/scraped.txt" in out
    assert (project / "seeds" / "scraped.txt").read_bytes() == scraped.read_bytes()
    story = yaml.load(
        (project / "content/stories/bridge-opens.yaml").read_text("utf-8"), Loader=yaml.BaseLoader
    )
    assert story["date"] == "2025-06-02"  # the newest seed's header date
    first, second = story["articles"]
    assert (first["seed"], first["date"]) == ("alpha.txt", "2025-05-20")
    assert (second["seed"], second["source"]) == ("scraped.txt", "gazette")  # by its URL
    assert second["cites"] == ["wire"]  # its Source: paragraph
    assert main(["check", "--source", str(project)]) == 0


def test_new_story_adds_a_source_it_cannot_find(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "seeds" / "new.txt").write_text(
        "url https://www.kyivpost.example/a Some text of the article.\n"
    )
    assert main(["new", "story", "kyiv", "--seed", "new.txt", "--source", str(project)]) == 0
    assert "added kyivpost to content/sources.yaml" in capsys.readouterr().out
    assert main(["check", "--source", str(project)]) == 0


def test_new_story_refuses_an_existing_story_or_a_bad_slug(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "story", "one", "--seed", "alpha.txt", "--source", str(project)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["new", "story", "Bad Slug", "--seed", "alpha.txt", "--source", str(project)]) == 2
    assert main(["new", "story", "two", "--seed", "nope.txt", "--source", str(project)]) == 2
    assert "there is no seed nope.txt" in capsys.readouterr().err


def test_the_pages_workflow_passes_actionlint(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    project = tmp_path / "digest"
    assert main(["new", "site", str(project)]) == 0
    result = subprocess.run(
        [actionlint, "-no-color", ".github/workflows/pages.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pages_workflow_uses_the_actions_this_repository_publishes_with() -> None:
    ours = ROOT / ".github" / "workflows" / "pages.yml"
    if not ours.is_file():
        pytest.skip("this repository has no Pages workflow")

    def actions(text: str) -> set[str]:
        return set(re.findall(r"uses: (\S+)", text))

    assert actions(PAGES_WORKFLOW) == actions(ours.read_text(encoding="utf-8"))


def test_a_story_in_a_new_site_names_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "digest"
    assert main(["new", "site", str(project)]) == 0
    seed = "river-herald-bridge-tax.txt"
    assert main(["new", "story", "second", "--seed", seed, "--source", str(project)]) == 0
    text = (project / "content/stories/second.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/story.schema.json\n")
    assert "source: herald" in text  # the seed's header url is on the Herald's host
    assert main(["check", "--source", str(project)]) == 0
