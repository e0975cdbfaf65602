"""The recommendation copier.yml computes, profile by profile (seed articles' signals).

Each profile is rendered through copier itself, so the questions, includes/decision.jinja and
the ADR are tested together: the recommendation becomes the `framework` default, and the ADR
records the score and every reason.
"""

from __future__ import annotations

import re

import pytest
from helpers import answers, copier_questions, render

# (id, answers, expected recommendation, expected score (django, flask), reason fragments)
PROFILES = [
    (
        "clear-django",
        {
            "architecture": "monolith",
            "interconnected_features": True,
            "needs_admin": True,
            "data_model": "relational",
            "team_style": "opinionated",
            "security_compliance": True,
            "project_size": "large",
            "team_experience": "experienced",
        },
        "django",
        (9, 0),
        ["admin interface", "relational", "Security and compliance", "large project"],
    ),
    (
        "clear-flask",
        {
            "architecture": "microservice",
            "data_model": "document",
            "team_style": "minimal",
            "performance_critical": True,
        },
        "flask",
        (0, 6),
        ["microservice", "Document data", "minimal framework", "high-performance"],
    ),
    ("no-signal-tie", {}, "django", (0, 0), []),
    ("admin-only", {"needs_admin": True}, "django", (2, 0), ["admin interface"]),
    ("mongodb-only", {"data_model": "document"}, "flask", (0, 3), ["Document data"]),
    ("microservice-only", {"architecture": "microservice"}, "flask", (0, 1), ["microservice"]),
    (
        "one-each-tie",
        {"architecture": "microservice", "team_style": "opinionated"},
        "django",
        (1, 1),
        ["microservice", "opinionated"],
    ),
    (
        "mixed-leans-flask",
        {
            "needs_admin": True,
            "architecture": "microservice",
            "team_style": "minimal",
            "performance_critical": True,
            "existing_integration": True,
        },
        "flask",
        (2, 4),
        ["admin interface", "existing systems"],
    ),
    (
        "mongo-but-django-features",
        {
            "data_model": "document",
            "needs_admin": True,
            "security_compliance": True,
            "needs_versioning": True,
            "browsable_api": True,
        },
        "django",
        (5, 3),
        ["Document data", "versioning", "browsable API"],
    ),
    (
        "beginners-small",
        {"team_experience": "beginner", "project_size": "small"},
        "flask",
        (0, 2),
        ["new to Python web", "small project"],
    ),
    (
        "drf-features",
        {"needs_versioning": True, "browsable_api": True},
        "django",
        (2, 0),
        ["versioning", "browsable API"],
    ),
    (
        "control-integration-nonstandard",
        {"architecture_control": True, "existing_integration": True, "nonstandard_requirements": True},
        "flask",
        (0, 3),
        ["Maximum control", "existing systems", "non-standard"],
    ),
    (
        "weighted-tie",
        {"data_model": "document", "needs_admin": True, "security_compliance": True},
        "django",
        (3, 3),
        ["Document data", "admin interface"],
    ),
    (
        "large-experienced",
        {"project_size": "large", "team_experience": "experienced"},
        "django",
        (2, 0),
        ["large project", "experienced team"],
    ),
]


@pytest.mark.parametrize(
    ("profile", "expected", "score", "reasons"), [p[1:] for p in PROFILES], ids=[p[0] for p in PROFILES]
)
def test_recommendation(tmp_path, profile, expected, score, reasons):
    project = render(tmp_path / "p", **profile)
    assert answers(project)["framework"] == expected
    adr = (project / "docs/decisions/0001-web-framework.md").read_text()
    assert f"Score: Django {score[0]}, Flask {score[1]}" in adr
    listed = re.findall(
        r"^- \+(\d) (django|flask): (.+) \((?:DigitalOcean Community|Excella|Django Stars|Apidog)\)$", adr, re.M
    )
    assert "seed" not in adr
    for fragment in reasons:
        assert any(fragment in reason for _, _, reason in listed), (fragment, listed)
    assert sum(int(w) for w, stack, _ in listed if stack == "django") == score[0]
    assert sum(int(w) for w, stack, _ in listed if stack == "flask") == score[1]


def test_override_is_recorded(tmp_path):
    project = render(tmp_path / "p", data_model="document", architecture="microservice", framework="django")
    assert answers(project)["framework"] == "django"
    adr = (project / "docs/decisions/0001-web-framework.md").read_text()
    assert "We use **Django + Django REST Framework**, overriding the recommendation" in adr
    assert "Why: not given when the project was generated" in adr
    # document data, Django chosen: the ADR says what that costs
    assert "Django + MongoDB is not offered, so the project\nuses PostgreSQL" in adr


def test_override_reason_is_asked_only_on_override_and_recorded(tmp_path):
    overridden = render(tmp_path / "o", framework="flask", override_reason="Our other services are Flask.")
    adr = (overridden / "docs/decisions/0001-web-framework.md").read_text()
    assert "Why: Our other services are Flask." in adr
    accepted = render(tmp_path / "a", needs_admin=True, override_reason="ignored")
    assert "override_reason" not in answers(accepted)
    assert "Why:" not in (accepted / "docs/decisions/0001-web-framework.md").read_text()


def test_adr_names_its_sources_by_title_and_publisher(tmp_path):
    adr = (
        render(tmp_path / "p", needs_admin=True, needs_versioning=True) / "docs/decisions/0001-web-framework.md"
    ).read_text()
    assert '- DigitalOcean Community: "Django vs Flask: Which Python Framework for API Development to Choose"' in adr
    assert '- Excella: "Creating a RESTful API: Django REST Framework vs. Flask"' in adr
    assert "My API: A REST API generated by api-crossroads. Django + DRF and Flask" in adr
    assert "(A REST API" not in adr


@pytest.mark.parametrize("stack", ["django", "flask"])
def test_unguided_user_skips_the_decision_questions(tmp_path, stack):
    project = render(tmp_path / "p", guided=False, framework=stack)
    recorded = answers(project)
    assert recorded["framework"] == stack
    decision_questions = [q for q, spec in copier_questions().items() if spec.get("when") == "{{ guided }}"]
    assert "with {{ QUESTIONS | length }} quick questions" in copier_questions()["guided"]["help"]
    assert not set(decision_questions) & set(recorded), "skipped questions must not be recorded"
    adr = (project / "docs/decisions/0001-web-framework.md").read_text()
    assert "The stack was chosen directly" in adr and "skipped the\ndecision questions" in adr


def test_every_signal_names_a_real_question_and_answer():
    """includes/decision.jinja's SIGNALS refer only to questions and choice values that exist."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(render.__globals__["TEMPLATE"])))
    module = env.get_template("includes/decision.jinja").make_module({q: None for q in copier_questions()})
    questions = copier_questions()
    asked = set()
    for signal in module.SIGNALS:
        spec = questions[signal["q"]]
        asked.add(signal["q"])
        if spec["type"] == "bool":
            assert signal["is"] is True
        else:
            assert signal["is"] in spec["choices"].values(), signal
    assert asked == {q for q, spec in questions.items() if spec.get("when") == "{{ guided }}"}
    assert set(module.QUESTIONS) == asked  # the guided question's help counts QUESTIONS
