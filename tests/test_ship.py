"""Ship-ready projects: container, compose, Kubernetes, CI, lint and types, JSON logs.

Rendering checks (cheap) cover both stacks' defaults and each service option: the Dockerfile
passes hadolint, compose.yaml and the CI files validate against their JSON schemas (and the GitHub
workflow passes actionlint), the Kubernetes manifests parse and carry probes, resources, replicas
and the shared limiter storage. On each stack's defaults, installed into a fresh venv, mypy
passes, `pre-commit run --all-files` changes nothing (offline: every hook is local), and the
image's own command line (the Dockerfile's CMD, with its ENV) serves /health under gunicorn.
No container engine runs here: images are not built, compose is not started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from helpers import UV, project_env, residue, shared_project, uv_run
from live import production_env
from services import free_port

BIN = Path(sys.executable).parent
CASES: dict[str, dict] = {
    "django": {"framework": "django"},
    "flask": {"framework": "flask"},
    "django-redis-k8s": {"framework": "django", "limiter_storage": "redis", "kubernetes": True},
    "django-memcached-gitlab": {"framework": "django", "limiter_storage": "memcached", "ci_provider": "gitlab"},
    "django-no-ci": {"framework": "django", "auth": "token", "ci_provider": "none"},
    "flask-mongodb-redis-k8s": {
        "framework": "flask",
        "database": "mongodb",
        "limiter_storage": "redis",
        "kubernetes": True,
    },
    "flask-memcached-gitlab-k8s": {
        "framework": "flask",
        "limiter_storage": "memcached",
        "ci_provider": "gitlab",
        "kubernetes": True,
    },
    "flask-mongodb-gitlab": {"framework": "flask", "database": "mongodb", "ci_provider": "gitlab"},
}
DEFAULTS = ["django", "flask"]


def cases(names: list[str]) -> list:
    return [pytest.param(name, marks=pytest.mark.xdist_group(f"ship-{name}"), id=name) for name in names]


def option(case: str, name: str):
    defaults = {"database": "postgresql", "limiter_storage": "memory", "kubernetes": False, "ci_provider": "github"}
    return CASES[case].get(name, defaults.get(name))


@pytest.fixture
def project(case: str) -> Path:
    """The case's project, rendered once per run."""
    return shared_project(installed=False, **CASES[case])


@pytest.fixture
def installed(case: str) -> Path:
    """The case's project installed into its own venv, once per run."""
    return shared_project(**CASES[case])


def tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one of the template's dev tools (hadolint, actionlint, check-jsonschema)."""
    return subprocess.run([str(BIN / name), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def passes(done: subprocess.CompletedProcess[str]) -> bool:
    if done.returncode != 0:
        print(done.stdout, done.stderr)
    return done.returncode == 0


def dockerfile_stages(project: Path) -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped), per stage."""
    text = re.sub(r"\\\n\s*", "", (project / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


def instruction(stage: list[str], keyword: str) -> list[str]:
    return [line[len(keyword) + 1 :] for line in stage if line.startswith(keyword + " ")]


def image_env(project: Path) -> dict[str, str]:
    """The runtime stage's ENV values (PATH left out: `uv run` provides the venv)."""
    env = {}
    for args in instruction(dockerfile_stages(project)[-1], "ENV"):
        for pair in shlex.split(args):
            key, _, value = pair.partition("=")
            env[key] = value
    env.pop("PATH", None)
    return env


# ---------------------------------------------------------------- the linters are real


def test_the_linters_catch_mistakes(tmp_path):
    """Negative controls: each linter fails a file with a known mistake."""
    (tmp_path / "Dockerfile").write_text("FROM python\nRUN apt-get install curl\n")
    assert tool("hadolint", "Dockerfile", cwd=tmp_path).returncode != 0

    (tmp_path / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n"
    )
    assert tool("actionlint", "ci.yml", cwd=tmp_path).returncode != 0

    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    depends_on:\n      db:\n        condition: healthy\n"
    )
    assert tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml", cwd=tmp_path).returncode
    (tmp_path / ".gitlab-ci.yml").write_text("test:\n  scripts: [pytest]\n")
    assert tool("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml", cwd=tmp_path).returncode


