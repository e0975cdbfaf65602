"""Every refusal copier.yml can give: the answer is refused, the message says what to do, and
nothing is written."""

from __future__ import annotations

import subprocess
import sys

import jinja2
import pytest
from helpers import TEMPLATE, render

REFUSALS = [
    # (id, answers, a fragment of the message)
    ("name-empty", {"project_name": "  "}, 'type a short title such as "Orders API"'),
    ("name-too-long", {"project_name": "x" * 81, "project_slug": "x"}, "80 characters or fewer"),
    ("name-quote", {"project_name": 'My "API"', "project_slug": "my_api"}, "cannot contain double quotes"),
    ("slug-invalid", {"project_slug": "My-API"}, 'for example "my_api_api"'),
    ("slug-digit", {"project_slug": "2fast"}, "starting with a letter"),
    ("slug-too-long", {"project_slug": "a" * 41}, "40 characters or fewer"),
    ("slug-stdlib", {"project_slug": "json"}, 'shadow the standard library module of that name: type "json_api"'),
    ("slug-stdlib-email", {"project_slug": "email"}, "standard library"),
    (
        "slug-django",
        {"project_slug": "django"},
        'shadow a package the project imports (or a folder it creates): type "django_api"',
    ),
    ("slug-flask", {"project_slug": "flask"}, 'type "flask_api"'),
    ("slug-test", {"project_slug": "test"}, "shadow"),
    ("slug-config", {"project_slug": "config"}, "folder it creates"),
    ("slug-keyword", {"project_slug": "lambda"}, "is a Python keyword"),
    ("description-long", {"project_description": "d" * 201}, "200 characters or fewer"),
    ("description-newline", {"project_description": "two\nlines"}, "newlines"),
    ("author-empty", {"author_name": ""}, "cannot be empty"),
    ("author-angle", {"author_name": "<script>"}, "without quotes, angle brackets"),
    ("email", {"author_email": "not-an-email"}, 'type one such as "team@example.com"'),
    ("email-no-tld", {"author_email": "me@localhost"}, "is not an e-mail address"),
    ("resource-invalid", {"resource_name": "Book"}, 'for example "book"'),
    ("resource-empty", {"resource_name": "", "resource_plural": "things"}, "is not a valid resource name"),
    ("resource-too-long", {"resource_name": "r" * 31}, "30 characters or fewer"),
    ("resource-reserved", {"resource_name": "user"}, "used by the project itself"),
    ("resource-stdlib", {"resource_name": "queue"}, "used by the project itself"),
    ("plural-same", {"resource_name": "sheep", "resource_plural": "sheep"}, "must differ from the singular"),
    ("plural-invalid", {"resource_plural": "Items!"}, 'for example "books"'),
    ("plural-reserved", {"resource_plural": "users"}, "choose another plural"),
    ("plural-is-slug", {"project_slug": "orders", "resource_name": "order"}, "the package name"),
    (
        "django-mongodb",
        {"framework": "django", "database": "mongodb"},
        "Choose database=postgresql, or framework=flask",
    ),
    ("flask-token", {"framework": "flask", "auth": "token"}, "choose auth=jwt or auth=basic with Flask"),
    (
        "restless-mongodb",
        {"framework": "flask", "database": "mongodb", "restless": True},
        "needs database=postgresql. Answer no here to keep MongoDB",
    ),
    ("framework-unknown", {"framework": "rails"}, "'rails' is not in ['django', 'flask']"),
    ("python-unsupported", {"python_version": "3.9"}, "'3.9' is not in ['3.11', '3.12', '3.13']"),
]


@pytest.mark.parametrize(("data", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refused_with_a_message_that_says_what_to_do(tmp_path, data, message):
    destination = tmp_path / "p"
    with pytest.raises(ValueError) as refused:
        render(destination, **data)
    assert message in str(refused.value)
    assert not destination.exists() or not any(destination.iterdir()), "a refused answer wrote files"


@pytest.mark.parametrize(
    "data",
    [
        {"project_name": "Café Ünïcode API"},
        {"project_name": "  Spaces   everywhere  "},
        {"project_name": "API", "resource_name": "sensor_reading"},
        {"resource_name": "box"},
        {"framework": "flask", "database": "mongodb", "restless": False},
        {"framework": "flask", "restless": True},
    ],
    ids=["unicode-name", "spaces", "snake-resource", "plural-es", "flask-mongodb", "flask-restless"],
)
def test_unusual_but_valid_answers_render(tmp_path, data):
    project = render(tmp_path / "p", **data)
    assert (project / "pyproject.toml").is_file()
    assert (project / "README.md").is_file()


def test_derived_defaults(tmp_path):
    from helpers import answers

    recorded = answers(render(tmp_path / "p", project_name="Café Orders 2", resource_name="box"))
    assert recorded["project_slug"] == "caf_orders_2"
    assert recorded["resource_plural"] == "boxes"


def test_stdlib_list_is_complete():
    """includes/names.jinja knows every stdlib module of the Python running the suite."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE)))
    known = set(env.get_template("includes/names.jinja").module.STDLIB)
    public = {name for name in sys.stdlib_module_names if not name.startswith("_")}
    assert public <= known, sorted(public - known)


def test_cli_refuses_an_unknown_framework_cleanly(tmp_path):
    """`copier copy --data framework=rails` exits non-zero with copier's choice error."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--skip-tasks",
            "--vcs-ref=HEAD",
            "--data",
            "framework=rails",
            str(TEMPLATE),
            str(tmp_path / "p"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Invalid choice for 'framework': 'rails' is not in ['django', 'flask']" in done.stderr
    assert "includes/" not in done.stderr and "hooks/" not in done.stderr
    assert not (tmp_path / "p").exists()


def test_a_relative_template_path_is_refused_at_copy(tmp_path):
    """copier update reads _src_path back later: a relative one would not resolve, so copy refuses it."""
    subprocess.run(["git", "clone", "--quiet", str(TEMPLATE), str(tmp_path / "tpl")], check=True)
    subprocess.run(["cp", str(TEMPLATE / "copier.yml"), str(tmp_path / "tpl")], check=True)
    done = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--skip-tasks", "--vcs-ref=HEAD", "./tpl", "p"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert 'given as the relative path "./tpl"' in done.stderr and "realpath" in done.stderr
    assert not (tmp_path / "p").exists()
