"""Secrets and deployment: no secret in any rendered file, production refuses to start without
its secrets and names the variable, production answers with security headers; and hostile
answers to the generator render a project whose tests pass."""

from __future__ import annotations

import re

import pytest
from helpers import UV, answers, install, render, run, run_own_tests, shared_project, uv_run
from live import production_env, serve

# Things that look like a committed secret: a hard-coded key, a private key, a token.
SECRET_PATTERNS = [
    re.compile(r"django-insecure-"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"""(SECRET_KEY|JWT_SECRET_KEY|PASSWORD)\s*[=:]\s*["'][^"'\s{$<]{12,}["']"""),
]
STACKS = [pytest.param(s, marks=pytest.mark.xdist_group(f"security-{s}")) for s in ("django", "flask")]


@pytest.mark.parametrize("stack", STACKS)
def test_no_secret_in_rendered_files_or_answers(tmp_path, stack):
    project = render(tmp_path / "p", tasks=True, framework=stack, kubernetes=True, limiter_storage="redis")
    secrets = [line.split("=", 1)[1] for line in (project / ".env").read_text().splitlines() if "=" in line]
    assert secrets
    for path in project.rglob("*"):
        if not path.is_file() or ".git" in path.parts or path.name == ".env":
            continue
        text = path.read_text(errors="ignore")
        assert not any(secret in text for secret in secrets), f"a generated secret leaked into {path}"
        for pattern in SECRET_PATTERNS:
            assert not pattern.search(text), f"{path} looks like it holds a secret: {pattern.pattern}"
    assert not {k for k in answers(project) if "secret" in k.lower() or "password" in k.lower()}


@pytest.fixture(scope="module", params=STACKS)
def installed(request):
    return request.param, shared_project(framework=request.param)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "JWT_SECRET_KEY"])
def test_production_refuses_to_start_without_its_secrets(installed, missing):
    stack, project = installed
    env = production_env(project)
    env[missing] = ""
    command = (
        ["python", "manage.py", "check"]
        if stack == "django"
        else ["python", "-c", f"from {answers(project)['project_slug']} import create_app; create_app()"]
    )
    with pytest.raises(AssertionError) as refused:
        uv_run(project, *command, **env)
    assert missing in str(refused.value), "the refusal must name the variable to set"


def test_production_sends_security_headers(installed):
    _, project = installed
    with serve(project) as live:
        response = live.client.get(live.collection)
    assert response.status_code == 200
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert "max-age=" in headers["strict-transport-security"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers.get("x-frame-options", "").upper() == "DENY" or "frame-ancestors" in headers.get(
        "content-security-policy", ""
    )
    assert "referrer-policy" in headers


@pytest.mark.parametrize("stack", STACKS)
def test_hostile_generator_answers_render_a_green_project(tmp_path, stack):
    project = render(
        tmp_path / "p",
        framework=stack,
        project_name="Café ☕ Ünïcode — Orders API   with spaces",
        project_description="Ça marche: <b>bold</b> & 'quotes' — and a very long line " + "x" * 120,
        author_name="Zoë O'Brien-Łukasiewicz",
        resource_name="sensor_reading",
    )
    assert answers(project)["project_slug"] == "caf_n_code_orders_api_with_spaces"
    install(project)
    run_own_tests(project)
    run([str(UV), "run", "--no-sync", "ruff", "check", "."], project)
