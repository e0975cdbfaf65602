"""A pairwise-covering set of option combinations, per stack, run for real.

Every pair of option values (Python version included) appears in at least one project. Each
project is installed into its own fresh venv from its own pyproject.toml (uv's cache makes that
cheap), passes ruff, and runs its own test suite; a project that keeps its rate-limit counters in
Redis or Memcached runs against a real server started on loopback.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from helpers import PYTHON_VERSIONS, run_own_tests, shared_project, storage_env, uv_run
from questionnaire import Questionnaire, export_head
from test_generation import COMBINATIONS


def accepted(combos: list[dict]) -> list[dict]:
    """The combinations copier's own questionnaire accepts (about 5 s at collection)."""
    folder = Path(tempfile.mkdtemp(prefix="matrix-"))
    ask = Questionnaire(export_head(folder), folder / "never-written")
    try:
        return [combo for combo in combos if not ask.refusal(combo)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


VALID = accepted(COMBINATIONS)


def pairwise(combos: list[dict]) -> list[dict]:
    """Greedy all-pairs: pick combinations until every value pair of every two axes is covered."""

    def pairs(combo: dict) -> set:
        items = sorted(combo.items())
        return {(a, b) for a, b in itertools.combinations(items, 2)}

    uncovered = set().union(*(pairs(c) for c in combos))
    chosen = []
    while uncovered:
        best = max(combos, key=lambda c: len(pairs(c) & uncovered))
        chosen.append(best)
        uncovered -= pairs(best)
    return chosen


def matrix(stack: str) -> list[dict]:
    combos = [
        {**combo, "python_version": version}
        for combo in VALID
        if combo["framework"] == stack
        for version in PYTHON_VERSIONS
    ]
    return pairwise(combos)


MATRIX = matrix("django") + matrix("flask")


def _id(combo: dict) -> str:
    return "-".join(
        str(v) if not isinstance(v, bool) else (k if v else f"no_{k}") for k, v in combo.items() if k != "framework"
    ).join([combo["framework"] + "-", ""])


def test_pairwise_set_covers_every_pair():
    for stack in ("django", "flask"):
        combos = [c for c in MATRIX if c["framework"] == stack]
        everything = [{**c, "python_version": v} for c in VALID if c["framework"] == stack for v in PYTHON_VERSIONS]
        needed = {p for c in everything for p in itertools.combinations(sorted(c.items()), 2)}
        covered = {p for c in combos for p in itertools.combinations(sorted(c.items()), 2)}
        assert needed == covered
        assert len(combos) < len(everything) / 4, "pairwise should be far smaller than the full product"


@pytest.fixture
def server_env(request, storage_address) -> dict[str, str]:
    """Points the project's rate-limit storage at a real server when it uses one."""
    combo = request.node.callspec.params["combo"]
    storage = combo["limiter_storage"]
    return {} if storage == "memory" else storage_env(combo["framework"], storage, storage_address(storage))


@pytest.mark.services
@pytest.mark.parametrize("combo", MATRIX, ids=[_id(c) for c in MATRIX])
def test_combination_passes_its_own_tests(combo, server_env):
    project = shared_project(**combo)
    uv_run(project, "ruff", "check", ".")
    uv_run(project, "ruff", "format", "--check", ".")
    if combo["framework"] == "django":
        uv_run(project, "python", "manage.py", "makemigrations", "--check", "--dry-run")
    run_own_tests(project, **server_env)
