"""A catalogue of hostile and malformed requests against each stack, on SQLite and PostgreSQL,
for the default resource and for one with a field of every type (helpers.SENSOR).

Every answer must be a 4xx with a JSON body (or a 2xx where the request is harmless, such as an
injection string used as a search term); none may be a 5xx or an HTML page. The catalogue's
bodies are built from the resource's own fields: "name" in a case's id is its first str field,
"description" its first text field, "active" its first bool field, the rest of a body its
required fields' valid values.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time
import uuid
from unittest import mock

import httpx
import pytest
from helpers import SENSOR, STATIC_DEFAULTS, field_values, shared_project
from live import serve
from services import fresh_database

BIG_INT = "9" * 30


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged_tokens() -> dict[str, str]:
    now = int(time.time())
    claims = {
        "user_id": 1,
        "sub": "1",
        "token_type": "access",
        "type": "access",
        "exp": now + 3600,
        "iat": now,
        "jti": uuid.uuid4().hex,
    }
    header = _b64({"alg": "HS256", "typ": "JWT"})
    return {
        "alg-none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "forged-signature": f"{header}.{_b64(claims)}.{_b64({'not': 'a signature'})}",
        "expired": f"{header}.{_b64({**claims, 'exp': now - 60})}.c2lnbmF0dXJl",
        "garbage": "not-a-jwt",
        "huge": "a" * 8000,
    }


def first(values, kind: str) -> str:
    return next(f["name"] for f in values.fields if f["type"] == kind)


def raw(values, field: str, value: bytes) -> bytes:
    """A JSON body, as bytes: the required fields' valid values, and `field` set to `value`."""
    others = json.dumps({k: v for k, v in values.MINIMAL.items() if k != field})[1:-1].encode()
    return b"{" + others + (b", " if others else b"") + json.dumps(field).encode() + b": " + value + b"}"