# ---------------------------------------------------------------- rendering checks, every case


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_no_jinja_residue(project, case):
    assert residue(project) == []


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_dockerfile_passes_hadolint(project, case):
    assert passes(tool("hadolint", "Dockerfile", cwd=project))


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_dockerfile_builds_a_small_non_root_image(project, case):
    builder, runtime = dockerfile_stages(project)
    version = option(case, "python_version") or "3.12"
    assert f"ARG PYTHON_VERSION={version}" in (project / "Dockerfile").read_text()
    assert runtime[0] == "FROM python:${PYTHON_VERSION}-slim"
    # Dependencies are their own layer: pyproject.toml is copied and synced before the code.
    copies = instruction(builder, "COPY")
    assert copies.index("pyproject.toml uv.lock* ./") < copies.index(". .")
    assert any("uv sync --no-dev --no-install-project" in run for run in instruction(builder, "RUN"))
    # Not root, a health check on /health, gunicorn, and no migration at start.
    (user,) = instruction(runtime, "USER")
    assert not user.startswith(("root", "0"))
    (healthcheck,) = instruction(runtime, "HEALTHCHECK")
    assert "/health" in healthcheck and "urllib" in healthcheck
    (cmd,) = instruction(runtime, "CMD")
    assert json.loads(cmd)[0] == "gunicorn"
    assert "migrate" not in cmd and "upgrade" not in cmd
    if CASES[case]["framework"] == "django":
        (collect,) = [run for run in instruction(builder, "RUN") if "collectstatic" in run]
        assert "SECRET_KEY=" in collect
        assert not any("SECRET_KEY" in env for env in instruction(runtime, "ENV"))
    assert ".env" in (project / ".dockerignore").read_text().split()


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_compose_has_exactly_the_chosen_services(project, case):
    assert passes(tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml", cwd=project))
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    sql = option(case, "database") == "postgresql"
    backing = {"db" if sql else "mongodb"} | (
        {option(case, "limiter_storage")} if option(case, "limiter_storage") != "memory" else set()
    )
    assert set(compose["services"]) == {"app"} | ({"migrate"} if sql else set()) | backing
    for name in backing:
        assert compose["services"][name]["healthcheck"]["test"]
    app = compose["services"]["app"]
    assert {name: dep["condition"] for name, dep in app["depends_on"].items()} == {
        **dict.fromkeys(backing, "service_healthy"),
        **({"migrate": "service_completed_successfully"} if sql else {}),
    }
    env = app["environment"]
    if sql:
        assert compose["services"]["migrate"]["command"][-2:] in (["migrate", "--noinput"], ["db", "upgrade"])
        assert env["DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in env["DATABASE_URL"]
    else:
        assert env["MONGO_URI"].startswith("mongodb://mongodb:27017/")
    storage = option(case, "limiter_storage")
    if storage != "memory":
        variable = "CACHE_URL" if CASES[case]["framework"] == "django" else "RATELIMIT_STORAGE_URI"
        assert f"://{storage}:" in env[variable]
    # Volumes are named, and every one used is declared.
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] in compose["volumes"]
    # Secrets are required from .env, never defaulted in the file.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_ci_runs_lint_types_and_tests_against_the_services(project, case):
    provider = option(case, "ci_provider")
    github, gitlab = project / ".github/workflows/ci.yml", project / ".gitlab-ci.yml"
    assert (github.exists(), gitlab.exists()) == (provider == "github", provider == "gitlab")
    if provider == "none":
        return
    sql, storage = option(case, "database") == "postgresql", option(case, "limiter_storage")
    if provider == "github":
        assert passes(tool("actionlint", str(github), cwd=project))
        assert passes(tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(github), cwd=project))
        (job,) = yaml.safe_load(github.read_text())["jobs"].values()
        services, env = set(job["services"]), job["env"]
        commands = [step.get("run", "") for step in job["steps"]]
        assert any(step.get("uses", "").startswith("astral-sh/setup-uv@") for step in job["steps"])
        assert any(step.get("with", {}).get("enable-cache") for step in job["steps"])
    else:
        assert passes(tool("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", str(gitlab), cwd=project))
        (job,) = yaml.safe_load(gitlab.read_text()).values()
        services, env = {service["alias"] for service in job["services"]}, job["variables"]
        commands = job["script"]
        assert job["cache"]["paths"] == [".uv-cache"]
    assert services == {"postgres" if sql else "mongodb"} | ({storage} if storage != "memory" else set())
    for command in ("uv run ruff check .", "uv run ruff format --check .", "uv run mypy", "uv run pytest"):
        assert command in commands
    assert ("DATABASE_URL" if sql else "MONGO_URI") in env
    if storage != "memory":
        variable = "CACHE_URL" if CASES[case]["framework"] == "django" else "RATELIMIT_STORAGE_URI"
        assert env[variable].startswith("redis://" if storage == "redis" else ("pymemcache://", "memcached://"))


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_kubernetes_manifests(project, case):
    k8s = project / "deploy/k8s"
    if not option(case, "kubernetes"):
        assert not (project / "deploy").exists()
        return
    docs = {path.name: list(yaml.safe_load_all(path.read_text())) for path in sorted(k8s.glob("*.yaml"))}
    kinds = {doc["kind"]: doc for manifests in docs.values() for doc in manifests}
    assert set(kinds) >= {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "ConfigMap",
        "Secret",
        "Kustomization",
    }
    deployment = kinds["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    assert kinds["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert set(container["resources"]) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    # The limiter storage every replica shares.
    storage = option(case, "limiter_storage")
    config = kinds["ConfigMap"]["data"]
    variable = "CACHE_URL" if CASES[case]["framework"] == "django" else "RATELIMIT_STORAGE_URI"
    assert re.match(rf"(py)?{storage}://{storage}:\d+", config[variable])
    assert {"configMapRef": {"name": kinds["ConfigMap"]["metadata"]["name"]}} in container["envFrom"]
    # The Secret is a template that kustomize does not apply.
    assert "secret.example.yaml" not in kinds["Kustomization"]["resources"]
    assert set(kinds["Kustomization"]["resources"]) <= set(docs)
    if option(case, "database") == "postgresql":
        job = kinds["Job"]["spec"]["template"]["spec"]
        assert job["containers"][0]["command"][-2:] in (["migrate", "--noinput"], ["db", "upgrade"])
        assert job["restartPolicy"] == "Never"
    else:
        assert "Job" not in kinds


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_makefile_targets_match_the_readme(project, case):
    targets = ["run", "test", "lint", "format", "typecheck", "migrate", "docker-build", "up"]
    readme = (project / "README.md").read_text()
    makefile = (project / "Makefile").read_text()
    for target in targets:
        assert f"`make {target}`" in readme
        assert re.search(rf"^{target}:", makefile, re.MULTILINE)
    if shutil.which("make"):
        for target in targets:
            subprocess.run(["make", "-n", target], cwd=project, check=True, capture_output=True)


@pytest.mark.parametrize("case", cases(list(CASES)))
def test_pre_commit_config_is_offline(project, case):
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "mypy", "end-of-file-fixer", "trailing-whitespace"} <= hooks
    assert "[Makefile]" in (project / ".editorconfig").read_text()


