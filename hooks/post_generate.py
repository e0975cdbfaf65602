"""Post-generation task, run by copier `_tasks` in the new project (stdlib only).

It does only what a template cannot: write secrets, and lock the dependencies. On `copier copy` it
writes a git-ignored `.env` holding a fresh SECRET_KEY (and JWT_SECRET_KEY when JWT is chosen),
runs `uv lock` (so the first `uv run` resolves nothing and leaves the tree clean, which
`copier update` needs), then optionally runs `git init` and makes a first commit holding
`uv.lock`. Without a package index, or without uv, the lock is skipped with a warning that says
what to run later; the project is complete either way. It never runs on `copier update` (copier.yml's `when`
checks `_copier_operation`, and this script checks again), and it never overwrites an existing
`.env`, so secrets are generated exactly once. The project is complete without it: settings fall
back to a random per-process secret in development and tests, and refuse to start in
production without them.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ENV_HEADER = """\
# Secrets generated once by api-crossroads when this project was created.
# This file is git-ignored: never commit it. See .env.example for every other setting.
"""


def secret_lines(auth: str) -> list[str]:
    lines = [f"SECRET_KEY={secrets.token_urlsafe(50)}"]
    if auth == "jwt":
        # HS256 wants a key at least as long as its 32-byte digest: 48 random bytes here.
        lines.append(f"JWT_SECRET_KEY={secrets.token_urlsafe(48)}")
    return lines


def write_env(project: Path, auth: str) -> bool:
    env = project / ".env"
    if env.exists():
        return False
    env.write_text(ENV_HEADER + "\n".join(secret_lines(auth)) + "\n")
    env.chmod(0o600)
    return True


def lock(project: Path, timeout: float = 180) -> tuple[bool, str]:
    """`uv lock` in the project: (locked, what happened). Never downloads a Python build."""
    uv = shutil.which("uv")
    if uv is None:
        return False, "uv is not on PATH: run `uv lock` in the project, then commit uv.lock"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
    env.pop("VIRTUAL_ENV", None)
    try:
        done = subprocess.run([uv, "lock", "--quiet"], cwd=project, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"`uv lock` took over {timeout:.0f} s (is the package index reachable?): run it later, then commit uv.lock"
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1].strip()
        return False, f"`uv lock` failed ({reason}): run it once the package index is reachable, then commit uv.lock"
    return True, "locked the dependencies in uv.lock"


def git_init(project: Path, author: str, email: str) -> str:
    """Make the project a git repository with one commit; say what happened."""
    if shutil.which("git") is None:
        return "git is not installed: skipped `git init`"
    inside = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=project, capture_output=True)
    if inside.returncode == 0:
        return "already inside a git repository: left it alone"
    identity = ["-c", f"user.name={author}", "-c", f"user.email={email}"]
    steps = [
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", "reset", "--quiet", "--", ".env"],  # secrets stay out of history, ignored or not
        ["git", *identity, "commit", "--quiet", "--no-verify", "-m", "Initial commit from api-crossroads"],
    ]
    for step in steps:
        done = subprocess.run(step, cwd=project, capture_output=True, text=True)
        if done.returncode != 0:
            return f"`{' '.join(step[:2])}` failed ({done.stderr.strip()}): finish it by hand"
    return "initialised a git repository with a first commit"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operation", required=True)
    parser.add_argument("--auth", required=True)
    parser.add_argument("--git-init", choices=["true", "false"], default="false")
    parser.add_argument("--lock", choices=["true", "false"], default="true")
    parser.add_argument("--author", default="api-crossroads")
    parser.add_argument("--email", default="api-crossroads@example.com")
    args = parser.parse_args(argv)
    if args.operation != "copy":
        return 0
    project = Path.cwd()
    if write_env(project, args.auth):
        print("api-crossroads: wrote .env with fresh secrets (git-ignored; never commit it)")
    else:
        print("api-crossroads: .env already exists: left it untouched")
    if args.lock == "true":
        locked, said = lock(project)
        print(f"api-crossroads: {said}" if locked else f"api-crossroads: warning: {said}", file=sys.stdout if locked else sys.stderr)
    if args.git_init == "true":
        print(f"api-crossroads: {git_init(project, args.author, args.email)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
