"""The benchmark's smoke mode runs end to end, levers included, so bench/ never rots (figures:
bench/results/)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from helpers import TEMPLATE, record_figure
from services import missing


@pytest.mark.xdist_group("bench")
def test_bench_quick_mode_prints_the_table(tmp_path):
    if not shutil.which("wrk"):
        missing("wrk")
    done = subprocess.run(
        [sys.executable, str(TEMPLATE / "bench/run.py"), "--quick", "--levers", "--out", str(tmp_path)],
        cwd=TEMPLATE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    table = (tmp_path / "results.md").read_text()
    for row in ("django | `/health`", "django | `/api/v1/items/`", "flask | `/health`", "flask | `/api/v1/items/`"):
        assert row in table, table
    assert "2 / 2" in table, "query counts per list page must not grow with the page size"
    levers = sorted(p.stem for p in (TEMPLATE / "bench/levers/django").glob("*.py"))
    for lever in levers:
        assert f"| django | `/api/v1/items/` | {lever} |" in table, f"lever {lever} not measured"
    assert "Jinja compiles per copy" in table
    for line in table.split("Levers:")[0].splitlines():
        if line.startswith(("| django | `", "| flask | `")):
            record_figure(f"bench --quick: {line}")
