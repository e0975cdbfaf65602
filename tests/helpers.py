"""Shared helpers for the template's own tests: render, install and run generated projects."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import copier
import yaml
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).with_name("uv")
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
# What running a project writes (its venv, collected static files, caches), not the template.
RUNTIME_FOLDERS = {".venv", "staticfiles", "instance", ".pytest_cache", ".mypy_cache", ".ruff_cache", "__pycache__"}
# Jinja left in a rendered file: an expression, a statement or a comment opener.
RESIDUE = re.compile(r"\{\{|\{%|\{#|\.jinja\b")


def copier_questions() -> dict[str, Any]:
    """The questions of copier.yml (settings, whose keys start with "_", left out)."""
    data = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def git(cwd: Path, *args: str) -> str:
    """A git command in `cwd` as a test user; fails the test with git's message."""
    done = subprocess.run(
        ["git", "-c", "user.name=Test User", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def render(dst: Path, tasks: bool = False, **data: Any) -> Path:
    """Generate a project from this checkout with defaults plus `data` (tasks only if asked)."""
    copier.run_copy(
        str(TEMPLATE),
        str(dst),
        data=data,
        defaults=True,
        unsafe=tasks,
        skip_tasks=not tasks,
        quiet=True,
        vcs_ref="HEAD",
    )
    return dst


@contextlib.contextmanager
def locked(path: Path):
    """An exclusive lock on `path` held across xdist workers (and released if a test dies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def projects_root() -> Path:
    """This run's cache of rendered projects: named by the controlling pytest process, shared by its workers."""
    return Path(os.environ.get("API_CROSSROADS_PROJECTS", TEMPLATE / "test-results" / "projects"))


def _static_defaults() -> dict[str, Any]:
    """Answers whose default is a constant, not a Jinja expression."""
    return {
        name: spec["default"]
        for name, spec in copier_questions().items()
        if "default" in spec and not (isinstance(spec["default"], str) and "{" in spec["default"])
    }


STATIC_DEFAULTS = _static_defaults()
# A resource unlike the default one, with a field of every type (some optional): the contract,
# schemathesis and hostile suites serve it on each stack too.
SENSOR = {
    "resource_name": "sensor_reading",
    "resource_fields": "sensor:str, value:decimal, reading:float?, count:int, unit:choice(c|f), taken_at:datetime, "
    "taken_on:date?, active:bool, contact:email?, link:url?, serial:uuid?, notes:text?",
}


def shared_project(installed: bool = True, **data: Any) -> Path:
    """The project for these answers, rendered (and installed) once per run, whichever test or
    worker asks first; every later request with the same answers reuses it.

    Tests may run it, serve it and run its tests, but must not edit its files: a test that
    changes a project renders its own with `render`.
    """
    data = {k: v for k, v in data.items() if STATIC_DEFAULTS.get(k, object()) != v}  # one key per project
    key = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
    root = projects_root()
    path = root / key / "project"
    with locked(root / f"{key}.lock"):
        if not (root / key / "rendered").exists():
            render(path, **data)
            (root / key / "rendered").write_text(json.dumps(data, sort_keys=True, default=str))
            record_figure(f"cache: rendered {key}")
        if installed and not (root / key / "installed").exists():
            install(path)
            (root / key / "installed").touch()
            record_figure(f"cache: installed {key}")
    record_figure(f"cache: used {key}")
    return path


def choices(question: str) -> dict[str, Any]:
    """A choice question's {label: value}, whichever form copier.yml writes it in."""
    spec = copier_questions()[question]["choices"]
    if isinstance(spec, list):
        return {str(v): v for v in spec}
    return {label: v["value"] if isinstance(v, dict) else v for label, v in spec.items()}


def answers(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


@functools.cache
def fields_macro(name: str, argument: str = "spec"):
    """A macro of includes/fields.jinja, run as copier runs it: sandboxed, strict, with the
    filters copier adds (regex_search, from_json, ...)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATE),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    template = env.from_string(f"{{% from 'includes/fields.jinja' import {name} %}}{{{{ {name}({argument}) }}}}")
    return template.render


def parse_fields(spec: str) -> list[dict[str, Any]]:
    """A `resource_fields` spec parsed as copier.yml parses it into its `fields` answer."""
    return json.loads(fields_macro("parse")(spec=spec))


def field_values(spec: str) -> SimpleNamespace:
    """What a project's own tests send and expect of its resource's fields, for its spec (FULL,
    OTHER, MINIMAL, REQUIRED, DEFAULTS, INVALID, FILTERS, BAD_FILTERS, NEEDLES, ORDERED, SCHEMAS,
    ...: see includes/fields.jinja's test_values); `fields` is the parsed spec."""
    fields = parse_fields(spec)
    values: dict[str, Any] = {"Any": Any}
    exec(fields_macro("test_values", "fields, human")(fields=fields, human="one"), values)
    return SimpleNamespace(fields=fields, **{name: value for name, value in values.items() if name.isupper()})


def residue(project: Path) -> list[str]:
    """Files (and lines) of a rendered project that still hold Jinja syntax."""
    found = []
    for path in sorted(project.rglob("*")):
        if RUNTIME_FOLDERS & set(path.parts) or not path.is_file():
            continue
        if path.name.endswith(".jinja"):
            found.append(str(path.relative_to(project)))
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if RESIDUE.search(line):
                found.append(f"{path.relative_to(project)}:{number}: {line.strip()}")
    return found


@functools.cache
def python_for(version: str) -> str:
    """An interpreter of `version` on this machine (PATH first, then pyenv's versions)."""
    candidates = [shutil.which(f"python{version}") or ""]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "-c", "import sys; print(sys.version)"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.startswith(version):
            return candidate
    raise LookupError(f"no Python {version} on this machine")


def project_env(**extra: str) -> dict[str, str]:
    """The environment a generated project runs in: ours, minus our venv, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL"}}
    env.update(UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


def run(cmd: list[str], cwd: Path, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `cmd` in a generated project; fail the test with its output when it fails."""
    done = subprocess.run(cmd, cwd=cwd, env=project_env(**env), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} failed in {cwd} ({done.returncode}):\n{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
        )
    return done


def install(project: Path) -> None:
    """Install a project into its own fresh .venv from its own pyproject.toml only."""
    version = (project / ".python-version").read_text().strip()
    run([str(UV), "sync", "--python", python_for(version), "--quiet"], project)


def storage_env(stack: str, storage: str, address: str = "") -> dict[str, str]:
    """The variable that points a project's rate-limit storage (Django: its cache) at `storage`:
    memory, or the redis / memcached server at `address` (host:port)."""
    if stack == "django":
        urls = {"redis": f"redis://{address}/0", "memcached": f"pymemcache://{address}", "memory": "locmemcache://"}
        return {"CACHE_URL": urls[storage]}
    urls = {"redis": f"redis://{address}", "memcached": f"memcached://{address}", "memory": "memory://"}
    return {"RATELIMIT_STORAGE_URI": urls[storage]}


def run_own_tests(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The generated project's own test suite, which must pass (and not merely run)."""
    done = uv_run(project, "pytest", "-q", "-p", "no:cacheprovider", **env)
    assert " passed" in done.stdout and " failed" not in done.stdout, done.stdout[-3000:]
    return done


def uv_run(project: Path, *args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
    return run([str(UV), "run", "--no-sync", *args], project, timeout=timeout, **env)


def figures_file() -> Path:
    """This run's figures file: named by the controlling pytest process, inherited by xdist workers."""
    return Path(os.environ.get("API_CROSSROADS_FIGURES", TEMPLATE / "test-results" / "figures.txt"))


def record_figure(line: str) -> None:
    """Keep a measured figure for the run's closing summary (xdist workers append to one file)."""
    path = figures_file()
    path.parent.mkdir(exist_ok=True)
    with path.open("a") as figures:
        figures.write(line.rstrip() + "\n")
