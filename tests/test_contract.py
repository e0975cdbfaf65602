"""One black-box HTTP suite, run against gunicorn serving each stack's default project, and
each stack's project for a resource with a field of every type (helpers.SENSOR).

Both stacks pass the same tests: the contract is docs/http-contract.md. Bodies, filters and
orderings come from the project's own fields (helpers.field_values). The Flask-Restless-NG
variant serves JSON:API: test_contract_restless.py checks it, and where it differs.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from unittest import mock

import httpx
import pytest
from helpers import SENSOR, shared_project
from live import UNTHROTTLED, serve

NEEDS_MONGO = pytest.mark.skipif(not os.environ.get("MONGO_URI"), reason="needs a real MongoDB: set MONGO_URI")
STACKS = [
    ("django", {"framework": "django"}, []),
    ("flask", {"framework": "flask"}, []),
    # mongomock lives inside one process, so a served MongoDB project needs a real server.
    ("flask-mongodb", {"framework": "flask", "database": "mongodb"}, [NEEDS_MONGO]),
    # Without a server: mongomock in gunicorn's one worker, and auth=none (no user to create).
    ("flask-mongomock", {"framework": "flask", "database": "mongodb", "auth": "none"}, []),
]
VARIANTS = [
    pytest.param(
        {**answers, **resource}, marks=[pytest.mark.xdist_group(f"contract-{name}{suffix}"), *marks], id=name + suffix
    )
    for suffix, resource in (("", {}), ("-sensor", SENSOR))
    for name, answers, marks in STACKS
]
MONGOMOCK = {"MONGO_URI": "mongomock://localhost/contract"}


@pytest.fixture(scope="module", params=VARIANTS)
def live(request):
    project = shared_project(**request.param)
    if request.param.get("auth") == "none" and request.param.get("database") == "mongodb":
        with mock.patch.dict(os.environ, MONGOMOCK), serve(project, workers=1, **UNTHROTTLED) as server:
            yield server
        return
    with serve(project, **UNTHROTTLED) as server:
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


def create(live, auth, **fields) -> dict:
    """A new object: the required fields' valid values, with `fields` changed."""
    response = live.client.post(live.collection, json={**live.values.MINIMAL, **fields}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def purge(live, auth) -> None:
    """Delete every object, for the tests that count what the list holds."""
    while results := live.client.get(live.collection, params={"page_size": 100}).json()["results"]:
        for item in results:
            assert live.client.delete(f"{live.collection}{item['id']}/", headers=auth).status_code == 204


def ids(live, **params) -> list:
    response = live.client.get(live.collection, params=params)
    assert response.status_code == 200, (params, response.text)
    return [item["id"] for item in response.json()["results"]]


def query(value) -> str:
    """A field's value as a query parameter: JSON's true / false for a bool."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def same(live, item: dict, expected: dict) -> bool:
    """`item` holds the `expected` values, date-times compared as moments (the contract says
    ISO 8601: Django writes UTC as "Z", Flask as "+00:00")."""

    def moment(name: str, value):
        is_time = live.values.SCHEMAS[name].get("format") == "date-time" and value is not None
        return datetime.fromisoformat(value) if is_time else value

    return all(moment(name, item[name]) == moment(name, value) for name, value in expected.items())


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
    error(live.client.post(live.collection, json=live.values.MINIMAL), 401, "not_authenticated")


def test_crud_round_trip(live, auth):
    values = live.values
    created = live.client.post(live.collection, json=values.FULL, headers=auth)
    assert created.status_code == 201, created.text
    item = created.json()
    assert created.headers["location"].rstrip("/").endswith(str(item["id"]))
    assert same(live, item, values.FULL), item
    assert item["created_at"] and item["updated_at"]
    url = f"{live.collection}{item['id']}/"
    assert live.client.get(url).json() == item
    # Every field changed, the optional strings (text, email, url) blanked.
    changed = {**values.OTHER, **{name: "" for name, default in values.DEFAULTS.items() if default == ""}}
    put = live.client.put(url, json=changed, headers=auth)
    assert put.status_code == 200 and same(live, put.json(), changed), put.text
    first = next(iter(values.FULL))
    patch = live.client.patch(url, json={first: values.FULL[first]}, headers=auth)
    assert patch.status_code == 200 and same(live, patch.json(), {**changed, first: values.FULL[first]}), patch.text
    deleted = live.client.delete(url, headers=auth)
    assert deleted.status_code == 204 and deleted.content == b""
    error(live.client.get(url), 404, "not_found")


def test_put_keeps_the_fields_it_omits(live, auth):
    """PUT with only the required fields changes those and leaves every other field as it was
    (DRF's rule), rather than resetting them to the defaults a create fills in."""
    values = live.values
    item = create(live, auth, **values.FULL)
    assert not same(live, {**values.FULL, **values.DEFAULTS}, values.FULL), "FULL must differ from DEFAULTS"
    sent = {name: values.OTHER[name] for name in values.REQUIRED}
    put = live.client.put(f"{live.collection}{item['id']}/", json=sent, headers=auth)
    assert put.status_code == 200 and same(live, put.json(), {**values.FULL, **sent}), put.text


def test_omitted_fields_read_back_as_their_defaults(live, auth):
    values = live.values
    item = create(live, auth)
    assert same(live, item, values.DEFAULTS), item


def test_validation_errors_name_the_field(live, auth):
    values = live.values
    for field, value in values.INVALID:
        body = error(live.client.post(live.collection, json={**values.MINIMAL, field: value}, headers=auth), 400)
        assert (body["code"], list(body["errors"])) == ("invalid", [field]), (field, value, body)
    for field in values.REQUIRED:
        payload = {name: value for name, value in values.MINIMAL.items() if name != field}
        body = error(live.client.post(live.collection, json=payload, headers=auth), 400, "invalid")
        assert list(body["errors"]) == [field], body
    body = error(live.client.post(live.collection, json={**values.MINIMAL, "colour": "red"}, headers=auth), 400)
    assert "colour" in json.dumps(body["errors"])


def test_body_that_is_not_an_object(live, auth):
    for payload in ([1, 2], "text", 42):
        body = error(live.client.post(live.collection, json=payload, headers=auth), 400)
        assert body["code"] in {"invalid", "parse_error"}


def test_malformed_json_is_400(live, auth):
    headers = {**auth, "Content-Type": "application/json"}
    truncated = json.dumps(live.values.MINIMAL).encode()[:-1]
    error(live.client.post(live.collection, content=truncated, headers=headers), 400, "parse_error")


def test_wrong_content_type_is_415(live, auth):
    headers = {**auth, "Content-Type": "text/plain"}
    error(live.client.post(live.collection, content=b"name=x", headers=headers), 415, "unsupported_media_type")


def test_oversized_body_is_413(live, auth):
    big = json.dumps({**live.values.MINIMAL, "padding": "y" * (2 * 1024 * 1024)})
    headers = {**auth, "Content-Type": "application/json"}
    error(live.client.post(live.collection, content=big, headers=headers), 413, "payload_too_large")


def test_pagination(live, auth):
    purge(live, auth)
    for _ in range(25):
        create(live, auth)
    page = live.client.get(live.collection, params={"page_size": 10}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 25 and len(page["results"]) == 10 and page["previous"] is None
    assert "page=2" in page["next"]
    assert page["next"].startswith("https://"), "links follow the proxy's scheme (X-Forwarded-Proto)"
    second = live.client.get(httpx.URL(page["next"]).raw_path.decode()).json()
    assert second["previous"] is not None and len(second["results"]) == 10
    assert not {item["id"] for item in page["results"]} & {item["id"] for item in second["results"]}
    capped = live.client.get(live.collection, params={"page_size": 100000}).json()
    assert len(capped["results"]) <= 100
    body = error(live.client.get(live.collection, params={"page_size": "lots"}), 400, "invalid")
    assert body["errors"]["page_size"]
    error(live.client.get(live.collection, params={"page": 9999}), 404, "not_found")
    error(live.client.get(live.collection, params={"page": "first"}), 404, "not_found")


def test_filters_search_and_ordering(live, auth):
    """Two objects, one low and one high in every field that sorts: each filter picks one, each
    ordering puts them in order; then one object per searched field, each found."""
    values = live.values
    purge(live, auth)
    sent_low = {**values.FULL, **{field: pair[0] for field, pair in values.ORDERED.items()}}
    sent_high = {**values.OTHER, **{field: pair[1] for field, pair in values.ORDERED.items()}}
    low, high = create(live, auth, **sent_low)["id"], create(live, auth, **sent_high)["id"]
    for parameter, field in values.FILTERS.items():
        if parameter.endswith("__gte"):
            value, expected = sent_high[field], [high]
        elif sent_low[field] == sent_high[field]:
            continue  # a one-choice field: nothing to tell apart
        else:
            value, expected = sent_low[field], [low]
        assert ids(live, **{parameter: query(value)}) == expected, (parameter, value)
    for field in values.ORDERED:
        assert ids(live, ordering=field) == [low, high], field
        assert ids(live, ordering=f"-{field}") == [high, low], field
    assert ids(live, ordering="-id") == [high, low]
    assert ids(live, ordering="password; drop table") == [low, high]
    found = {create(live, auth, **{field: needle})["id"] for field, needle in values.NEEDLES.items()}
    assert set(ids(live, search="NEEDLE")) == found, "each searched field, ignoring case"


def test_search_takes_each_term_and_text_filters_are_trimmed(live, auth):
    """`?search=red,needle` lists the objects that hold each term in one of their searched
    fields, in any order (DRF's SearchFilter); a text filter's value is trimmed, as the field's."""
    values = live.values
    purge(live, auth)
    held = {create(live, auth, **{field: needle})["id"]: needle.lower() for field, needle in values.NEEDLES.items()}
    both = {id for id, text in held.items() if "red" in text and "needle" in text}
    assert both, "a needle holds both words"
    assert set(ids(live, search="NEEDLE, red")) == set(ids(live, search="red needle")) == both
    assert set(ids(live, search="  needle  ")) == set(held)
    assert ids(live, search="needle absent") == []
    types = {f["name"]: f["type"] for f in values.fields}
    purge(live, auth)
    low, high = create(live, auth, **values.FULL)["id"], create(live, auth, **values.OTHER)["id"]
    texts = [f for p, f in values.FILTERS.items() if p == f and types[f] in ("str", "email")]
    texts = [f for f in texts if values.FULL[f] != values.OTHER[f]]
    assert texts, "a text field to filter on"
    for field in texts:
        assert ids(live, **{field: f"  {values.FULL[field]} "}) == [low], field
        assert ids(live, **{field: " "}) == [low, high], field


def test_an_empty_filter_is_not_applied(live, auth):
    """`?name=` for any filter, search or ordering lists what no parameter lists, as each
    parameter's `allowEmptyValue` says; an empty page or page size is refused."""
    if not ids(live):
        create(live, auth)
    everything = ids(live)
    for parameter in [*live.values.FILTERS, "search", "ordering"]:
        assert ids(live, **{parameter: ""}) == everything, parameter
    schema = live.client.get("/api/schema/", params={"format": "json"}).json()
    listed = schema["paths"][live.collection]["get"]["parameters"]
    empty = {p["name"] for p in listed if p.get("allowEmptyValue")}
    assert empty == {*live.values.FILTERS, "search", "ordering"} & {p["name"] for p in listed}, empty
    error(live.client.get(live.collection, params={"page_size": ""}), 400, "invalid")
    error(live.client.get(live.collection, params={"page": ""}), 404, "not_found")


def test_invalid_filter_value_is_400(live):
    for parameter, value in live.values.BAD_FILTERS.items():
        body = error(live.client.get(live.collection, params={parameter: value}), 400)
        assert list(body["errors"]) == [parameter], body


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
    assert all(f'"{name}"' in text for name in live.values.FULL), "every field is documented"
    docs = live.client.get("/api/docs/")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "cdn." not in docs.text and "unpkg.com" not in docs.text
