"""Publishing: the GitHub Pages workflow, CNAME, the search index, the feed, themes that extend.

The workflow is checked with actionlint and read as YAML for the points that
make a deployment work; then its own build command is run, as Pages would run
it, with the base URL configure-pages would give, and the result is checked
for that prefix.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from sitegen.cli import main

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}
BASE_URL_OUTPUT = "${{ steps.pages.outputs.base_url }}"


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this check must run in CI)")
    pytest.skip(reason)


def workflow() -> dict[Any, Any]:
    # BaseLoader: `on:` stays the key "on" (YAML 1.1 would read it as True).
    data = yaml.load(WORKFLOW.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(data, dict)
    return data


def steps(job: str) -> list[dict[str, Any]]:
    return list(workflow()["jobs"][job]["steps"])


def step_using(job: str, action: str) -> dict[str, Any]:
    found = [step for step in steps(job) if step.get("uses", "").startswith(action + "@")]
    assert len(found) == 1, f"job {job} should use {action} once"
    return found[0]


def build_step() -> dict[str, Any]:
    found = [step for step in steps("build") if "sitegen build" in step.get("run", "")]
    assert len(found) == 1, "the build job should run `sitegen build` once"
    return found[0]


# -- the workflow ----------------------------------------------------------------------


def test_actionlint_finds_nothing_in_the_workflow() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        unavailable("actionlint is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_mistake_in_such_a_workflow(tmp_path: Path) -> None:
    """The check above is not vacuous: a misspelt output of configure-pages fails it."""
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        unavailable("actionlint is not installed (pip install -e '.[test]')")
    broken = tmp_path / "pages.yml"
    text = WORKFLOW.read_text(encoding="utf-8")
    broken.write_text(text.replace("outputs.base_url", "outputs.baseurl"), encoding="utf-8")
    result = subprocess.run(
        [actionlint, "-no-color", str(broken)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "baseurl" in result.stdout


def test_workflow_runs_on_push_to_main_and_by_hand() -> None:
    triggers = workflow()["on"]
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_workflow_uses_the_official_pages_actions_in_order() -> None:
    build = [step.get("uses", "").split("@")[0] for step in steps("build")]
    official = [
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    assert [action for action in build if action] == official
    assert [step.get("uses", "").split("@")[0] for step in steps("deploy")] == [
        "actions/deploy-pages"
    ]


def test_workflow_has_the_permissions_deploy_pages_needs() -> None:
    data = workflow()
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert step_using("deploy", "actions/deploy-pages")["id"] == "deployment"


def test_workflow_builds_with_the_base_url_configure_pages_gives() -> None:
    assert step_using("build", "actions/configure-pages")["id"] == "pages"
    step = build_step()
    # The URL reaches the shell through the environment, never pasted into the script.
    assert BASE_URL_OUTPUT not in step["run"]
    assert step["env"] == {"BASE_URL": BASE_URL_OUTPUT}
    assert '--base-url "$BASE_URL"' in step["run"]


def test_workflow_uploads_the_folder_it_builds_into() -> None:
    output = re.search(r"--output (\S+)", build_step()["run"])
    built = output.group(1) if output else "output"
    uploaded = step_using("build", "actions/upload-pages-artifact")["with"]["path"]
    assert uploaded.rstrip("/") == built.rstrip("/")


def run_build_step(project: Path, base_url: str, tmp_path: Path) -> Path:
    """Run the workflow's build step in `project` as the runner would, with this base URL.

    `sitegen` on PATH is this checkout's, whatever is installed.
    """
    step = build_step()
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir(exist_ok=True)
    shim = bin_folder / "sitegen"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sitegen "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    environment = {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        **{name: value.replace(BASE_URL_OUTPUT, base_url) for name, value in step["env"].items()},
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    path = step_using("build", "actions/upload-pages-artifact")["with"]["path"]
    return project / path


@pytest.mark.parametrize(
    ("base_url", "prefix"),
    [
        ("https://octo-org.github.io/news-digest", "/news-digest/"),  # a project site
        ("https://news.example.org", "/"),  # a custom domain
    ],
)
def test_the_workflows_build_step_publishes_under_the_prefix_it_is_given(
    example_project: Path, tmp_path: Path, base_url: str, prefix: str
) -> None:
    site = run_build_step(example_project, base_url, tmp_path)
    story = BeautifulSoup(
        (site / "stories/trump-eu-sanctions/index.html").read_text("utf-8"), "html.parser"
    )
    canonical = story.select_one('link[rel="canonical"]')
    assert canonical is not None
    assert canonical["href"] == f"{base_url}/stories/trump-eu-sanctions/"
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(loc.startswith(base_url + "/") for loc in locations)
    # 404.html is served at any depth: its links carry the prefix itself.
    not_found = BeautifulSoup((site / "404.html").read_text("utf-8"), "html.parser")
    stylesheet = not_found.select_one('link[rel="stylesheet"]')
    assert stylesheet is not None and str(stylesheet["href"]).startswith(prefix + "static/")
    bundles = json.loads((site / "pagefind" / "shards.json").read_text("utf-8"))["bundles"]
    assert bundles and all((site / "pagefind" / b / "pagefind.js").is_file() for b in bundles)


def test_the_cache_the_workflow_keeps_lets_the_next_publish_rewrite_nothing(
    example_project: Path, tmp_path: Path
) -> None:
    """The next run, with nothing changed since: the build reuses every file of the
    output restored from the cache, although each is new to the runner's disk."""
    cache = step_using("build", "actions/cache")["with"]
    paths = cache["path"].split()
    site = run_build_step(example_project, "https://octo-org.github.io/news-digest", tmp_path)
    assert sorted(paths) == sorted([".sitegen", site.relative_to(example_project).as_posix()])
    # Each run saves a cache of its own, and restores the newest of the earlier ones.
    assert "${{ github.run_id }}" in cache["key"]
    assert cache["key"].startswith(cache["restore-keys"])
    # What actions/cache does: a tar of the paths, unpacked in the next run's checkout.
    archive = tmp_path / "cache.tar"
    subprocess.run(["tar", "-cf", str(archive), *paths], cwd=example_project, check=True)
    for path in paths:
        shutil.rmtree(example_project / path)
    subprocess.run(["tar", "-xf", str(archive)], cwd=example_project, check=True)
    restored = {path: path.stat().st_ino for path in site.rglob("*") if path.is_file()}
    run_build_step(example_project, "https://octo-org.github.io/news-digest", tmp_path)
    assert {path: path.stat().st_ino for path in site.rglob("*") if path.is_file()} == restored


