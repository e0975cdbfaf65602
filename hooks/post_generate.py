"""Post-generation task, run by copier `_tasks` in the new project (stdlib only).

It does only what a template must not: write secrets. On `copier copy` it writes a git-ignored
`.env` holding a fresh SECRET_KEY (and JWT_SECRET_KEY when JWT is chosen), then optionally runs
`git init` and makes a first commit. It never runs on `copier update` (copier.yml's `when`
checks `_copier_operation`, and this script checks again), and it never overwrites an existing
`.env`, so secrets are generated exactly once. The project is complete without it: settings fall
back to a random per-process secret in development and tests, and refuse to start in
production without them.
"""

from __future__ import annotations

import argparse
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
    if args.git_init == "true":
        print(f"api-crossroads: {git_init(project, args.author, args.email)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
