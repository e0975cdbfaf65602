"""No lost writes: concurrent creates against gunicorn on PostgreSQL.

CLIENTS threads each send CREATES_EACH creates (bounded: 200 requests, 60 s at most) to several
workers; every 201 must be a row, the rows must equal the successes, and nothing may be a 5xx.
"""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from helpers import record_figure, shared_project
from live import serve
from services import fresh_database

CLIENTS, CREATES_EACH, DEADLINE_S = 8, 25, 60


@pytest.mark.services
@pytest.mark.parametrize(
    "stack", [pytest.param(s, marks=pytest.mark.xdist_group(f"writes-{s}")) for s in ("django", "flask")]
)
def test_concurrent_creates_lose_nothing(postgres_url, stack):
    database_url = fresh_database(postgres_url, f"writes_{stack}")
    project = shared_project(framework=stack)
    unlimited = {"THROTTLE_USER_RATE": "100000/minute", "RATELIMIT_DEFAULT": "100000 per minute"}
    with serve(project, workers=3, DATABASE_URL=database_url, **unlimited) as live:
        auth = live.token()
        started = time.monotonic()

        def client(number: int) -> list[int]:
            statuses = []
            with httpx.Client(base_url=live.base_url, headers={"X-Forwarded-Proto": "https", **auth}, timeout=20) as c:
                for i in range(CREATES_EACH):
                    if time.monotonic() - started > DEADLINE_S:
                        break
                    statuses.append(c.post(live.collection, json={"name": f"client{number}-{i}"}).status_code)
            return statuses

        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = [s for batch in pool.map(client, range(CLIENTS)) for s in batch]
        elapsed = time.monotonic() - started
        listed = live.client.get(live.collection, params={"page_size": 1}).json()["count"]
    table = (
        f"{live.answers['resource_plural']}_{live.answers['resource_name']}"
        if stack == "django"
        else live.answers["resource_plural"]
    )
    rows = subprocess.run(
        ["psql", database_url, "-tAc", f"select count(*) from {table}"], capture_output=True, text=True, check=True
    )
    created = statuses.count(201)
    record_figure(
        f"{stack}: {len(statuses)} creates from {CLIENTS} clients in {elapsed:.1f} s: {created} x 201, "
        f"{sum(s >= 500 for s in statuses)} x 5xx, rows {rows.stdout.strip()}"
    )
    assert not [s for s in statuses if s >= 500]
    assert created == len(statuses) == CLIENTS * CREATES_EACH
    assert listed == created
    assert int(rows.stdout) == created