# -- CNAME ------------------------------------------------------------------------------


def set_site_keys(project: Path, **keys: str) -> None:
    site_yaml = project / "content/site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    for key, value in keys.items():
        text = re.sub(rf"(?m)^{key}:.*\n", "", text) + f"{key}: {value}\n"
    site_yaml.write_text(text, encoding="utf-8")


def test_cname_writes_the_custom_domain_to_CNAME(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_site_keys(example_project, cname="News.Example.org", base_url="https://news.example.org/")
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    assert (output / "CNAME").read_text(encoding="ascii") == "news.example.org\n"
    assert "warning" not in capsys.readouterr().err


def test_without_cname_there_is_no_CNAME(example_site: Path) -> None:
    assert not (example_site / "CNAME").exists()


def test_a_cname_that_disagrees_with_base_url_is_a_warning(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_site_keys(example_project, cname="news.example.org")
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"content/site\.yaml:\d+:\d+: warning: cname is news\.example\.org", err)
    assert "set base_url: https://news.example.org/" in err


# -- the search index and page ---------------------------------------------------------


def test_the_build_writes_a_search_index_of_every_story(example_site: Path) -> None:
    shards = json.loads((example_site / "pagefind/shards.json").read_text("utf-8"))["bundles"]
    indexed = 0
    for shard in shards:
        bundle = example_site / "pagefind" / shard
        entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
        pages = sum(language["page_count"] for language in entry["languages"].values())
        assert json.loads((bundle / "shard.json").read_text("utf-8")) == {"pages": pages}
        indexed += pages
        assert (bundle / "pagefind.js").is_file()
        # Pagefind's own UI bundles are not shipped: the theme's search.js uses its API.
        assert not (bundle / "pagefind-ui.js").exists()
    assert indexed == len(list((ROOT / "content/stories").glob("*.yaml")))


def test_the_search_index_is_byte_identical_across_builds(
    example_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "again"
    assert main(["build", "--source", str(ROOT), "--output", str(output)]) == 0
    for path in sorted((example_site / "pagefind").rglob("*")):
        if path.is_file():
            again = output / path.relative_to(example_site)
            assert again.read_bytes() == path.read_bytes(), path.name


def test_verbose_build_times_the_search_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "site"
    assert main(["build", "--source", str(ROOT), "--output", str(output), "--verbose"]) == 0
    assert re.search(r"(?m)^\s+search\s+[\d.]+ ms$", capsys.readouterr().err)


def test_a_build_without_pagefind_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sitegen.search

    monkeypatch.setattr(sitegen.search, "pagefind_executable", lambda: None)
    output = tmp_path / "site"
    assert main(["build", "--source", str(ROOT), "--output", str(output)]) == 1
    err = capsys.readouterr().err
    assert "the search index needs Pagefind" in err and "pip install 'pagefind[bin]'" in err
    assert not output.exists()


def test_the_search_page_says_something_useful_without_javascript(example_site: Path) -> None:
    soup = BeautifulSoup((example_site / "search/index.html").read_text("utf-8"), "html.parser")
    noscript = soup.select_one("noscript")
    assert noscript is not None and "needs JavaScript" in noscript.get_text()
    # Every story is reachable from it by plain links.
    listed = {str(a["href"]) for a in soup.select(".search-browse a[href]")}
    for story in (ROOT / "content/stories").glob("*.yaml"):
        assert f"../stories/{story.stem}/" in listed
    form = soup.select_one("[role=search]")
    assert form is not None and form.select_one("input[name=q]") is not None


# -- no inline script: a strict CSP holds ------------------------------------------------


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_has_a_policy_that_forbids_inline_script(example_site: Path) -> None:
    for path in pages(example_site):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        policy = soup.select_one('meta[http-equiv="Content-Security-Policy"]')
        assert policy is not None, path
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in str(policy["content"]).split(";")
        )
        assert directives["script-src"] == ["'self'", "'wasm-unsafe-eval'"], path
        assert directives["object-src"] == ["'none'"], path


def test_every_script_is_a_file_of_the_site_or_data(example_site: Path) -> None:
    for path in pages(example_site):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        for script in soup.select("script"):
            if script.get("type") == "application/ld+json":
                json.loads(script.string or "")  # data, which a CSP does not block
                continue
            assert script.get("src"), f"{path}: inline script"
            assert script.get("type") == "module" or script.has_attr("defer"), path
            assert not script.get_text().strip(), path
            page_url = (
                "https://example.github.io/sitegen/" + path.relative_to(example_site).as_posix()
            )
            target = urlsplit(urljoin(page_url, str(script["src"]))).path
            assert (example_site / target.removeprefix("/sitegen/")).is_file(), target
        for element in soup.find_all(True):
            handlers = [name for name in element.attrs if name.lower().startswith("on")]
            assert not handlers, f"{path}: {element.name} has {handlers}"


def test_scripts_are_small(example_site: Path) -> None:
    # search.js is the biggest: it looks a query's words up in the word bundles first.
    for script in (example_site / "static").glob("*.js"):
        assert script.stat().st_size < 10_000, script.name


# -- the feed ---------------------------------------------------------------------------


def test_feedparser_reads_the_feed_cleanly(example_site: Path) -> None:
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse((example_site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    stories = list((ROOT / "content/stories").glob("*.yaml"))
    assert len(feed.entries) == len(stories)
    for entry in feed.entries:
        assert entry.link.startswith("https://example.github.io/sitegen/stories/")
        assert entry.title and entry.published_parsed


# -- themes that extend the default ---------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_theme_that_names_default_as_parent_overrides_only_what_it_holds(
    example_project: Path, tmp_path: Path
) -> None:
    theme = example_project / "themes/paper"
    write(theme / "theme.yaml", "# Paper: the default theme, warmer.\nparent: default\n")
    write(theme / "static/style.css", "body { background: #fdf6e3; }\n")
    write(theme / "static/paper.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    write(
        theme / "templates/404.html",
        '{% extends "base.html" %}{% block main %}<h1>Lost at sea</h1>{% endblock %}\n',
    )
    set_site_keys(example_project, theme="paper")
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    assert (output / "static/style.css").read_text("utf-8") == "body { background: #fdf6e3; }\n"
    assert (output / "static/paper.svg").is_file()
    assert (output / "static/search.js").is_file()  # inherited from default
    assert "Lost at sea" in (output / "404.html").read_text("utf-8")
    story = (output / "stories/trump-eu-sanctions/index.html").read_text("utf-8")
    assert "<mark" in story and "Lost at sea" not in story  # default's story.html


def test_a_theme_can_extend_a_theme_that_extends_default(
    example_project: Path, tmp_path: Path
) -> None:
    write(example_project / "themes/paper/theme.yaml", "parent: default\n")
    write(example_project / "themes/paper/static/style.css", "/* paper */\n")
    write(example_project / "themes/night/theme.yaml", "parent: paper\n")
    write(
        example_project / "themes/night/templates/404.html",
        '{% extends "base.html" %}{% block main %}<p>Night 404</p>{% endblock %}\n',
    )
    set_site_keys(example_project, theme="night")
    output = tmp_path / "site"
    assert main(["build", "--source", str(example_project), "--output", str(output)]) == 0
    assert (output / "static/style.css").read_text("utf-8") == "/* paper */\n"
    assert "Night 404" in (output / "404.html").read_text("utf-8")


def test_a_template_error_in_a_child_theme_names_the_childs_file(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(example_project / "themes/paper/theme.yaml", "parent: default\n")
    write(
        example_project / "themes/paper/templates/404.html", "{% extends 'base.html' %}\n{% if %}\n"
    )
    set_site_keys(example_project, theme="paper")
    code = main(["build", "--source", str(example_project), "--output", str(tmp_path / "site")])
    assert code == 1
    assert "themes/paper/templates/404.html:2" in capsys.readouterr().err
