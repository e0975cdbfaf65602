"""Every refusal copier.yml can give: the answer is refused, the message says what to do, and
nothing is written."""

from __future__ import annotations

import subprocess
import sys

import jinja2
import pytest
from helpers import TEMPLATE, render

REFUSALS = [
    # (id, answers, a fragment of the message: the fix it names)
    ("name-empty", {"project_name": "  "}, 'type one such as "Orders API"'),
    ("name-too-long", {"project_name": "x" * 81, "project_slug": "x"}, "80 characters or fewer"),
    ("name-quote", {"project_name": 'My "API"', "project_slug": "my_api"}, "cannot contain double quotes"),
    ("name-del", {"project_name": "My\x7fAPI", "project_slug": "my_api"}, "control characters"),
    ("name-newline", {"project_name": "My API\n", "project_slug": "my_api"}, "newlines"),
    ("slug-invalid", {"project_slug": "My-API"}, 'for example "my_api"'),
    ("slug-digit", {"project_slug": "2fast"}, "starting with a letter"),
    ("slug-newline", {"project_slug": "my_api\n"}, "is not a valid lowercase Python package name"),
    ("slug-too-long", {"project_slug": "a" * 41}, "40 characters or fewer"),
    ("slug-stdlib", {"project_slug": "json"}, 'shadow the standard library module of that name: type "json_api"'),
    ("slug-stdlib-email", {"project_slug": "email"}, "standard library"),
    ("slug-django", {"project_slug": "django"}, 'shadow a package the project imports: type "django_api"'),
    ("slug-flask", {"project_slug": "flask"}, 'type "flask_api"'),
    ("slug-test", {"project_slug": "test"}, 'type "test_api" instead'),
    ("slug-config", {"project_slug": "config"}, "a module or folder the template writes itself"),
    (
        "slug-keyword",
        {"project_slug": "lambda"},
        'is a Python keyword, so it cannot be a package name: type "lambda_api"',
    ),
    ("description-long", {"project_description": "d" * 201}, "200 characters or fewer"),
    ("description-newline", {"project_description": "two\nlines"}, "newlines"),
    ("description-del", {"project_description": "a\x7fb"}, "control characters"),
    ("description-tab", {"project_description": "a\tb"}, "tabs"),
    ("description-c1", {"project_description": "a\x85b"}, "control characters"),
    ("description-line-separator", {"project_description": "a\u2028b"}, "control characters"),
    ("author-empty", {"author_name": ""}, "cannot be empty"),
    ("author-angle", {"author_name": "<script>"}, "cannot contain angle brackets"),
    ("author-del", {"author_name": "Ada\x7f"}, "control characters"),
    ("email", {"author_email": "not-an-email"}, 'type one such as "team@example.com"'),
    ("email-no-tld", {"author_email": "me@localhost"}, "is not an e-mail address"),
    ("email-newline", {"author_email": "me@example.com\n"}, "is not an e-mail address"),
    ("resource-invalid", {"resource_name": "Book"}, 'for example "book"'),
    ("resource-newline", {"resource_name": "book\n"}, "is not a valid resource name"),
    ("resource-empty", {"resource_name": "", "resource_plural": "things"}, "is not a valid resource name"),
    ("resource-too-long", {"resource_name": "r" * 31}, "30 characters or fewer"),
    ("resource-reserved", {"resource_name": "user"}, "choose a name for your domain object instead"),
    ("resource-stdlib", {"resource_name": "queue"}, "standard library"),
    ("resource-keyword", {"resource_name": "class"}, "is a Python keyword"),
    ("resource-double-underscore", {"resource_name": "sensor__reading"}, 'for example "sensor_reading"'),
    ("plural-same", {"resource_name": "sheep", "resource_plural": "sheep"}, 'for example "sheep_items"'),
    ("plural-invalid", {"resource_plural": "Items!"}, 'for example "items"'),
    ("plural-newline", {"resource_plural": "items\n"}, "is not a valid plural"),
    ("plural-too-long", {"resource_plural": "p" * 41}, "40 characters or fewer"),
    ("plural-reserved", {"resource_plural": "users"}, 'choose another plural, such as "item_items"'),
    ("plural-keyword-class", {"resource_plural": "class"}, "is a Python keyword"),
    ("plural-keyword-lambda", {"resource_plural": "lambda"}, "is a Python keyword"),
    ("plural-django-errors", {"resource_plural": "errors"}, "a module or folder the template writes itself"),
    ("plural-django-project", {"resource_plural": "project"}, "a module or folder the template writes itself"),
    ("plural-django-throttling", {"resource_plural": "throttling"}, "a module or folder the template writes itself"),
    ("plural-flask-openapi", {"framework": "flask", "resource_plural": "openapi"}, "the template writes itself"),
    ("plural-flask-cli", {"framework": "flask", "resource_plural": "cli"}, "the template writes itself"),
    ("plural-flask-cors", {"framework": "flask", "resource_plural": "cors"}, "the template writes itself"),
    ("plural-flask-rate-limit", {"framework": "flask", "resource_plural": "rate_limit"}, "the template writes itself"),
    ("plural-app-sessions", {"resource_plural": "sessions"}, "the label of a Django app"),
    ("plural-app-contenttypes", {"resource_plural": "contenttypes"}, "the label of a Django app"),
    ("plural-app-messages", {"resource_plural": "messages"}, "the label of a Django app"),
    ("plural-app-staticfiles", {"resource_plural": "staticfiles"}, "the label of a Django app"),
    ("plural-app-token-blacklist", {"resource_plural": "token_blacklist"}, "the label of a Django app"),
    (
        "django-mongodb",
        {"framework": "django", "database": "mongodb"},
        "Choose database=postgresql, or framework=flask",
    ),
    ("flask-token", {"framework": "flask", "auth": "token"}, "choose auth=jwt or auth=basic with Flask"),
    (
        "restless-mongodb",
        {"framework": "flask", "database": "mongodb", "restless": True},
        "needs database=postgresql. Pass restless=false to keep MongoDB",
    ),
    ("kubernetes-memory", {"kubernetes": True}, "Choose limiter_storage=redis or limiter_storage=memcached"),
    ("override-reason-newline", {"framework": "flask", "override_reason": "one\ntwo"}, "newlines"),
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
        {"project_name": "Sensor Readings", "resource_name": "sensor_reading"},
        {"project_name": "Sensor Readings", "resource_name": "sensor_reading", "framework": "flask"},
        {"framework": "flask", "limiter_storage": "redis", "kubernetes": True},
    ],
    ids=[
        "unicode-name",
        "spaces",
        "snake-resource",
        "plural-es",
        "flask-mongodb",
        "flask-restless",
        "help-example-django",
        "help-example-flask",
        "kubernetes-redis",
    ],
)
def test_unusual_but_valid_answers_render(tmp_path, data):
    project = render(tmp_path / "p", **data)
    assert (project / "pyproject.toml").is_file()
    assert (project / "README.md").is_file()


