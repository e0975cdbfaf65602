"""includes/names.jinja's reserved lists are derived from the template itself: every file or folder
name the template writes, and every Django app label the project installs, is on them."""

from __future__ import annotations

import keyword
import re
from pathlib import Path

import jinja2
import pytest
from helpers import TEMPLATE

CONDITIONAL = re.compile(r"\{%\s*if\b.*?%\}(.*?)\{%\s*endif\s*%\}")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def names_module():
    """The include as copier.yml imports it: without context, so it reads no answer."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE)),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],  # copier's filters
    )
    return env.get_template("includes/names.jinja").module


def generated_names() -> set[str]:
    """Every identifier-shaped file or folder stem under template_*/ (test_x.py counts as x too)."""
    found = set()
    for stack in sorted(TEMPLATE.glob("template_*")):
        for path in stack.rglob("*"):
            for segment in path.relative_to(stack).parts:
                segment = CONDITIONAL.sub(r"\1", segment).removesuffix(".jinja")
                if "{{" in segment or segment.startswith("."):
                    continue  # named by an answer, or a dot-file
                stem = segment.split(".")[0]
                for name in (stem, stem.removeprefix("test_")):
                    if IDENTIFIER.fullmatch(name):
                        found.add(name)
    return found


def installed_app_labels() -> set[str]:
    """The label of every app any branch of the Django settings installs (last dotted part)."""
    settings = (TEMPLATE / "template_django/config/settings/base.py.jinja").read_text()
    block = settings[settings.index("INSTALLED_APPS") :]
    block = block[: block.index("]")]
    return {name.split(".")[-1] for name in re.findall(r'"([a-z_.]+)"', block)}


def test_every_generated_module_name_is_reserved():
    module = names_module()
    missing = sorted(generated_names() - set(module.GENERATED))
    assert missing == [], f"add to GENERATED in includes/names.jinja: {missing}"


def test_every_installed_django_app_label_is_reserved():
    module = names_module()
    labels = installed_app_labels()
    assert {"admin", "auth", "contenttypes", "sessions", "messages", "staticfiles", "token_blacklist"} <= labels
    assert sorted(labels - set(module.APP_LABELS)) == []


def test_keywords_are_pythons():
    assert set(names_module().KEYWORDS) >= {k.lower() for k in keyword.kwlist}


@pytest.mark.parametrize("name", ["item", "book", "order", "sensor_reading", "reading", "category"])
def test_help_examples_are_free(name):
    """The examples the questions' help texts give are never refused."""
    module = names_module()
    assert str(module.resource_error(name)) == ""
    assert str(module.plural_error(str(module.default_plural(name)), name)) == ""


@pytest.mark.parametrize("name", sorted({"Test", "Django", "Flask", "JSON", "Config", "Class", "Core", "", "!!!"}))
def test_default_slug_is_always_valid(name):
    module = names_module()
    assert str(module.slug_error(str(module.default_slug(name)))) == ""


def test_every_reserved_name_gets_a_valid_default_plural():
    """Whatever singular is accepted, its default plural is accepted too (no refused default)."""
    module = names_module()
    reserved = set(module.KEYWORDS) | set(module.STDLIB) | set(module.TAKEN) | set(module.GENERATED)
    reserved |= set(module.APP_LABELS) | set(module.ROUTES)
    singulars = {n[:-1] for n in reserved if n.endswith("s")} | {n[:-2] for n in reserved if n.endswith("es")}
    singulars |= {n[:-3] + "y" for n in reserved if n.endswith("ies")}
    for name in sorted(n for n in singulars if IDENTIFIER.fullmatch(n) and not str(module.resource_error(n))):
        plural = str(module.default_plural(name))
        assert str(module.plural_error(plural, name)) == "", (name, plural)


def test_lists_do_not_depend_on_answers():
    """Imported without context: the module renders with no answer defined (StrictUndefined)."""
    assert Path(TEMPLATE / "includes/names.jinja").is_file()
    names_module()
