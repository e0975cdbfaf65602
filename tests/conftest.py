"""Fixtures of the template's test suite: loopback servers, shared by every test of a worker."""

from __future__ import annotations

from collections.abc import Iterator

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