def catalogue(collection: str, values) -> list[tuple[str, str, str, dict]]:
    """(id, method, path, httpx request kwargs), for the resource whose fields `values` holds."""
    json_headers = {"Content-Type": "application/json"}
    name, description, active = first(values, "str"), first(values, "text"), first(values, "bool")
    valid = {**values.MINIMAL, name: "x"}
    plain = raw(values, name, b'"x"')
    cases = []
    malformed = {
        "truncated": plain[:-1],
        "trailing-comma": plain[:-1] + b",}",
        "bare-word": b"nul",
        "empty-body": b"",
        "invalid-utf8": raw(values, name, b'"\xff\xfe"'),
        "nan": raw(values, active, b"NaN"),
        "single-quotes": plain.replace(b'"', b"'"),
    }
    for case, body in malformed.items():
        cases.append((f"malformed-{case}", "POST", collection, {"content": body, "headers": json_headers}))
    for case, payload in {
        "array": [],
        "array-of-object": [valid],
        "string": "x",
        "number": 1,
        "null": None,
        "true": True,
    }.items():
        cases.append((f"not-object-{case}", "POST", collection, {"json": payload}))
    for case, change in {
        "name-int": {name: 123},
        "name-null": {name: None},
        "name-list": {name: ["a"]},
        "name-object": {name: {"a": 1}},
        "active-string": {active: "yes"},
        "active-int": {active: 2},
        "description-int": {description: 5},
        "nul-in-name": {name: "a\u0000b"},
        "nul-in-description": {description: "x\u0000y"},
        "huge-number": {active: int(BIG_INT)},
    }.items():
        cases.append((f"wrong-{case}", "POST", collection, {"json": {**values.MINIMAL, **change}}))
    # Lenient but harmless: the server may accept these or refuse them with a 4xx.
    cases.append(("lenient-bom", "POST", collection, {"content": b"\xef\xbb\xbf" + plain, "headers": json_headers}))
    cases.append(
        (
            "lenient-charset",
            "POST",
            collection,
            {"content": plain, "headers": {"Content-Type": "application/json; charset=latin-9"}},
        )
    )
    cases.append(
        ("lenient-read-only-fields", "POST", collection, {"json": {**valid, "id": 1, "created_at": "yesterday"}})
    )
    lone_surrogate = raw(values, name, b'"\\ud800"')
    cases.append(("wrong-lone-surrogate", "POST", collection, {"content": lone_surrogate, "headers": json_headers}))
    cases.append(("jwt-scheme-only", "POST", collection, {"json": valid, "headers": {"Authorization": "Bearer"}}))
    nested = raw(values, name, b"[" * 2000 + b"]" * 2000)
    cases.append(("deep-json-field", "POST", collection, {"content": nested, "headers": json_headers}))
    deep = ("[" * 100000 + "]" * 100000).encode()
    cases.append(("deep-json-raw", "POST", collection, {"content": deep, "headers": json_headers}))
    oversized = raw(values, name, b'"' + b"x" * (3 * 1024 * 1024) + b'"')
    cases.append(("oversized", "POST", collection, {"content": oversized, "headers": json_headers}))
    for ctype in (
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ):
        cases.append(
            (
                f"content-type-{ctype.split(';')[0]}",
                "POST",
                collection,
                {"content": plain, "headers": {"Content-Type": ctype}},
            )
        )
    for case, value in {
        "sql-quote": "' OR 1=1 --",
        "like-wildcards": "%_%",
        "backslash": "\\",
        "regex": ".*(a|b)+$",
        "mongo-operator": '{"$gt": ""}',
        "nul": "a\x00b",
        "long": "x" * 3000,
        "unicode": "ünïcødé ☃",
    }.items():
        for role, param in {"search": "search", "name": name, "ordering": "ordering", "is_active": active}.items():
            cases.append((f"query-{role}-{case}", "GET", collection, {"params": {param: value}}))
    # More search terms than SQLite holds conditions in one query (about 1,000), within gunicorn's
    # request line.
    cases.append(("query-search-many-terms", "GET", collection, {"params": {"search": " ".join(["a"] * 1500)}}))
    for case, params in {
        "page-zero": {"page": 0},
        "page-negative": {"page": -1},
        "page-huge": {"page": BIG_INT},
        "page-float": {"page": "1.5"},
        "page-last": {"page": "last"},
        "size-zero": {"page_size": 0},
        "size-negative": {"page_size": -5},
        "size-huge": {"page_size": BIG_INT},
        "size-nan": {"page_size": "NaN"},
        "repeated": {"page": ["1", "2"]},
    }.items():
        cases.append((f"paging-{case}", "GET", collection, {"params": params}))
    for case, suffix in {
        "id-text": "abc/",
        "id-huge": f"{BIG_INT}/",
        "id-negative": "-1/",
        "id-zero": "0/",
        "id-float": "1.5/",
        "id-sql": "1%20OR%201=1/",
        "id-objectid-like": "0" * 24 + "/",
    }.items():
        cases.append((f"path-{case}", "GET", collection + suffix, {}))
        cases.append((f"path-{case}-delete", "DELETE", collection + suffix, {}))
    for case, path in {
        "version-v0": collection.replace("/v1/", "/v0/"),
        "version-dotted": collection.replace("/v1/", "/v1.1/"),
        "traversal": "/api/v1/../../etc/passwd",
        "encoded-traversal": "/api/v1/%2e%2e/%2e%2e/etc/passwd",
        "double-slash": "//api//v1//",
    }.items():
        cases.append((f"unknown-{case}", "GET", path, {}))
    for method in ("PROPFIND", "PATCH", "PUT", "DELETE", "BREW"):
        cases.append((f"method-{method}", method, collection, {}))
    for case, token in forged_tokens().items():
        cases.append(
            (f"jwt-{case}", "POST", collection, {"json": valid, "headers": {"Authorization": f"Bearer {token}"}})
        )
    cases.append(("auth-wrong-scheme", "POST", collection, {"json": valid, "headers": {"Authorization": "Digest abc"}}))
    cases.append(("auth-basic-garbage", "POST", collection, {"json": valid, "headers": {"Authorization": "Basic %%%"}}))
    cases.append(("token-login-garbage", "POST", "/api/v1/auth/token/", {"json": {"username": ["x"], "password": 1}}))
    cases.append(
        ("refresh-forged", "POST", "/api/v1/auth/token/refresh/", {"json": {"refresh": forged_tokens()["alg-none"]}})
    )
    cases.append(("logout-garbage", "POST", "/api/v1/auth/logout/", {"json": {"refresh": 42}}))
    return cases


