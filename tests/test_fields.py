"""`resource_fields`: the spec's checks and parse (includes/fields.jinja, run in copier's own Jinja
setup), fixed specs that cover every type on Django, and random valid specs (hypothesis) that
always render, and for a sample per run pass their own tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import answers, fields_macro, install, parse_fields, render, residue, shared_project, uv_run
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from services import fresh_database

TYPES = ["str", "text", "int", "decimal", "float", "bool", "date", "datetime", "email", "url", "uuid"]
# Every type, required and optional, a one-choice list, long names (ruff's 100 columns).
EVERY_TYPE = ", ".join(
    [f"{t}_value:{t}" for t in TYPES]
    + [f"optional_{t}:{t}?" for t in TYPES]
    + ["status:choice(draft|published|retired)", "kind:choice(only)", "colour:choice(red|green-ish|Blue_1)?"]
    + [
        "a_field_name_that_is_forty_characters_xy:decimal?",
        "another_long_field_name_of_forty_chars_z:choice(a_choice_that_is_thirty_chars_|b)",
    ]
)


def check(spec: str) -> str:
    return fields_macro("check")(spec=spec).strip()


# ------------------------------------------------------------------ the checks, one by one
REFUSALS = [
    ("", "List at least one field"),
    ("   ", "List at least one field"),
    ("title", '"title" has no type'),
    ("title:str,", "empty entry"),
    ("title:str,, pages:int", "empty entry"),
    ("Title:str", 'Field name "Title"'),
    ("2nd:str", 'Field name "2nd"'),
    ("my-title:str", 'Field name "my-title"'),
    ("a__b:int", 'Field name "a__b" cannot contain "__"'),
    ("total_:int", 'Field name "total_" cannot contain "__" or end with "_"'),
    ("x" * 41 + ":str", "longer than 40 characters"),
    ("class:str", '"class" is a Python keyword'),
    ("title:str, title:int", 'Field "title" is listed twice'),
    ("title:string", 'the unknown type "string"'),
    ("title:", 'the unknown type ""'),
    ("title:str??", 'the unknown type "str?"'),
    ("status:choice()", '"status" has an empty choice list'),
    ("status:choice(a|)", '"status" has an empty choice list, or an empty choice'),
    ("status:choice(a|b|a)", '"status" lists a choice twice'),
    ("status:choice(a b)", 'the choice "a b" is not valid'),
    ("status:choice(1st)", 'the choice "1st" is not valid'),
    ("status:choice(" + "x" * 31 + ")", "at most 30 characters"),
    ("status:choice(a|b", 'write its choices as choice(a|b|c), not "choice(a|b"'),
] + [
    (f"{name}:str", f'Field name "{name}" is reserved')
    for name in ["id", "pk", "created_at", "updated_at", "objects", "ordering", "search", "page", "page_size", "format"]
]


@pytest.mark.parametrize(("spec", "message"), REFUSALS, ids=[r[0][:30] or "empty" for r in REFUSALS])
def test_a_bad_spec_is_refused_naming_the_bad_part(spec, message):
    assert message in check(spec)


def test_copier_refuses_a_bad_spec_before_writing_anything(tmp_path):
    with pytest.raises(ValueError, match='unknown type "strng"'):
        render(tmp_path / "p", resource_fields="title:strng")
    assert not (tmp_path / "p").exists() or not any((tmp_path / "p").iterdir())


def test_the_default_spec_parses_to_the_resource_of_before():
    default = "name:str, description:text?, is_active:bool"
    assert check(default) == ""
    fields = {f["name"]: f for f in parse_fields(default)}
    assert list(fields) == ["name", "description", "is_active"]
    name = fields["name"]
    assert (name["required"], name["sortable"], name["lookups"]) == (True, True, ["exact"])
    assert (fields["description"]["default"], fields["description"]["searchable"]) == ("", True)
    assert (fields["is_active"]["default"], fields["is_active"]["label"]) == (True, "active")


def test_optional_marks_and_choice_defaults():
    fields = {f["name"]: f for f in parse_fields("a:bool?, b:int?, c:choice(x|y), d:email?, e:date")}
    assert fields["a"]["default"] is False and not fields["a"]["nullable"]
    assert fields["b"]["default"] is None and fields["b"]["nullable"]
    assert (fields["c"]["choices"], fields["c"]["default"], fields["c"]["required"]) == (["x", "y"], "x", False)
    assert fields["d"]["default"] == "" and not fields["d"]["nullable"]
    assert fields["e"]["required"] and fields["e"]["lookups"] == ["exact", "gte", "lte"]


def test_readme_fragments_say_what_the_list_takes():
    default = parse_fields("name:str, description:text?, is_active:bool")
    assert fields_macro("query_parameters", "fields")(fields=default) == (
        "`?search=` (name and description), `?name=`, `?is_active=true|false` and "
        "`?ordering=` (`id`, `name`, `created_at`, `updated_at`)"
    )
    rows = fields_macro("field_rows", "fields")(fields=parse_fields("status:choice(a|b), price:decimal?")).splitlines()
    assert rows[0].startswith("| `status` | choice(a\\|b) | ") and rows[0].endswith('optional, default `"a"` |')
    assert rows[1].endswith("optional, default `null` |")


# ------------------------------------------------------------------ random specs
RESERVED = {"id", "pk", "created_at", "updated_at", "search", "ordering", "page", "page_size", "format"}
names = st.from_regex(r"[a-z][a-z0-9]{0,7}(_[a-z0-9]{1,5}){0,2}", fullmatch=True).filter(
    lambda n: not check(f"{n}:str")
)
choice_lists = st.lists(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,9}", fullmatch=True), min_size=1, max_size=4, unique=True
)


@st.composite
def specs(draw) -> tuple[str, list[tuple[str, str, bool, list[str]]]]:
    """A valid spec, written with random spacing, and what it should parse to."""
    chosen = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    fields = []
    for name in chosen:
        kind = draw(st.sampled_from([*TYPES, "choice"]))
        fields.append((name, kind, draw(st.booleans()), draw(choice_lists) if kind == "choice" else []))
    space = st.sampled_from(["", " ", "  "])
    parts = [
        f"{draw(space)}{name}{draw(space)}:{draw(space)}"
        + (f"choice({'|'.join(choices)})" if kind == "choice" else kind)
        + (f"{draw(space)}?" if optional else "")
        for name, kind, optional, choices in fields
    ]
    return ",".join(parts), fields


@settings(max_examples=150, deadline=None)
@given(specs())
def test_every_valid_spec_is_accepted_and_parsed_back(case):
    spec, expected = case
    assert check(spec) == "", spec
    parsed = [(f["name"], f["type"], f["optional"], f["choices"]) for f in parse_fields(spec)]
    assert parsed == expected


@settings(max_examples=100, deadline=None)
@given(specs(), st.sampled_from(sorted(RESERVED)), st.sampled_from(["strng", "integer", "choice", "list"]))
def test_one_bad_part_is_refused_and_named(case, reserved, unknown):
    spec, fields = case
    name = fields[0][0]
    assert f'"{name}" is listed twice' in check(f"{spec}, {name}:int")
    assert f'"{reserved}" is reserved' in check(f"{spec}, {reserved}:int")
    assert f'"{unknown}"' in check(f"{spec}, zz_{name}:{unknown}")


def assert_green(path: Path, plural: str, typecheck: bool = False) -> None:
    """The resource's files rendered clean and lint-clean, Django's checks clean, and the
    resource's own tests and the project's schema tests green."""
    app = f"{answers(path)['project_slug']}/{plural}"
    assert [line for line in residue(path) if line.startswith((f"{app}/", "tests/"))] == []
    mine = [app, f"tests/test_{plural}.py"]  # the files the spec shapes; the rest is test_matrix's
    uv_run(path, "ruff", "check", *mine)
    uv_run(path, "ruff", "format", "--check", *mine)
    if typecheck:
        uv_run(path, "mypy", *mine)
    uv_run(path, "python", "manage.py", "check", "--fail-level", "WARNING")
    uv_run(path, "python", "manage.py", "makemigrations", "--check", "--dry-run")
    done = uv_run(path, "pytest", "-q", "-p", "no:cacheprovider", f"tests/test_{plural}.py", "tests/test_project.py")
    assert re.search(r"\d+ passed", done.stdout) and " failed" not in done.stdout, done.stdout[-3000:]


@pytest.mark.xdist_group("fields-django")
def test_every_type_on_django_passes_its_own_tests():
    path = shared_project(framework="django", resource_name="book", resource_fields=EVERY_TYPE)
    assert_green(path, "books", typecheck=True)


@pytest.mark.services
@pytest.mark.parametrize(
    "framework",
    [pytest.param(stack, marks=pytest.mark.xdist_group(f"fields-{stack}")) for stack in ("django", "flask")],
)
def test_every_type_passes_its_own_tests_on_postgresql(postgres_url, framework):
    """PostgreSQL's types, integer range, collation and case rules: the same tests, green."""
    path = shared_project(framework=framework, resource_name="book", resource_fields=EVERY_TYPE)
    database = fresh_database(postgres_url, f"fields_{framework}")
    done = uv_run(path, "pytest", "-q", "-p", "no:cacheprovider", "tests/test_books.py", DATABASE_URL=database)
    assert " passed" in done.stdout and " failed" not in done.stdout, done.stdout[-3000:]


