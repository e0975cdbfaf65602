"""Rate limits across processes: gunicorn with several workers sharing their counters.

With Redis or Memcached storage exactly the configured number of requests pass per window,
whichever worker answers, and the rest get 429 with Retry-After. With in-memory storage each
worker counts alone, so more pass: the generated README and .env.example say so.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from helpers import record_figure, shared_project, storage_env
from live import serve

LIMIT, REQUESTS, CLIENTS, WORKERS = 10, 40, 8, 3


def limits_env(stack: str, storage: str, address: str) -> dict[str, str]:
    limit = (
        {"THROTTLE_ANON_RATE": f"{LIMIT}/hour"}
        if stack == "django"
        else {
            "RATELIMIT_DEFAULT": f"{LIMIT} per hour",
            # A fresh key prefix: counters left by an earlier run in the same server do not count.
            "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
        }
    )
    return storage_env(stack, storage, address) | limit


def hammer(live) -> list[httpx.Response]:
    """REQUESTS anonymous reads from CLIENTS threads, a new connection each (bounded: ~40 requests)."""

    def one(_: int) -> httpx.Response:
        with httpx.Client(base_url=live.base_url, headers={"X-Forwarded-Proto": "https"}, timeout=10) as client:
            return client.get(live.collection)

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(one, range(REQUESTS)))


CASES = [
    pytest.param(
        stack,
        storage,
        marks=[pytest.mark.services, pytest.mark.xdist_group(f"limits-{stack}")],
        id=f"{stack}-{storage}",
    )
    for stack in ("django", "flask")
    for storage in ("redis", "memcached", "memory")
]


@pytest.mark.parametrize(("stack", "storage"), CASES)
def test_limit_holds_across_workers_only_with_shared_storage(storage_address, stack, storage):
    project = shared_project(framework=stack, limiter_storage=storage)
    # The kernel may hand every connection to one worker: in-memory counters then look shared.
    # A fresh server (and a fresh key prefix) gets another draw, at most three in all.
    for _ in range(3 if storage == "memory" else 1):
        with serve(project, workers=WORKERS, **limits_env(stack, storage, storage_address(storage))) as live:
            responses = hammer(live)
        if [r.status_code for r in responses].count(200) > LIMIT:
            break
    statuses = [r.status_code for r in responses]
    allowed, refused = statuses.count(200), statuses.count(429)
    record_figure(f"{stack} {storage}: {WORKERS} workers, limit {LIMIT}: {allowed} allowed, {refused} refused")
    assert allowed + refused == REQUESTS, statuses
    for response in responses:
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) > 0
            assert response.json()["code"] == "throttled"
    if storage == "memory":
        assert allowed > LIMIT, "in-memory counters unexpectedly held across workers"
    else:
        assert allowed == LIMIT


@pytest.mark.parametrize("stack", ["django", "flask"])
def test_docs_warn_that_memory_storage_is_per_process(stack):
    project = shared_project(installed=False, framework=stack)
    for name in ("README.md", ".env.example"):
        text = (project / name).read_text().lower()
        assert "worker" in text and ("per process" in text or "per-process" in text or "each process" in text), name
