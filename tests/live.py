"""Generated projects served by gunicorn on loopback, as production serves them.

`serve()` prepares the database (migrations, one user who may write), then starts the same
gunicorn command line the project documents, with production settings and secrets from the
environment, and yields a client whose every request says it came through an HTTPS proxy
(`X-Forwarded-Proto: https`), as behind a load balancer.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import httpx
from helpers import UV, answers, field_values, locked, project_env, uv_run
from services import free_port

USERNAME, PASSWORD = "contract", "contract-Passw0rd!"
# Rate limits out of the way, for suites that send many requests (test_limits checks them).
UNTHROTTLED = {
    "THROTTLE_ANON_RATE": "100000/minute",
    "THROTTLE_USER_RATE": "100000/minute",
    "RATELIMIT_DEFAULT": "100000 per minute",
    "RATELIMIT_AUTH": "100000 per minute",
}


@dataclass
class Live:
    project: Path
    base_url: str
    answers: dict
    client: httpx.Client = field(repr=False)

    @property
    def stack(self) -> str:
        return self.answers["framework"]

    @property
    def collection(self) -> str:
        return f"/api/v1/{self.answers['resource_plural']}/"

    @functools.cached_property
    def values(self) -> SimpleNamespace:
        """Valid and invalid values of the resource's own fields (helpers.field_values)."""
        return field_values(self.answers["resource_fields"])

    def token(self) -> dict[str, str]:
        """Authorization headers for the chosen auth (empty when auth is none)."""
        auth = self.answers["auth"]
        if auth == "none":
            return {}
        if auth == "basic":
            return {"Authorization": "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()}
        response = self.client.post("/api/v1/auth/token/", json={"username": USERNAME, "password": PASSWORD})
        assert response.status_code == 200, response.text
        body = response.json()
        return {"Authorization": f"Bearer {body['access']}" if auth == "jwt" else f"Token {body['token']}"}


def production_env(project: Path, **extra: str) -> dict[str, str]:
    recorded = answers(project)
    env = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        # A database of its own, outside the project: tests may share one rendered project.
        "DATABASE_URL": f"sqlite:///{Path(tempfile.mkdtemp(prefix='live-')) / 'contract.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    if recorded["framework"] == "django":
        env |= {"DJANGO_SETTINGS_MODULE": "config.settings.production", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    else:
        env |= {"APP_ENV": "production"}
        if recorded["database"] == "mongodb":
            env.pop("DATABASE_URL")
            env["MONGO_URI"] = os.environ["MONGO_URI"]
    return env | extra


def prepare(project: Path, env: dict[str, str]) -> None:
    """Migrate and create the user who may write, with the project's own commands."""
    recorded = answers(project)
    if recorded["framework"] == "django":
        uv_run(project, "python", "manage.py", "migrate", "--noinput", **env)
        with locked(project.parent / f"{project.name}.static.lock"):  # one writer of staticfiles/
            uv_run(project, "python", "manage.py", "collectstatic", "--noinput", "-v0", **env)
        if recorded["auth"] != "none":
            uv_run(
                project,
                "python",
                "manage.py",
                "createsuperuser",
                "--noinput",
                "--email",
                "c@example.com",
                **env,
                DJANGO_SUPERUSER_USERNAME=USERNAME,
                DJANGO_SUPERUSER_PASSWORD=PASSWORD,
            )
        return
    flask = ["flask", "--app", recorded["project_slug"]]
    if recorded["database"] == "postgresql":
        uv_run(project, *flask, "db", "upgrade", **env)
    if recorded["auth"] != "none":
        uv_run(project, *flask, "create-user", USERNAME, "--password", PASSWORD, **env)


@contextlib.contextmanager
def serve(project: Path, workers: int = 2, **extra: str) -> Iterator[Live]:
    env = production_env(project, **extra)
    prepare(project, env)
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="gunicorn-")) / "gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            str(UV),
            "run",
            "--no-sync",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=project,
        env=project_env(**env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base_url, headers={"X-Forwarded-Proto": "https"}, timeout=10)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                if client.get("/health").status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not start:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.2)
        yield Live(project, base_url, answers(project), client)
    finally:
        client.close()
        process.terminate()
        process.wait(15)
        log.close()