@pytest.mark.xdist_group("fields-django")
@settings(
    max_examples=2, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
)
@given(specs())
def test_a_random_spec_renders_a_green_django_project(tmp_path_factory, case):
    """Two random specs a run (no shrinking: each example is a project); the spec is printed."""
    spec, _ = case
    note(f"resource_fields={spec!r}")
    path = render(tmp_path_factory.mktemp("fields") / "project", framework="django", resource_fields=spec)
    install(path)
    assert_green(path, "items")


def assert_flask_green(path: Path, typecheck: bool = False) -> None:
    """A Flask project rendered clean, lint-clean (and type-clean if asked), its migration matching
    its model, and its whole suite green."""
    assert residue(path) == []
    uv_run(path, "ruff", "check", ".")
    uv_run(path, "ruff", "format", "--check", ".")
    if typecheck:
        uv_run(path, "mypy")
    done = uv_run(path, "pytest", "-q", "-p", "no:cacheprovider")
    assert re.search(r"\d+ passed", done.stdout) and " failed" not in done.stdout, done.stdout[-3000:]


@pytest.mark.xdist_group("fields-flask")
@pytest.mark.parametrize("database", ["postgresql", "mongodb"])
def test_every_type_on_flask_passes_its_own_tests(database):
    """Flask (SQLAlchemy on SQLite, or MongoDB on mongomock): the resource's files lint- and
    type-clean, its migration matching its model, and the project's whole suite green."""
    path = shared_project(framework="flask", database=database, resource_name="book", resource_fields=EVERY_TYPE)
    assert_flask_green(path, typecheck=True)


@pytest.mark.parametrize(
    "database",
    [pytest.param(db, marks=pytest.mark.xdist_group(f"fields-flask-{db}-random")) for db in ("postgresql", "mongodb")],
)
@settings(
    max_examples=1, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
)
@given(case=specs())
def test_a_random_spec_renders_a_green_flask_project(tmp_path_factory, database, case):
    """One random spec a run per database (SQLAlchemy on SQLite, MongoDB on mongomock); the spec is printed."""
    spec, _ = case
    note(f"resource_fields={spec!r}")
    path = render(
        tmp_path_factory.mktemp("fields") / "project", framework="flask", database=database, resource_fields=spec
    )
    install(path)
    assert_flask_green(path)
