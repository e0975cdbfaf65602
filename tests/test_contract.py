"""One black-box HTTP suite, run against gunicorn serving each stack's default project.

Both stacks pass the same tests: the contract is docs/http-contract.md. The Flask-Restless-NG
variant serves JSON:API: test_contract_restless.py checks it, and where it differs.
"""

from __future__ import annotations

import json
import os
from unittest import mock

import httpx
import pytest
from helpers import install, render
from live import serve

VARIANTS = [
    pytest.param({"framework": "django"}, marks=pytest.mark.xdist_group("contract-django"), id="django"),
    pytest.param({"framework": "flask"}, marks=pytest.mark.xdist_group("contract-flask"), id="flask"),
    # mongomock lives inside one process, so a served MongoDB project needs a real server.
    pytest.param(
        {"framework": "flask", "database": "mongodb"},
        marks=[
            pytest.mark.xdist_group("contract-flask-mongo"),
            pytest.mark.skipif(not os.environ.get("MONGO_URI"), reason="needs a real MongoDB: set MONGO_URI"),
        ],
        id="flask-mongodb",
    ),
    # Without a server: mongomock in gunicorn's one worker, and auth=none (no user to create).
    pytest.param(
        {"framework": "flask", "database": "mongodb", "auth": "none"},
        marks=pytest.mark.xdist_group("contract-flask-mongomock"),
        id="flask-mongomock",
    ),
]
MONGOMOCK = {"MONGO_URI": "mongomock://localhost/contract"}


@pytest.fixture(scope="module", params=VARIANTS)
def live(request, tmp_path_factory):
    project = render(tmp_path_factory.mktemp("contract") / "project", **request.param)
    install(project)
    if request.param.get("auth") == "none" and request.param.get("database") == "mongodb":
        with mock.patch.dict(os.environ, MONGOMOCK), serve(project, workers=1) as server:
            yield server
        return
    with serve(project) as server:
        yield server


