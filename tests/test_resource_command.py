"""`make resource` as the generated README says: the next resource, from the same template files
as the first, wired in and green at once; then `copier update` still works, for the project and
for the added resource."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import copier
import pytest
import yaml
from helpers import UV, git, install, project_env, record_figure, run, uv_run

FIELDS = "title:str, pages:int, price:decimal?, published_on:date, status:choice(draft|published), in_print:bool"
VARIANTS = {
    "django": {"framework": "django"},
    "flask": {"framework": "flask"},
    "flask-mongodb": {"framework": "flask", "database": "mongodb"},
}
# The first resource's fields: long enough that the answers file wraps them onto a second line,
# which `make resource` must not carry into the next resource's answers.
FIRST_FIELDS = "title:str, subtitle:text?, pages:int, isbn:str?, published_on:date?, in_print:bool, notes:text?"
STACKS = [pytest.param(v, marks=pytest.mark.xdist_group(f"resource-{v}"), id=v) for v in VARIANTS]


def make(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    path = f"{UV.parent}:{project_env()['PATH']}"
    if check:
        return run(["make", *args], project, PATH=path)
    return subprocess.run(["make", *args], cwd=project, env=project_env(PATH=path), capture_output=True, text=True)


PROJECTS: dict[str, Path] = {}  # one per variant and worker, whatever order its tests run in


@pytest.fixture(params=STACKS)
def project(request, tmp_path_factory, template_repo) -> Path:
    """A project generated from a clone whose every commit is real (see conftest.template_repo)."""
    if request.param in PROJECTS:
        return PROJECTS[request.param]
    path = tmp_path_factory.mktemp("resource") / "shop"
    copier.run_copy(
        str(template_repo),
        str(path),
        data={**VARIANTS[request.param], "resource_name": "book", "resource_fields": FIRST_FIELDS},
        defaults=True,
        skip_tasks=True,
        quiet=True,
        vcs_ref="HEAD",
    )
    assert "\n    " in (path / ".copier-answers.yml").read_text()  # a wrapped answer
    install(path)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "generated")
    PROJECTS[request.param] = path
    return path


def variant(project: Path) -> str:
    return next(name for name, path in PROJECTS.items() if path == project)


def changed(project: Path) -> list[str]:
    return sorted(line[3:] for line in git(project, "status", "--porcelain").splitlines())


def test_make_resource_adds_a_green_resource(project):
    before = set(changed(project))  # what another test of this project left (tests run in any order)
    started = time.monotonic()
    make(project, "resource", "NAME=author", f"FIELDS={FIELDS}")
    uv_run(project, "pytest", "-q", "-p", "no:cacheprovider")
    elapsed = time.monotonic() - started
    record_figure(f"make resource ({variant(project)}): command to green tests in {elapsed:.1f} s")

    added = yaml.safe_load((project / ".copier-answers.resource-author.yml").read_text())
    assert (added["resource_name"], added["resource_plural"]) == ("author", "authors")
    slug = added["project_slug"]
    written = {
        "django": [f"{slug}/authors/"],
        "flask": ["migrations/versions/authors.py", f"src/{slug}/api/v1/authors.py", f"src/{slug}/authors/"],
        "flask-mongodb": [f"src/{slug}/api/v1/authors.py", f"src/{slug}/authors/"],
    }[variant(project)]
    expected = [".copier-answers.resource-author.yml", *written, "tests/test_authors.py"]
    assert sorted(set(changed(project)) - before) == sorted(expected)

    make(project, "lint")
    make(project, "typecheck")
    if added["framework"] == "django":
        uv_run(project, "python", "manage.py", "makemigrations", "--check", "--dry-run")
        schema = uv_run(project, "python", "manage.py", "spectacular", "--validate").stdout
    else:
        schema = uv_run(project, "flask", "--app", slug, "openapi", "print").stdout
    assert "/api/v1/authors/" in schema and "/api/v1/books/" in schema
    problem = make(project, "resource", "NAME=author", check=False)
    assert problem.returncode == 2 and "A resource named author exists already" in problem.stderr


@pytest.mark.parametrize("project", [STACKS[1]], indirect=True)
def test_a_flask_resource_migration_follows_the_head(project, tmp_path):
    """The next resource's migration follows the head, whoever wrote it; models and migrations agree."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite3'}"}
    flask = ["flask", "--app", yaml.safe_load((project / ".copier-answers.yml").read_text())["project_slug"], "db"]
    head = uv_run(project, *flask, "heads", **env).stdout.split()[0]
    make(project, "resource", "NAME=publisher", "FIELDS=name:str, founded:int?")
    assert uv_run(project, *flask, "heads", **env).stdout.split() == ["publishers", "(head)"]
    assert f'down_revision = "{head}"' in (project / "migrations/versions/publishers.py").read_text()
    uv_run(project, *flask, "upgrade", **env)
    uv_run(project, *flask, "check", **env)  # "No new upgrade operations detected"


def test_copier_update_keeps_working_after_make_resource(project):
    make(project, "resource", "NAME=editor", "FIELDS=name:str, email:email?")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "resources")
    copier = [str(UV.with_name("copier")), "update", "--trust", "--defaults", "--skip-tasks", "--vcs-ref=HEAD"]
    run(copier, project)
    for added in sorted(project.glob(".copier-answers.resource-*.yml")):
        run([*copier, "--answers-file", added.name], project)
    assert changed(project) == []
    uv_run(project, "pytest", "-q", "-p", "no:cacheprovider")
