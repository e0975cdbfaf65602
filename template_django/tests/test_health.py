"""Probes: /health (liveness, no backing service) and /ready (database and cache)."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_health_touches_no_database(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_database_and_cache_answer(api_client):
    response = api_client.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_not_ready_without_the_database(api_client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("unreachable")):
        response = api_client.get("/ready")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "error", "cache": "ok"},
    }


@pytest.mark.django_db
def test_not_ready_without_the_cache(api_client):
    with mock.patch.object(cache, "set", side_effect=ConnectionError("unreachable")):
        response = api_client.get("/ready")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "error"}


def test_probes_refuse_other_methods(api_client):
    response = api_client.post("/health")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
