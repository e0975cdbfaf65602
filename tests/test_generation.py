"""Every valid combination of stack options renders a clean project: no Jinja residue, ruff
check and ruff format clean, every Python file compiles, and the answers file records the
choices without a secret."""

from __future__ import annotations

import compileall
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import answers, copier_questions, render, residue

RUFF = Path(sys.executable).with_name("ruff")


def _values(question: str) -> list:
    spec = copier_questions()[question]
    return (
        [True, False]
        if spec["type"] == "bool"
        else [v["value"] if isinstance(v, dict) else v for v in spec["choices"].values()]
    )


def _valid(combo: dict) -> bool:
    """The combinations copier.yml refuses (each refusal is tested in test_validators.py)."""
    return not (
        (combo["framework"] == "django" and combo["database"] == "mongodb")
        or (combo["framework"] == "flask" and combo["auth"] == "token")
        or (combo.get("restless") and combo["database"] != "postgresql")
    )


def combinations() -> list[dict]:
    found = []
    for framework in _values("framework"):
        axes = ["database", "auth", "limiter_storage", "cors"] + (["restless"] if framework == "flask" else [])
        for values in itertools.product(*(_values(axis) for axis in axes)):
            combo = {"framework": framework, **dict(zip(axes, values, strict=True))}
            if _valid(combo):
                found.append(combo)
    return found


COMBINATIONS = combinations()


def _id(combo: dict) -> str:
    return "-".join(str(v) if not isinstance(v, bool) else (k if v else f"no_{k}") for k, v in combo.items())


def test_matrix_size():
    """24 Django and 54 Flask combinations: the refusals remove the rest."""
    stacks = [c["framework"] for c in COMBINATIONS]
    assert (stacks.count("django"), stacks.count("flask")) == (24, 54)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=[_id(c) for c in COMBINATIONS])
def test_renders_clean(tmp_path, combo):
    project = render(tmp_path / "p", **combo)
    assert residue(project) == []
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        done = subprocess.run([str(RUFF), *args], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    assert compileall.compile_dir(str(project), quiet=1, force=True, legacy=True) is not False
    recorded = answers(project)
    assert {k: recorded[k] for k in combo if k in recorded} == {k: v for k, v in combo.items() if k in recorded}
    assert not {"secret_key", "jwt_secret_key", "SECRET_KEY"} & set(recorded)