# Values no field, whatever its type, may answer with a 5xx (JSON literals), and query values no filter may.
FIELD_VALUES = {
    "huge-int": BIG_INT.encode(),
    "huge-negative-int": b"-" + BIG_INT.encode(),
    "huge-exponent": b"1e999",
    "nan": b"NaN",
    "huge-decimal-text": f'"{BIG_INT}.99"'.encode(),
    "far-future": b'"99999-12-31T00:00:00Z"',
    "year-zero": b'"0000-01-01T00:00:00Z"',
    "long-text": b'"' + b"x" * 100000 + b'"',
    "nul": b'"a\\u0000b"',
    "lone-surrogate": b'"\\ud800"',
    "operator-object": b'{"$gt": ""}',
    "list": b"[1]",
}
QUERY_VALUES = [BIG_INT, f"-{BIG_INT}", "1e999", "NaN", "a\x00b", "x" * 3000, "0000-01-01", "99999-12-31T00:00:00Z"]
# The cases' ids (each server builds its own catalogue, for its own resource).
CASES = [case[0] for case in catalogue("/api/v1/items/", field_values(STATIC_DEFAULTS["resource_fields"]))]
# Writes with a forged identity must be refused; harmless reads may succeed.
MUST_FAIL = (
    "malformed-",
    "not-object-",
    "wrong-",
    "deep-json",
    "oversized",
    "content-type-",
    "unknown-",
    "jwt-",
    "auth-",
    "token-login",
    "refresh-",
    "logout-",
    "path-",
)

SERVERS = [
    pytest.param(
        (stack, database, resource),
        marks=[pytest.mark.xdist_group(f"hostile-{stack}-{database}{suffix}")]
        + ([pytest.mark.services] if database == "postgresql" else []),
        id=f"{stack}-{database}{suffix}",
    )
    for suffix, resource in (("", {}), ("-sensor", SENSOR))
    for stack in ("django", "flask")
    for database in ("sqlite", "postgresql")
] + [
    # Flask's other variants: Flask-Restless-NG (JSON:API), and MongoDB without a server
    # (mongomock in gunicorn's one worker, auth=none: no user to create in another process).
    pytest.param(
        (variant, "sqlite", resource), marks=pytest.mark.xdist_group(f"hostile-{variant}{suffix}"), id=variant + suffix
    )
    for variant, suffix, resource in (
        ("flask-restless", "", {}),
        ("flask-mongomock", "", {}),
        ("flask-mongomock", "-sensor", SENSOR),
    )
]
VARIANTS = {"flask-restless": {"restless": True}, "flask-mongomock": {"database": "mongodb", "auth": "none"}}
JSON_TYPES = ("application/json", "application/vnd.api+json")
AUTH_CASES = ("jwt-", "auth-", "token-login", "refresh-", "logout-")


def seed(live, auth) -> None:
    if live.answers.get("restless"):
        body = json.dumps({"data": {"type": "items", "attributes": live.values.MINIMAL}})
        headers = {**auth, "Content-Type": "application/vnd.api+json"}
        live.client.post(live.collection, content=body, headers=headers).raise_for_status()
    else:
        live.client.post(live.collection, json=live.values.MINIMAL, headers=auth).raise_for_status()


