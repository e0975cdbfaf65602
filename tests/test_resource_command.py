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
STACKS = [pytest.param(s, marks=pytest.mark.xdist_group(f"resource-{s}"), id=s) for s in ("django",)]


def make(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(["make", *args], project, PATH=f"{UV.parent}:{project_env()['PATH']}")


@pytest.fixture(scope="module", params=STACKS)
def project(request, tmp_path_factory, template_repo) -> Path:
    """A project generated from a clone whose every commit is real (see conftest.template_repo)."""
    path = tmp_path_factory.mktemp("resource") / "shop"
    copier.run_copy(
        str(template_repo),
        str(path),
        data={"framework": request.param, "resource_name": "book"},
        defaults=True,
        skip_tasks=True,
        quiet=True,
        vcs_ref="HEAD",
    )
    install(path)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "generated")
    return path


def test_make_resource_adds_a_green_resource(project):
    started = time.monotonic()
    make(project, "resource", "NAME=author", f"FIELDS={FIELDS}")
    uv_run(project, "pytest", "-q", "-p", "no:cacheprovider")
    elapsed = time.monotonic() - started
    record_figure(f"make resource (django): command to green tests in {elapsed:.1f} s")

    added = yaml.safe_load((project / ".copier-answers.resource-author.yml").read_text())
    assert (added["resource_name"], added["resource_plural"]) == ("author", "authors")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True).stdout
    changed = sorted(line[3:] for line in status.splitlines())
    slug = added["project_slug"]
    assert changed == [".copier-answers.resource-author.yml", f"{slug}/authors/", "tests/test_authors.py"], changed

    make(project, "lint")
    make(project, "typecheck")
    uv_run(project, "python", "manage.py", "makemigrations", "--check", "--dry-run")
    schema = uv_run(project, "python", "manage.py", "spectacular", "--validate").stdout
    assert "/api/v1/authors/" in schema and "/api/v1/books/" in schema


def test_copier_update_keeps_working_after_make_resource(project):
    if not (project / ".copier-answers.resource-author.yml").exists():
        make(project, "resource", "NAME=author", f"FIELDS={FIELDS}")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "authors")
    copier = [str(UV.with_name("copier")), "update", "--trust", "--defaults", "--skip-tasks", "--vcs-ref=HEAD"]
    run(copier, project)
    run([*copier, "--answers-file", ".copier-answers.resource-author.yml"], project)
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True).stdout
    assert status == "", status
    uv_run(project, "pytest", "-q", "-p", "no:cacheprovider")
