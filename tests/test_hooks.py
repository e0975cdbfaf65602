"""The post-generation task: secrets written once into a git-ignored .env, never into answers;
the dependencies locked and committed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import TEMPLATE, render


@pytest.mark.parametrize(("stack", "auth"), [("django", "jwt"), ("flask", "jwt"), ("django", "token")])
def test_copy_writes_secrets_once_and_keeps_them_out_of_git(tmp_path, stack, auth):
    project = render(tmp_path / "p", tasks=True, framework=stack, auth=auth)
    env = dict(line.split("=", 1) for line in (project / ".env").read_text().splitlines() if line and line[0] != "#")
    assert len(env["SECRET_KEY"]) >= 50
    assert ("JWT_SECRET_KEY" in env) == (auth == "jwt")
    if auth == "jwt":
        assert len(env["JWT_SECRET_KEY"]) >= 43  # 32+ random bytes, base64url
    assert oct((project / ".env").stat().st_mode & 0o777) == "0o600"
    tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "pyproject.toml" in tracked.split()
    assert ".env" not in tracked.split()
    for secret in env.values():
        for path in project.rglob("*"):
            if path.is_file() and ".git" not in path.parts and path.name != ".env":
                assert secret not in path.read_text(errors="ignore"), path


def test_without_tasks_there_is_no_env_and_no_git(tmp_path):
    project = render(tmp_path / "p")
    assert not (project / ".env").exists()
    assert not (project / ".git").exists()
    assert (project / "pyproject.toml").is_file()


def test_copy_locks_the_dependencies_in_the_first_commit(tmp_path):
    """uv.lock is committed with the project: the README's commands leave the tree clean, so a
    later `copier update` is not refused as dirty."""
    project = render(tmp_path / "p", tasks=True, framework="flask", auth="none")
    tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "uv.lock" in tracked.split()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_without_an_index_the_lock_is_skipped_with_a_warning(tmp_path):
    """No package index: the task warns and says what to run later; the project is still complete."""
    project = render(tmp_path / "p", framework="flask", auth="none")
    offline = {
        **os.environ,
        "UV_DEFAULT_INDEX": "http://127.0.0.1:9/simple",
        "UV_INDEX_URL": "http://127.0.0.1:9/simple",
        "UV_NO_CACHE": "1",
        "UV_HTTP_RETRIES": "0",
    }
    done = subprocess.run(
        [
            sys.executable,
            str(TEMPLATE / "hooks/post_generate.py"),
            "--operation=copy",
            "--auth=none",
            "--git-init=true",
        ],
        cwd=project,
        env=offline,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "warning: `uv lock` failed" in done.stderr and "then commit uv.lock" in done.stderr
    assert not (project / "uv.lock").exists()
    assert (project / ".env").is_file()
    log = subprocess.run(["git", "log", "--oneline"], cwd=project, capture_output=True, text=True, check=True)
    assert "Initial commit" in log.stdout
