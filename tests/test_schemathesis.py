"""schemathesis against each live server's own OpenAPI document: every check, a fixed seed, a
fixed example budget, authenticated with a real token. 0 server errors, 0 schema violations.

NUL characters are left out of generated strings: both stacks refuse them on purpose (PostgreSQL
cannot store them), and test_hostile.py checks that refusal.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SENSOR, record_figure, shared_project
from live import UNTHROTTLED, serve

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
SEED, EXAMPLES = 42, 25


# Flask's other variants: Flask-Restless-NG, and MongoDB on mongomock (one worker, auth=none);
# and each stack's project for a resource with a field of every type.
STACKS = {
    "django": {"framework": "django"},
    "flask": {"framework": "flask"},
    "flask-mongomock": {"framework": "flask", "database": "mongodb", "auth": "none"},
}
VARIANTS = {
    **STACKS,
    "flask-restless": {"framework": "flask", "restless": True},
    **{f"{stack}-sensor": {**answers, **SENSOR} for stack, answers in STACKS.items()},
}


@pytest.mark.parametrize(
    "stack",
    [pytest.param(s, marks=pytest.mark.xdist_group(f"fuzz-{s}")) for s in VARIANTS],
)
def test_schemathesis_finds_nothing(tmp_path, stack, monkeypatch):
    project = shared_project(**VARIANTS[stack])
    workers = {}
    if stack.startswith("flask-mongomock"):
        monkeypatch.setenv("MONGO_URI", "mongomock://localhost/fuzz")
        workers["workers"] = 1
    # No request-line limit: gunicorn's own 414 page (test_hostile.py checks it) is not the app's.
    with serve(project, **workers, **UNTHROTTLED, GUNICORN_CMD_ARGS="--limit-request-line 0") as live:
        auth = live.token()
        done = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                f"{live.base_url}/api/schema/",
                "--url",
                live.base_url,
                "--checks",
                "all",
                "--seed",
                str(SEED),
                "--max-examples",
                str(EXAMPLES),
                "--phases",
                "examples,coverage,fuzzing",
                "--generation-allow-x00",
                "false",
                "--workers",
                "1",
                "--no-color",
                "--request-timeout",
                "10",
                "-H",
                "X-Forwarded-Proto: https",
                *(["-H", f"Authorization: {auth['Authorization']}"] if auth else []),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    summary = re.search(r"(\d+) generated, (.*)", done.stdout)
    record_figure(
        f"schemathesis {stack}: {summary.group(0) if summary else 'no summary'} (seed {SEED}, {EXAMPLES} examples)"
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert summary and int(summary.group(1)) > 100, done.stdout[-3000:]
