"""Every valid combination of stack options renders a clean project: no Jinja residue, ruff
check and ruff format clean, every Python file compiles, and the answers file records the
choices without a secret."""

from __future__ import annotations

import compileall
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import answers, copier_questions, render, residue
from questionnaire import Questionnaire, export_head

RUFF = Path(sys.executable).with_name("ruff")


def _values(question: str) -> list:
    spec = copier_questions()[question]
    return (
        [True, False]
        if spec["type"] == "bool"
        else [v["value"] if isinstance(v, dict) else v for v in spec["choices"].values()]
    )


def combinations() -> list[dict]:
    """Every combination of the stack options, valid or not: copier's questionnaire says which it
    accepts (the `ask` fixture), so this list cannot drift from copier.yml's validators."""
    found = []
    for framework in _values("framework"):
        axes = ["database", "auth", "limiter_storage", "cors"] + (["restless"] if framework == "flask" else [])
        for values in itertools.product(*(_values(axis) for axis in axes)):
            found.append({"framework": framework, **dict(zip(axes, values, strict=True))})
    return found


COMBINATIONS = combinations()


@pytest.fixture(scope="module")
def ask(tmp_path_factory) -> Questionnaire:
    folder = tmp_path_factory.mktemp("questionnaire")
    return Questionnaire(export_head(folder), folder / "never-written")


def _id(combo: dict) -> str:
    return "-".join(str(v) if not isinstance(v, bool) else (k if v else f"no_{k}") for k, v in combo.items())


def test_matrix_size(ask):
    """24 Django and 54 Flask combinations: copier's refusals (Django + MongoDB, DRF tokens on
    Flask, Flask-Restless-NG without PostgreSQL) remove the rest."""
    stacks = [c["framework"] for c in COMBINATIONS if not ask.refusal(c)]
    assert (stacks.count("django"), stacks.count("flask")) == (24, 54)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=[_id(c) for c in COMBINATIONS])
def test_renders_clean(tmp_path, ask, combo):
    """A combination copier accepts renders clean; one it refuses is refused with what to pick."""
    refusal = ask.refusal(combo)
    if refusal:
        assert re.search(r"[Cc]hoose |[Pp]ass |choose auth=", refusal), refusal
        return
    project = render(tmp_path / "p", **combo)
    # Django's own templates (templates/**/*.html) are copied verbatim and speak Django's syntax.
    assert [r for r in residue(project) if not r.startswith("templates/")] == []
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        done = subprocess.run([str(RUFF), *args], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    assert compileall.compile_dir(str(project), quiet=1, force=True, legacy=True) is not False
    recorded = answers(project)
    assert {k: recorded[k] for k in combo if k in recorded} == {k: v for k, v in combo.items() if k in recorded}
    assert not {"secret_key", "jwt_secret_key", "SECRET_KEY"} & set(recorded)
