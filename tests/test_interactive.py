"""`copier copy` driven through a pseudo-terminal, as a person would answer it.

The driver waits for each question's text on the screen, then types like a person: a word and
Enter for text, y or n for yes/no, arrow keys and Enter for a choice. It checks what the screen
shows: the recommendation and its reasons, and only the follow-up questions that apply.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pexpect
import pytest
from helpers import TEMPLATE, answers, choices, copier_questions, install, run_own_tests

COPIER = str(Path(sys.executable).with_name("copier"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DOWN, UP = "\x1b[B", "\x1b[A"
# What to wait for where a question's help is rendered from the answers.
PROBES = {
    "guided": "quick questions?",
    "framework": "Press Enter to accept it",
    "override_reason": "over the recommendation: in one line, why?",
}


class Terminal:
    def __init__(self, destination: Path):
        self.questions = copier_questions()
        self.child = pexpect.spawn(
            COPIER,
            ["copy", "--skip-tasks", "--vcs-ref=HEAD", str(TEMPLATE), str(destination)],
            encoding="utf-8",
            timeout=30,
            dimensions=(60, 220),
            env={"PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": str(destination.parent)},
        )
        self.screen = ""
        self.asked: list[str] = []

    def _wait(self, question: str) -> None:
        help_text = self.questions[question]["help"]
        probe = PROBES.get(question) or help_text.split("(")[0].strip()[:40]
        self.child.expect(re.escape(probe))
        self.screen += ANSI.sub("", self.child.before + self.child.after)
        self.asked.append(question)

    def text(self, question: str, value: str | None = None) -> None:
        self._wait(question)
        self.child.send("\x15" + value + "\r" if value is not None else "\r")  # Ctrl-U clears the default

    def yes_no(self, question: str, value: bool) -> None:
        self._wait(question)
        self.child.send("y" if value else "n")

    def choose(self, question: str, value: str, default: str) -> None:
        self._wait(question)
        labels = choices(question)
        values, last_label = list(labels.values()), list(labels)[-1]
        self.child.expect(re.escape(last_label))  # the whole list is drawn
        self.screen += ANSI.sub("", self.child.before + self.child.after)
        steps = values.index(value) - values.index(default)
        self.child.send((DOWN if steps > 0 else UP) * abs(steps) + "\r")

    def finish(self) -> str:
        self.child.expect(pexpect.EOF, timeout=120)
        self.screen += ANSI.sub("", self.child.before)
        self.child.close()
        assert self.child.exitstatus == 0, self.screen[-3000:]
        return self.screen


def _project_questions(term: Terminal, resource: str, name: str = "Sensor Hub", guided: bool = True) -> None:
    term.text("project_name", name)
    term.text("project_slug")
    term.text("project_description")
    term.text("author_name", "Ada Lovelace")
    term.text("author_email", "ada@example.com")
    term.choose("python_version", "3.12", "3.12")
    term.text("resource_name", resource)
    term.text("resource_plural")
    term.text("resource_fields")
    term.yes_no("guided", guided)


def _decision(term: Terminal, profile: dict) -> None:
    for question, spec in term.questions.items():
        if spec.get("when") != "{{ guided }}":
            continue
        default = spec["default"]
        if spec["type"] == "bool":
            term.yes_no(question, profile.get(question, default))
        else:
            term.choose(question, profile.get(question, default), default)


def test_flask_profile_accepts_the_recommendation(tmp_path):
    term = Terminal(tmp_path / "hub")
    _project_questions(term, "reading")
    _decision(
        term,
        {
            "architecture": "microservice",
            "data_model": "document",
            "team_style": "minimal",
            "performance_critical": True,
        },
    )
    term.choose("framework", "flask", "flask")  # Enter: accept the recommendation
    screen = term.screen
    assert "Recommendation: Flask (Django 0 points, Flask 6)" in screen
    assert "+3 flask: Document data (MongoDB)" in screen
    assert "+1 flask: A microservice or lightweight API" in screen
    term.choose("database", "mongodb", "mongodb")  # the document-data answer made MongoDB the default
    term.choose("auth", "jwt", "jwt")
    term.choose("limiter_storage", "memory", "memory")
    term.choose("kubernetes", False, False)  # restless is not asked: Flask-Restless-NG needs PostgreSQL
    term.choose("ci_provider", "github", "github")
    term.yes_no("git_init", False)
    term.yes_no("cors", True)
    screen = term.finish()
    assert "Flask-Restless-NG" not in screen, "restless was asked with MongoDB"
    assert "Next steps" in screen and "uv run pytest" in screen
    recorded = answers(tmp_path / "hub")
    assert (recorded["framework"], recorded["database"], recorded["resource_plural"]) == (
        "flask",
        "mongodb",
        "readings",
    )
    install(tmp_path / "hub")
    run_own_tests(tmp_path / "hub")


def test_django_profile_overridden_to_flask(tmp_path):
    term = Terminal(tmp_path / "hub")
    _project_questions(term, "reading")
    _decision(
        term,
        {
            "architecture": "monolith",
            "needs_admin": True,
            "data_model": "relational",
            "security_compliance": True,
            "project_size": "large",
        },
    )
    term.choose("framework", "flask", "django")  # arrow down to Flask: override
    assert "Recommendation: Django + DRF (Django 6 points, Flask 0)" in term.screen
    assert "+2 django: An admin interface is needed" in term.screen
    term.text("override_reason", "Our other services are Flask")  # asked only on an override
    term.choose("database", "postgresql", "postgresql")
    term.choose("auth", "jwt", "jwt")
    term.choose("limiter_storage", "memory", "memory")
    term.yes_no("restless", False)  # a Flask-only question: asked because Flask was chosen
    term.choose("kubernetes", False, False)
    term.choose("ci_provider", "gitlab", "github")
    term.yes_no("git_init", False)
    term.yes_no("cors", False)
    term.finish()
    recorded = answers(tmp_path / "hub")
    assert recorded["framework"] == "flask"
    adr = (tmp_path / "hub/docs/decisions/0001-web-framework.md").read_text()
    assert "overriding the recommendation" in adr and "Our other services are Flask" in adr


@pytest.mark.parametrize("guided", [False])
def test_unguided_user_sees_no_decision_question(tmp_path, guided):
    term = Terminal(tmp_path / "svc")
    _project_questions(term, "order", name="Plain Service", guided=guided)
    term.child.expect("Framework")
    term.screen += ANSI.sub("", term.child.before + term.child.after)
    term.child.send("\r")
    term.choose("database", "postgresql", "postgresql")
    term.choose("auth", "jwt", "jwt")
    term.choose("limiter_storage", "memory", "memory")
    term.choose("kubernetes", False, False)
    term.choose("ci_provider", "none", "github")
    term.yes_no("git_init", False)
    term.yes_no("cors", True)
    screen = term.finish()
    for question, spec in term.questions.items():
        if spec.get("when") == "{{ guided }}":
            assert spec["help"].split("(")[0].strip()[:40] not in screen, question
    assert "Flask-Restless-NG" not in screen, "a Flask-only question was asked for Django"
    assert answers(tmp_path / "svc")["framework"] == "django"


def test_help_example_names_and_kubernetes_yes_with_in_memory_limits(tmp_path):
    """The help's own example (project "Sensor Readings", resource sensor_reading) is accepted with
    its defaults, and "yes" to Kubernetes cannot be picked while rate limits are in memory."""
    term = Terminal(tmp_path / "readings")
    # The default plural, sensor_readings, equals the package name: allowed.
    _project_questions(term, "sensor_reading", name="Sensor Readings", guided=False)
    term.child.expect("Framework")
    term.child.send("\r")
    term.choose("database", "postgresql", "postgresql")
    term.choose("auth", "jwt", "jwt")
    term.choose("limiter_storage", "memory", "memory")
    term._wait("kubernetes")
    term.child.expect("Kubernetes runs several replicas")  # the Yes choice is shown disabled, with why
    term.screen += ANSI.sub("", term.child.before + term.child.after)
    term.child.send("y" + DOWN + "\r")  # try yes, then the arrow: the cursor cannot land on it
    term.choose("ci_provider", "none", "github")
    term.yes_no("git_init", False)
    term.yes_no("cors", True)
    screen = term.finish()
    assert "Traceback" not in screen and "Validation error" not in screen
    recorded = answers(tmp_path / "readings")
    assert (recorded["project_slug"], recorded["resource_plural"]) == ("sensor_readings", "sensor_readings")
    assert recorded["kubernetes"] is False
    assert not (tmp_path / "readings/deploy").exists()
