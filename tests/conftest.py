"""Fixtures of the template's test suite: loopback servers, shared by every test of a worker."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator

import helpers
import pytest
import services


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory):
    """A clone of the template with its history and release tags (recreated from releases.toml
    when the clone fetched none), uncommitted changes committed on top: every commit a project
    records (`_commit`) exists, so `copier update` and `make resource` can find it."""
    template = helpers.TEMPLATE
    clone = tmp_path_factory.mktemp("template") / "api-crossroads"
    helpers.git(template.parent, "clone", "--quiet", "--no-local", str(template), str(clone))
    for release in tomllib.loads((template / "releases.toml").read_text())["release"]:
        if not helpers.git(clone, "tag", "--list", release["tag"]).strip():
            helpers.git(clone, "tag", release["tag"], release["commit"])
    # Changed against HEAD, staged or not (deletions and renames too), and new files.
    changed = helpers.git(template, "diff", "HEAD", "--name-only", "--no-renames", "-z").split("\0")
    changed += helpers.git(template, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, changed):
        target = clone / name
        if (template / name).exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(template / name, target)
        elif target.exists():
            target.unlink()
    if helpers.git(clone, "status", "--porcelain").strip():
        helpers.git(clone, "add", "--all")
        helpers.git(clone, "commit", "--quiet", "-m", "the working tree under test")
    return clone


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with services.postgres() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with services.redis() as url:
        yield url


@pytest.fixture(scope="session")
def memcached_address() -> Iterator[str]:
    with services.memcached() as address:
        yield address


@pytest.fixture
def storage_address(request):
    """host:port of the loopback server for a rate-limit storage ("" for memory), started on first use."""

    def address(storage: str) -> str:
        if storage == "memory":
            return ""
        if storage == "redis":
            return request.getfixturevalue("redis_url").removeprefix("redis://")
        return request.getfixturevalue("memcached_address")

    return address


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-xdist (3.8) groups `xdist_group` tests by an "@group" suffix it writes to
    `item._nodeid`, which pytest 9.2 no longer reads (a node id lives in `item._id`): without this
    every mark is ignored, tests are dealt out one by one, and both workers start their own copy
    of a module's servers. Moves the suffix to where pytest reads it; a no-op where it already is."""
    for item in items:
        suffixed = vars(item).get("_nodeid")
        if suffixed and suffixed != item.nodeid and hasattr(item, "_id"):
            item._id = copy.copy(item._id)
            object.__setattr__(item._id, "_str_cache", suffixed)  # its str(); path, names and params kept


def pytest_configure(config):
    """One figures file and one cache of rendered projects (helpers.shared_project) per run: the
    controller names them, and tells its xdist workers."""
    if hasattr(config, "workerinput"):
        os.environ["API_CROSSROADS_FIGURES"] = config.workerinput["figures"]
        os.environ["API_CROSSROADS_PROJECTS"] = config.workerinput["projects"]
    else:
        path = helpers.TEMPLATE / "test-results" / f"figures-{os.getpid()}.txt"
        path.unlink(missing_ok=True)
        os.environ["API_CROSSROADS_FIGURES"] = str(path)
        os.environ["API_CROSSROADS_PROJECTS"] = tempfile.mkdtemp(prefix="api-crossroads-projects-")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["figures"] = os.environ["API_CROSSROADS_FIGURES"]
    node.workerinput["projects"] = os.environ["API_CROSSROADS_PROJECTS"]


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ["API_CROSSROADS_PROJECTS"], ignore_errors=True)


def pytest_terminal_summary(terminalreporter):
    if hasattr(terminalreporter.config, "workerinput"):
        return
    figures = helpers.figures_file()
    if figures.exists():
        terminalreporter.section("figures measured in this run")
        lines = figures.read_text().splitlines()
        cache = Counter(line.split()[1] for line in lines if line.startswith("cache: "))
        if cache:
            terminalreporter.write_line(
                f"shared projects: {cache['rendered']} distinct projects rendered, {cache['installed']} installed, "
                f"{cache['used']} uses (each rendered and installed once per run)"
            )
        for line in sorted(line for line in lines if not line.startswith("cache: ")):
            terminalreporter.write_line(line)
        figures.unlink()