def error_status(body: dict) -> int:
    """The status an error body states: the one shape's, or a JSON:API error document's."""
    if isinstance(body.get("errors"), list) and "status" not in body:
        return int(body["errors"][0]["status"])
    return body["status"]


@pytest.fixture(scope="module", params=SERVERS)
def server(request):
    stack, database, resource = request.param
    answers = {"framework": "flask", **VARIANTS[stack]} if stack in VARIANTS else {"framework": stack}
    project = shared_project(**answers, **resource)
    extra, options = {}, {}
    if database == "postgresql":
        name = f"hostile_{stack}{'_sensor' if resource else ''}"
        extra["DATABASE_URL"] = fresh_database(request.getfixturevalue("postgres_url"), name)
    with contextlib.ExitStack() as context:
        if stack == "flask-mongomock":
            context.enter_context(mock.patch.dict(os.environ, {"MONGO_URI": "mongomock://localhost/hostile"}))
            options["workers"] = 1
        live = context.enter_context(serve(project, **options, **extra))
        auth = live.token()
        for _ in range(3):
            seed(live, auth)
        yield live, auth, {case[0]: case[1:] for case in catalogue(live.collection, live.values)}


@pytest.mark.parametrize("case", CASES)
def test_hostile_request_gets_a_json_4xx_never_a_5xx(server, case):
    live, auth, cases = server
    method, path, kwargs = cases[case]
    if live.answers["auth"] == "none" and case.startswith(AUTH_CASES):
        pytest.skip("auth=none: writes are open")
    kwargs = dict(kwargs)
    headers = dict(kwargs.pop("headers", {}))
    if not case.startswith(AUTH_CASES):
        headers = {**auth, **headers}
    try:
        response = live.client.request(method, path, headers=headers, **kwargs)
    except httpx.RemoteProtocolError as error:  # the server closed the connection: acceptable only for huge bodies
        assert "oversized" in case or "deep-json" in case, error
        return
    assert response.status_code < 500, f"{method} {path} -> {response.status_code}: {response.text[:500]}"
    assert response.status_code != 302 or "auth" in case, "redirected instead of answering"
    if response.status_code >= 400:
        assert response.headers.get("content-type", "").startswith(JSON_TYPES), response.text[:300]
        assert error_status(response.json()) == response.status_code
    elif case.startswith(MUST_FAIL):
        pytest.fail(f"{method} {path} was accepted ({response.status_code}): {response.text[:300]}")


def test_hostile_values_in_every_field_and_filter(server):
    live, auth, _ = server
    if live.answers.get("restless"):
        pytest.skip("JSON:API bodies: test_contract_restless.py")
    problems = []

    def check(response, what: str) -> None:
        if response.status_code >= 500 or (
            response.status_code >= 400 and not response.headers.get("content-type", "").startswith(JSON_TYPES)
        ):
            problems.append(f"{what} -> {response.status_code}: {response.text[:200]}")

    headers = {**auth, "Content-Type": "application/json"}
    for field in live.values.fields:
        for case, value in FIELD_VALUES.items():
            body = raw(live.values, field["name"], value)
            check(live.client.post(live.collection, content=body, headers=headers), f"POST {field['name']}={case}")
    for parameter in live.values.FILTERS:
        for value in QUERY_VALUES:
            check(live.client.get(live.collection, params={parameter: value}), f"GET ?{parameter}={value[:20]!r}")
    assert problems == []


def test_the_server_still_answers_after_the_catalogue(server):
    live, *_ = server
    assert live.client.get("/ready").status_code == 200


def test_request_line_over_the_server_limit_is_refused_before_the_app(server):
    """gunicorn refuses a request line over its limit (4094 bytes) itself: a 4xx, never a 5xx.
    Its page is gunicorn's own (the app never sees the request); proxies in front refuse earlier."""
    live, *_ = server
    response = live.client.get(live.collection, params={"search": "x" * 10000})
    assert 400 <= response.status_code < 500