def error(response, status: int, code: str | None = None) -> dict:
    """The contract's one error shape, as JSON, never HTML."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert body["status"] == status and isinstance(body["detail"], str), body
    if code:
        assert body["code"] == code, body
    return body


def create(live, auth, **fields):
    response = live.client.post(live.collection, json={"name": "thing", **fields}, headers=auth)
    assert response.status_code == 201, response.text
    return response


@pytest.fixture(scope="module")
def auth(live):
    return live.token()


def test_health_touches_nothing(live):
    response = live.client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_reports_its_checks(live):
    response = live.client.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()["checks"].values()) == {"ok"}


def test_anonymous_write_is_401(live):
    if live.answers["auth"] == "none":
        pytest.skip("auth=none: writes are open")
    error(live.client.post(live.collection, json={"name": "x"}), 401, "not_authenticated")


def test_crud_round_trip(live, auth):
    created = create(live, auth, description="first", is_active=False)
    item = created.json()
    assert created.headers["location"].rstrip("/").endswith(str(item["id"]))
    assert item["name"] == "thing" and item["description"] == "first" and item["is_active"] is False
    assert item["created_at"] and item["updated_at"]
    url = f"{live.collection}{item['id']}/"
    assert live.client.get(url).json() == item
    put = live.client.put(url, json={"name": "renamed", "description": "", "is_active": True}, headers=auth)
    assert put.status_code == 200 and put.json()["name"] == "renamed"
    patch = live.client.patch(url, json={"description": "patched"}, headers=auth)
    assert patch.status_code == 200 and patch.json()["description"] == "patched"
    assert patch.json()["name"] == "renamed"
    deleted = live.client.delete(url, headers=auth)
    assert deleted.status_code == 204 and deleted.content == b""
    error(live.client.get(url), 404, "not_found")


def test_validation_errors_name_the_field(live, auth):
    body = error(live.client.post(live.collection, json={"description": "no name"}, headers=auth), 400, "invalid")
    assert body["errors"]["name"]
    body = error(live.client.post(live.collection, json={"name": "  "}, headers=auth), 400, "invalid")
    assert body["errors"]["name"]
    body = error(live.client.post(live.collection, json={"name": "x" * 201}, headers=auth), 400, "invalid")
    assert body["errors"]["name"]
    body = error(live.client.post(live.collection, json={"name": "ok", "colour": "red"}, headers=auth), 400)
    assert "colour" in json.dumps(body["errors"])
    for flag in ("maybe", 1, "true"):
        body = error(live.client.post(live.collection, json={"name": "ok", "is_active": flag}, headers=auth), 400)
        assert body["errors"]["is_active"]


def test_body_that_is_not_an_object(live, auth):
    for payload in ([1, 2], "text", 42):
        body = error(live.client.post(live.collection, json=payload, headers=auth), 400)
        assert body["code"] in {"invalid", "parse_error"}


def test_malformed_json_is_400(live, auth):
    headers = {**auth, "Content-Type": "application/json"}
    error(live.client.post(live.collection, content=b'{"name": ', headers=headers), 400, "parse_error")


def test_wrong_content_type_is_415(live, auth):
    headers = {**auth, "Content-Type": "text/plain"}
    error(live.client.post(live.collection, content=b"name=x", headers=headers), 415, "unsupported_media_type")


def test_oversized_body_is_413(live, auth):
    big = json.dumps({"name": "x", "description": "y" * (2 * 1024 * 1024)})
    headers = {**auth, "Content-Type": "application/json"}
    error(live.client.post(live.collection, content=big, headers=headers), 413, "payload_too_large")


def test_pagination_filters_search_ordering(live, auth):
    for i in range(25):
        create(live, auth, name=f"paged-{i:02d}", description="needle" if i % 5 == 0 else "hay", is_active=i % 2 == 0)
    page = live.client.get(live.collection, params={"page_size": 10, "search": "paged-"}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 25 and len(page["results"]) == 10 and page["previous"] is None
    assert "page=2" in page["next"]
    assert page["next"].startswith("https://"), "links follow the proxy's scheme (X-Forwarded-Proto)"
    second = live.client.get(httpx.URL(page["next"]).raw_path.decode()).json()
    assert second["previous"] is not None and len(second["results"]) == 10
    capped = live.client.get(live.collection, params={"page_size": 100000}).json()
    assert len(capped["results"]) <= 100
    body = error(live.client.get(live.collection, params={"page_size": "lots"}), 400, "invalid")
    assert body["errors"]["page_size"]
    error(live.client.get(live.collection, params={"page": 9999}), 404, "not_found")
    error(live.client.get(live.collection, params={"page": "first"}), 404, "not_found")
    needles = live.client.get(live.collection, params={"search": "NEEDLE"}).json()
    assert needles["count"] == 5
    active = live.client.get(live.collection, params={"search": "paged-", "is_active": "false"}).json()
    assert active["count"] == 12 and all(not r["is_active"] for r in active["results"])
    exact = live.client.get(live.collection, params={"name": "paged-07"}).json()
    assert [r["name"] for r in exact["results"]] == ["paged-07"]
    ordered = live.client.get(live.collection, params={"search": "paged-", "ordering": "-name", "page_size": 3}).json()
    assert [r["name"] for r in ordered["results"]] == ["paged-24", "paged-23", "paged-22"]
    ignored = live.client.get(live.collection, params={"ordering": "password; drop table"})
    assert ignored.status_code == 200


def test_invalid_filter_value_is_400(live):
    error(live.client.get(live.collection, params={"is_active": "perhaps"}), 400)


def test_unknown_paths_methods_and_versions(live, auth):
    error(live.client.get("/no/such/path/"), 404, "not_found")
    error(live.client.get(live.collection.replace("/v1/", "/v2/")), 404, "not_found")
    error(live.client.get(f"{live.collection}999999/"), 404, "not_found")
    response = live.client.delete(live.collection, headers=auth)
    error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


def test_schema_and_docs(live):
    schema = live.client.get("/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    document = schema.json() if "json" in schema.headers["content-type"] else None
    text = schema.text
    assert (document or {}).get("openapi", "").startswith("3") or "openapi: 3" in text
    assert live.answers["resource_plural"] in text
    docs = live.client.get("/api/docs/")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "cdn." not in docs.text and "unpkg.com" not in docs.text
