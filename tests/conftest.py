"""Fixtures of the template's test suite: loopback servers, shared by every test of a worker."""

from __future__ import annotations

from collections.abc import Iterator

import helpers
import pytest
import services


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


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        helpers.FIGURES.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter):
    if helpers.FIGURES.exists():
        terminalreporter.section("figures measured in this run")
        for line in sorted(helpers.FIGURES.read_text().splitlines()):
            terminalreporter.write_line(line)