# ---------------------------------------------------------------- each stack's defaults, installed


@pytest.mark.parametrize("case", cases(DEFAULTS))
def test_mypy_passes(installed, case):
    uv_run(installed, "mypy")


@pytest.mark.parametrize("case", cases(DEFAULTS))
def test_pre_commit_changes_nothing(installed, case, tmp_path):
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=installed, check=True)
    subprocess.run(["git", "add", "-A"], cwd=installed, check=True)
    env = {"PATH": f"{UV.parent}{os.pathsep}{os.environ['PATH']}", "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    done = subprocess.run(
        [str(UV), "run", "--no-sync", "pre-commit", "run", "--all-files", "--show-diff-on-failure"],
        cwd=installed,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert subprocess.run(["git", "diff", "--quiet"], cwd=installed).returncode == 0


@pytest.mark.parametrize("case", cases(DEFAULTS))
def test_the_image_command_serves_health(installed, case, tmp_path):
    """The Dockerfile's CMD, with its runtime ENV and production secrets, run in the venv."""
    port = free_port()
    # WEB_CONCURRENCY as compose.yaml and the ConfigMap set it (gunicorn's default counts every CPU).
    env = production_env(installed) | image_env(installed)
    env |= {"PORT": str(port), "LOG_LEVEL": "INFO", "WEB_CONCURRENCY": "2"}
    if "DATABASE_URL" in env:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'image.sqlite3'}"
    env.pop("GUNICORN_BIND", None)
    builder, runtime = dockerfile_stages(installed)
    for run in instruction(builder, "RUN"):
        if "collectstatic" in run:  # the build step, with no secret in its environment
            subprocess.run(["sh", "-c", run], cwd=installed, env=project_env(), check=True, capture_output=True)
    compose = yaml.safe_load((installed / "compose.yaml").read_text())
    if "migrate" in compose["services"]:  # the one-shot migration, as compose runs it
        uv_run(installed, *compose["services"]["migrate"]["command"], **env)
    (cmd,) = instruction(runtime, "CMD")
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(UV), "run", "--no-sync", *json.loads(cmd)],
            cwd=installed,
            env=project_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.TransportError):
                    response = client.get("/health", headers={"Host": "localhost", "X-Request-ID": "ship-check-1"})
                    break
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-4000:]
                time.sleep(0.2)
            assert response.status_code == 200, response.text
            assert response.json() == {"status": "ok"}
            assert response.headers["X-Request-ID"] == "ship-check-1"
            # A proxied request for an unknown path: a warning logged as JSON with the request id.
            client.get("/no-such-page/", headers={"X-Forwarded-Proto": "https", "X-Request-ID": "ship-check-2"})
    finally:
        process.terminate()
        try:
            process.wait(45)  # gunicorn's graceful timeout is 30 s
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == "ship-check-2" for line in lines), log.read_text()[-4000:]
