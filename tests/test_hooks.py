"""The post-generation task: secrets written once into a git-ignored .env, never into answers."""

from __future__ import annotations

import subprocess

import pytest
from helpers import render


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