@pytest.mark.parametrize(
    ("data", "slug", "plural"),
    [
        ({"project_name": "Café Orders 2", "resource_name": "box"}, "caf_orders_2", "boxes"),
        ({"project_name": "Test"}, "test_api", "items"),
        ({"project_name": "Django"}, "django_api", "items"),
        ({"project_name": "Class"}, "class_api", "items"),
        ({"project_name": "42"}, "my_api", "items"),
        ({"project_name": "Sensor Readings", "resource_name": "sensor_reading"}, "sensor_readings", "sensor_readings"),
        ({"resource_name": "category"}, "my_api", "categories"),
        ({"resource_name": "log"}, "my_api", "log_items"),
        ({"resource_name": "a"}, "my_api", "a_items"),
    ],
    ids=[
        "unicode",
        "test",
        "django",
        "keyword",
        "digits",
        "help-example",
        "y-plural",
        "generated-plural",
        "keyword-plural",
    ],
)
def test_derived_defaults_are_valid(tmp_path, data, slug, plural):
    """A default is validated before its prompt is shown: each is valid for every earlier answer."""
    from helpers import answers

    recorded = answers(render(tmp_path / "p", **data))
    assert (recorded["project_slug"], recorded["resource_plural"]) == (slug, plural)


def test_stdlib_list_is_complete():
    """includes/names.jinja knows every stdlib module of the Python running the suite."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE)), extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"]
    )
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
