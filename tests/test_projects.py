"""Each stack's default project, as a user gets it: rendered, installed into a fresh venv from its
own pyproject.toml, linted, its own test suite green (SQLite, in-memory storage), its framework
checks clean, and the same tests green again on a real PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import residue, run_own_tests, shared_project, uv_run

RUFF = Path(sys.executable).with_name("ruff")

STACKS = [
    pytest.param(stack, marks=pytest.mark.xdist_group(f"project-{stack}"), id=stack) for stack in ("django", "flask")
]


@pytest.fixture(scope="module", params=STACKS)
def project(request):
    return request.param, shared_project(framework=request.param)


def test_no_jinja_residue(project):
    _, path = project
    assert residue(path) == []


def test_ruff_clean(project):
    _, path = project
    uv_run(path, "ruff", "check", ".")
    uv_run(path, "ruff", "format", "--check", ".")


def test_readme_has_the_two_commands(project):
    """The README's quick start is exactly: run the server; run the tests."""
    stack, path = project
    readme = (path / "README.md").read_text()
    assert "uv run pytest" in readme
    assert ("uv run python manage.py runserver" if stack == "django" else "flask --app") in readme


def test_own_tests_pass(project):
    _, path = project
    run_own_tests(path)


def test_django_framework_checks(project):
    stack, path = project
    if stack != "django":
        pytest.skip("Django's own checks")
    uv_run(path, "python", "manage.py", "check", "--fail-level", "WARNING")
    uv_run(path, "python", "manage.py", "makemigrations", "--check", "--dry-run")


@pytest.mark.services
def test_own_tests_pass_on_postgresql(project, postgres_url):
    _, path = project
    run_own_tests(path, DATABASE_URL=postgres_url)


LONGEST = {
    "project_name": "Abcdefghij Klmnopqrst Uvwxyzabcd Efghijk",  # a 40-character package
    "resource_name": "aaaaaaaaaaaaaaa_bbbbbbbbbbbbbb",  # a 30-character resource
    "resource_fields": "title:str, pages:int, price:decimal?, published_on:date, status:choice(draft|published)",
}


@pytest.mark.parametrize("stack", ["django", "flask"])
def test_the_longest_names_render_ruff_clean(stack):
    path = shared_project(installed=False, framework=stack, **LONGEST)
    assert residue(path) == []
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        done = subprocess.run([str(RUFF), *args], cwd=path, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
