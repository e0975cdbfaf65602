"""Property: whatever a person types, every default copier offers afterwards is valid.

Copier validates a default before it shows the prompt, so a default that its own validator
refuses ends the questionnaire with a traceback and loses every answer. Hypothesis draws project
names, resource names and option answers; copier's own questionnaire (the Worker that `copier
copy` runs, stopped before it writes a file) answers the rest with defaults. An answer set may be
refused only for an answer that was given, never for a default, and the refusal names its fix;
a sample of the accepted sets is rendered, with no Jinja left and every Python file compiling.
"""

from __future__ import annotations

import compileall
import re
import time
from pathlib import Path

import copier
import pytest
from helpers import choices, record_figure, residue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from questionnaire import Questionnaire, export_head

EXAMPLES = 500  # answer sets per run (issue 16: at least 500)
RENDER_EVERY = 80  # of the accepted sets, one in this many is rendered and checked in full
REFUSAL = re.compile(r"(?:Validation error for question|Invalid choice for) '(\w+)'")
# A refusal names what to do: an example to type, an option to pass, or what to choose.
FIX = re.compile(r'for example "|type "|such as "|Choose |choose |Pass |pass |Keep |use lowercase|is not in \[')

NAMES = st.one_of(
    st.sampled_from(["My API", "Test", "Django", "Flask", "Sensor Readings", "JSON", "Class", "42", "Café Ünïcode"]),
    st.text(
        alphabet=st.characters(categories=("L", "N", "Zs", "Pd", "Po", "S"), exclude_characters='"\\'),
        min_size=1,
        max_size=80,
    ).filter(str.strip),
)
RESOURCES = st.one_of(
    st.sampled_from(["item", "book", "order", "sensor_reading", "category", "box", "log", "a", "i", "o", "type"]),
    st.sampled_from(["message", "session", "error", "setting", "model", "view", "status", "class", "user"]),
    st.from_regex(r"\A[a-z][a-z0-9]{0,9}(_[a-z][a-z0-9]{0,8}){0,2}\Z"),
)


def _option(question: str) -> st.SearchStrategy:
    return st.sampled_from(list(choices(question).values()))


OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "guided": st.booleans(),
        "data_model": _option("data_model"),
        "architecture": _option("architecture"),
        "needs_admin": st.booleans(),
        "performance_critical": st.booleans(),
        "framework": _option("framework"),
        "database": _option("database"),
        "auth": _option("auth"),
        "limiter_storage": _option("limiter_storage"),
        "kubernetes": st.booleans(),
        "restless": st.booleans(),
        "cors": st.booleans(),
        "ci_provider": _option("ci_provider"),
        "python_version": _option("python_version"),
    },
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    return export_head(tmp_path_factory.mktemp("exported"))


def test_defaults_are_valid_for_every_earlier_answer(exported, tmp_path):
    seen = {"sets": 0, "refused": 0, "rendered": 0}
    questionnaire = Questionnaire(exported, tmp_path / "never-written")
    started, cpu = time.perf_counter(), time.process_time()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(name=NAMES, resource=RESOURCES, options=OPTIONS)
    def check(name: str, resource: str, options: dict) -> None:
        data = {"project_name": name, "resource_name": resource, **options}
        seen["sets"] += 1
        try:
            answers = questionnaire(data)
        except ValueError as refused:
            seen["refused"] += 1
            message = str(refused)
            question = REFUSAL.search(message)
            assert question, f"a refusal copier did not attribute: {message}"
            assert question.group(1) in data, f"a default was refused ({data}): {message}"
            assert FIX.search(message), f"a refusal that names no fix: {message}"
            return
        assert answers["project_slug"] and answers["resource_plural"] != answers["resource_name"]
        assert not (tmp_path / "never-written").exists()
        if (seen["sets"] - seen["refused"]) % RENDER_EVERY == 1:  # a sample is rendered in full
            seen["rendered"] += 1
            project = tmp_path / f"rendered-{seen['rendered']}"
            copier.run_copy(str(exported), str(project), data=data, defaults=True, skip_tasks=True, quiet=True)
            assert [r for r in residue(project) if not r.startswith("templates/")] == []
            assert compileall.compile_dir(str(project), quiet=1, force=True, legacy=True)

    check()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    record_figure(
        f"property: {seen['sets']} answer sets through copier's questionnaire, {seen['refused']} refused for a given "
        f"answer, 0 for a default, {seen['rendered']} rendered in full; {wall:.1f} s wall, {cpu:.1f} s CPU"
    )
    assert seen["sets"] >= EXAMPLES
