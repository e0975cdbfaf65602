"""A catalogue of hostile and malformed requests against each stack, on SQLite and PostgreSQL.

Every answer must be a 4xx with a JSON body (or a 2xx where the request is harmless, such as an
injection string used as a search term); none may be a 5xx or an HTML page.
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
from helpers import install, render
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


def catalogue(collection: str) -> list[tuple[str, str, str, dict]]:
    """(id, method, path, httpx request kwargs)."""
    json_headers = {"Content-Type": "application/json"}
    cases = []
    malformed = {
        "truncated": b'{"name": "x"',
        "trailing-comma": b'{"name": "x",}',
        "bare-word": b"nul",
        "empty-body": b"",
        "invalid-utf8": b'{"name": "\xff\xfe"}',
        "nan": b'{"name": "x", "is_active": NaN}',
        "single-quotes": b"{'name': 'x'}",
    }
    for name, body in malformed.items():
        cases.append((f"malformed-{name}", "POST", collection, {"content": body, "headers": json_headers}))
    for name, payload in {
        "array": [],
        "array-of-object": [{"name": "x"}],
        "string": "x",
        "number": 1,
        "null": None,
        "true": True,
    }.items():
        cases.append((f"not-object-{name}", "POST", collection, {"json": payload}))
    for name, payload in {
        "name-int": {"name": 123},
        "name-null": {"name": None},
        "name-list": {"name": ["a"]},
        "name-object": {"name": {"a": 1}},
        "active-string": {"name": "x", "is_active": "yes"},
        "active-int": {"name": "x", "is_active": 2},
        "description-int": {"name": "x", "description": 5},
        "nul-in-name": {"name": "a\u0000b"},
        "nul-in-description": {"name": "ok", "description": "x\u0000y"},
        "huge-number": {"name": "x", "is_active": int(BIG_INT)},
    }.items():
        cases.append((f"wrong-{name}", "POST", collection, {"json": payload}))
    # Lenient but harmless: the server may accept these or refuse them with a 4xx.
    cases.append(
        ("lenient-bom", "POST", collection, {"content": b'\xef\xbb\xbf{"name": "x"}', "headers": json_headers})
    )
    cases.append(
        (
            "lenient-charset",
            "POST",
            collection,
            {"content": b'{"name": "x"}', "headers": {"Content-Type": "application/json; charset=latin-9"}},
        )
    )
    cases.append(
        ("lenient-read-only-fields", "POST", collection, {"json": {"name": "x", "id": 1, "created_at": "yesterday"}})
    )
    cases.append(
        ("wrong-lone-surrogate", "POST", collection, {"content": b'{"name": "\\ud800"}', "headers": json_headers})
    )
    cases.append(
        ("jwt-scheme-only", "POST", collection, {"json": {"name": "x"}, "headers": {"Authorization": "Bearer"}})
    )
    nested = b'{"name": ' + b"[" * 2000 + b"]" * 2000 + b"}"
    cases.append(("deep-json-field", "POST", collection, {"content": nested, "headers": json_headers}))
    deep = ("[" * 100000 + "]" * 100000).encode()
    cases.append(("deep-json-raw", "POST", collection, {"content": deep, "headers": json_headers}))
    cases.append(
        (
            "oversized",
            "POST",
            collection,
            {"content": b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}', "headers": json_headers},
        )
    )
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
                {"content": b'{"name": "x"}', "headers": {"Content-Type": ctype}},
            )
        )
    for name, value in {
        "sql-quote": "' OR 1=1 --",
        "like-wildcards": "%_%",
        "backslash": "\\",
        "regex": ".*(a|b)+$",
        "mongo-operator": '{"$gt": ""}',
        "nul": "a\x00b",
        "long": "x" * 3000,
        "unicode": "ünïcødé ☃",
    }.items():
        for param in ("search", "name", "ordering", "is_active"):
            cases.append((f"query-{param}-{name}", "GET", collection, {"params": {param: value}}))
    for name, params in {
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
        cases.append((f"paging-{name}", "GET", collection, {"params": params}))
    for name, suffix in {
        "id-text": "abc/",
        "id-huge": f"{BIG_INT}/",
        "id-negative": "-1/",
        "id-zero": "0/",
        "id-float": "1.5/",
        "id-sql": "1%20OR%201=1/",
        "id-objectid-like": "0" * 24 + "/",
    }.items():
        cases.append((f"path-{name}", "GET", collection + suffix, {}))
        cases.append((f"path-{name}-delete", "DELETE", collection + suffix, {}))
    for name, path in {
        "version-v0": collection.replace("/v1/", "/v0/"),
        "version-dotted": collection.replace("/v1/", "/v1.1/"),
        "traversal": "/api/v1/../../etc/passwd",
        "encoded-traversal": "/api/v1/%2e%2e/%2e%2e/etc/passwd",
        "double-slash": "//api//v1//",
    }.items():
        cases.append((f"unknown-{name}", "GET", path, {}))
    for method in ("PROPFIND", "PATCH", "PUT", "DELETE", "BREW"):
        cases.append((f"method-{method}", method, collection, {}))
    for name, token in forged_tokens().items():
        cases.append(
            (
                f"jwt-{name}",
                "POST",
                collection,
                {"json": {"name": "x"}, "headers": {"Authorization": f"Bearer {token}"}},
            )
        )
    cases.append(
        ("auth-wrong-scheme", "POST", collection, {"json": {"name": "x"}, "headers": {"Authorization": "Digest abc"}})
    )
    cases.append(
        ("auth-basic-garbage", "POST", collection, {"json": {"name": "x"}, "headers": {"Authorization": "Basic %%%"}})
    )
    cases.append(("token-login-garbage", "POST", "/api/v1/auth/token/", {"json": {"username": ["x"], "password": 1}}))
    cases.append(
        ("refresh-forged", "POST", "/api/v1/auth/token/refresh/", {"json": {"refresh": forged_tokens()["alg-none"]}})
    )
    cases.append(("logout-garbage", "POST", "/api/v1/auth/logout/", {"json": {"refresh": 42}}))
    return cases


CATALOGUE = catalogue("/api/v1/items/")
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
        (stack, database),
        marks=[pytest.mark.xdist_group(f"hostile-{stack}-{database}")]
        + ([pytest.mark.services] if database == "postgresql" else []),
        id=f"{stack}-{database}",
    )
    for stack in ("django", "flask")
    for database in ("sqlite", "postgresql")
] + [
    # Flask's other variants: Flask-Restless-NG (JSON:API), and MongoDB without a server
    # (mongomock in gunicorn's one worker, auth=none: no user to create in another process).
    pytest.param((variant, "sqlite"), marks=pytest.mark.xdist_group(f"hostile-{variant}"), id=variant)
    for variant in ("flask-restless", "flask-mongomock")
]
VARIANTS = {"flask-restless": {"restless": True}, "flask-mongomock": {"database": "mongodb", "auth": "none"}}
JSON_TYPES = ("application/json", "application/vnd.api+json")
AUTH_CASES = ("[jwt-", "[auth-", "[token-login", "[refresh-", "[logout-")


def seed(live, auth, name: str) -> None:
    if live.answers.get("restless"):
        body = json.dumps({"data": {"type": "items", "attributes": {"name": name}}})
        headers = {**auth, "Content-Type": "application/vnd.api+json"}
        live.client.post(live.collection, content=body, headers=headers).raise_for_status()
    else:
        live.client.post(live.collection, json={"name": name}, headers=auth).raise_for_status()


def error_status(body: dict) -> int:
    """The status an error body states: the one shape's, or a JSON:API error document's."""
    if isinstance(body.get("errors"), list) and "status" not in body:
        return int(body["errors"][0]["status"])
    return body["status"]


@pytest.fixture(scope="module", params=SERVERS)
def server(request, tmp_path_factory):
    stack, database = request.param
    answers = {"framework": "flask", **VARIANTS[stack]} if stack in VARIANTS else {"framework": stack}
    project = render(tmp_path_factory.mktemp("hostile") / "project", **answers)
    install(project)
    extra, options = {}, {}
    if database == "postgresql":
        extra["DATABASE_URL"] = fresh_database(request.getfixturevalue("postgres_url"), f"hostile_{stack}")
    with contextlib.ExitStack() as context:
        if stack == "flask-mongomock":
            context.enter_context(mock.patch.dict(os.environ, {"MONGO_URI": "mongomock://localhost/hostile"}))
            options["workers"] = 1
        live = context.enter_context(serve(project, **options, **extra))
        auth = live.token()
        for i in range(3):
            seed(live, auth, f"seed-{i}")
        yield live, auth


@pytest.mark.parametrize(("method", "path", "kwargs"), [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE])
def test_hostile_request_gets_a_json_4xx_never_a_5xx(server, request, method, path, kwargs):
    live, auth = server
    case = request.node.name
    if live.answers["auth"] == "none" and any(marker in case for marker in AUTH_CASES):
        pytest.skip("auth=none: writes are open")
    kwargs = dict(kwargs)
    headers = dict(kwargs.pop("headers", {}))
    if not any(marker in case for marker in AUTH_CASES):
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
    elif any(f"[{prefix}" in case for prefix in MUST_FAIL):
        pytest.fail(f"{method} {path} was accepted ({response.status_code}): {response.text[:300]}")


def test_the_server_still_answers_after_the_catalogue(server):
    live, _ = server
    assert live.client.get("/ready").status_code == 200


def test_request_line_over_the_server_limit_is_refused_before_the_app(server):
    """gunicorn refuses a request line over its limit (4094 bytes) itself: a 4xx, never a 5xx.
    Its page is gunicorn's own (the app never sees the request); proxies in front refuse earlier."""
    live, _ = server
    response = live.client.get(live.collection, params={"search": "x" * 10000})
    assert 400 <= response.status_code < 500
