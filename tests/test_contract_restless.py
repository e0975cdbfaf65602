"""The black-box contract of the Flask-Restless-NG variant, against gunicorn as production serves it.

The resource is served as JSON:API (docs/http-contract.md, "With Flask-Restless-NG"): documents
`{"data": {"type", "id", "attributes"}}` in and out, and JSON:API error documents
`{"errors": [{"status", "title", "detail"}]}` from the generated views (field messages under
`meta.errors`). Everything else keeps the one error shape: 401, 405, 413, 429 and unknown paths.
"""

from __future__ import annotations

import json

import pytest
from helpers import install, render
from live import serve

JSON_API = "application/vnd.api+json"
pytestmark = pytest.mark.xdist_group("contract-restless")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    project = render(tmp_path_factory.mktemp("restless") / "project", framework="flask", restless=True)
    install(project)
    with serve(project) as server:
        yield server


@pytest.fixture(scope="module")
def auth(live):
    return live.token()


def document(**attributes) -> bytes:
    return json.dumps({"data": {"type": "items", "attributes": attributes}}).encode()


def post(live, auth, body: bytes, url: str | None = None, method: str = "POST"):
    headers = {**auth, "Content-Type": JSON_API}
    return live.client.request(method, url or live.collection, content=body, headers=headers)


def one_shape(response, status: int, code: str) -> None:
    """The contract's one error shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    assert response.json()["status"] == status and response.json()["code"] == code


def json_api_error(response, status: int) -> list[dict]:
    """A JSON:API error document: where the generated views differ from the one shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(JSON_API), response.headers
    errors = response.json()["errors"]
    assert errors and all(error["status"] == str(status) for error in errors), errors
    return errors


def test_probes(live):
    assert live.client.get("/health").json() == {"status": "ok"}
    assert live.client.get("/ready").status_code == 200


def test_anonymous_write_is_401_in_the_one_shape(live):
    one_shape(post(live, {}, document(name="x")), 401, "not_authenticated")


def test_crud_round_trip_with_trailing_slashes_and_utc_offsets(live, auth):
    created = post(live, auth, document(name="thing", is_active=False))
    assert created.status_code == 201, created.text
    resource = created.json()["data"]
    assert resource["type"] == "items" and resource["attributes"]["is_active"] is False
    url = f"{live.collection}{resource['id']}/"
    fetched = live.client.get(url)  # httpx sends Accept: */*, as curl does
    assert fetched.status_code == 200 and fetched.headers["content-type"].startswith(JSON_API)
    for name in ("created_at", "updated_at"):
        assert fetched.json()["data"]["attributes"][name].endswith("+00:00")
    change = {"data": {"type": "items", "id": resource["id"], "attributes": {"name": "renamed"}}}
    patched = post(live, auth, json.dumps(change).encode(), url, "PATCH")
    assert patched.status_code in (200, 204), patched.text
    assert live.client.get(url).json()["data"]["attributes"]["name"] == "renamed"
    assert live.client.delete(url, headers=auth).status_code == 204
    json_api_error(live.client.get(url), 404)


def test_browser_accept_headers_are_served(live):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert live.client.get(live.collection, headers={"Accept": accept}).status_code == 200


def test_validation_errors_name_the_field_in_meta(live, auth):
    errors = json_api_error(post(live, auth, document(description="no name")), 400)
    assert "name" in errors[0]["meta"]["errors"]
    errors = json_api_error(post(live, auth, document(name="ok", colour="red")), 400)
    assert "colour" in errors[0]["meta"]["errors"]


@pytest.mark.parametrize("body", [b'{"data": ', b"42", b'"text"', b"[1, 2]", b"null"])
def test_malformed_or_scalar_bodies_are_400(live, auth, body):
    json_api_error(post(live, auth, body), 400)


def test_ids_past_the_database_integers_are_404(live):
    json_api_error(live.client.get(f"{live.collection}{'9' * 21}/"), 404)


def test_what_the_generated_views_do_not_answer_keeps_the_one_shape(live, auth):
    one_shape(live.client.get("/no/such/path/"), 404, "not_found")
    one_shape(live.client.put(f"{live.collection}1/", headers=auth), 405, "method_not_allowed")
    big = document(name="x", description="y" * (2 * 1024 * 1024))
    one_shape(post(live, auth, big), 413, "payload_too_large")


def test_schema_documents_the_resource_and_docs_are_local(live):
    schema = live.client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3")
    assert {"/api/v1/items", "/api/v1/items/{resource_id}"} <= set(schema["paths"])
    docs = live.client.get("/api/docs/")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "//" not in docs.text.replace("<!DOCTYPE", "")
