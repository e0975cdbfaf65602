"""Pages as a person sees them, in headless Chromium: the docs' decision page, each stack's
Swagger UI, and DRF's browsable API, served on loopback.

Chromium resolves every host but loopback to nothing, and records every request a page makes
(its NetLog): a page that asks any other host for anything (a CDN, a web font) fails, whether or
not it would still render. Screenshots are saved under test-results/screenshots/ and listed in
the run's figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from helpers import TEMPLATE, UV, install, project_env, record_figure, render
from live import serve
from services import free_port, missing

SCREENSHOTS = TEMPLATE / "test-results" / "screenshots"
LOOPBACK_ONLY = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        missing("chromium")
    return found


def page_requests(netlog: Path, origin: str) -> list[str]:
    """The URLs a page at `origin` (scheme://host:port) asked for, from Chromium's NetLog: the
    requests it initiated (Chromium's own, such as update or autofill checks, have no initiator)."""
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start and "url" in e.get("params", {}) and e["params"].get("initiator") == origin
    ]


def browse(url: str, name: str, tmp_path: Path) -> str:
    """Load `url`, let its scripts run, save a screenshot; return the rendered DOM. Fails on any
    request the page makes to another host and port than its own."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    common = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        f"--host-resolver-rules={LOOPBACK_ONLY}",
        "--virtual-time-budget=15000",
        "--window-size=1280,1000",
    ]
    netlog = tmp_path / f"netlog-{name}.json"
    for extra in ([f"--screenshot={shot}"], [f"--log-net-log={netlog}", "--dump-dom"]):
        done = subprocess.run(
            [*common, f"--user-data-dir={tmp_path / ('chrome-' + extra[0][2:8])}", *extra, url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 5000, "the screenshot is empty"
    record_figure(f"screenshot {name}: {shot.relative_to(TEMPLATE)}")
    home = urlsplit(url)
    requests = page_requests(netlog, f"{home.scheme}://{home.netloc}")
    assert requests, "the NetLog shows no request made by the page"
    network = [urlsplit(r) for r in requests if urlsplit(r).scheme in ("http", "https", "ws", "wss")]
    elsewhere = [r.geturl() for r in network if r.netloc != home.netloc]
    assert not elsewhere, f"{url} asked another host: {elsewhere}"
    record_figure(f"requests {name}: {len(requests)}, all to {home.netloc}")
    return done.stdout


@contextlib.contextmanager
def static_site(root: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                httpx.get(url)
                break
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(5)


def test_docs_decision_page(tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "--site-dir", str(site)],
        cwd=TEMPLATE,
        check=True,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    with static_site(site) as url:
        dom = browse(f"{url}/decision/", "docs-decision", tmp_path)
    assert "The signals" in dom and "needs_admin" in dom and "decision.svg" in dom


STACKS = [pytest.param(s, marks=pytest.mark.xdist_group(f"browser-{s}")) for s in ("django", "flask")]


@pytest.fixture(scope="module", params=STACKS)
def project(request, tmp_path_factory):
    path = render(tmp_path_factory.mktemp("browser") / "p", framework=request.param, resource_name="book")
    install(path)
    return request.param, path


def test_swagger_ui_lists_the_operations(project, tmp_path):
    stack, path = project
    # Served as production serves it, reached through the proxy's HTTPS scheme header would not
    # apply to a browser: let the app answer plain HTTP here.
    with serve(path, SECURE_SSL_REDIRECT="false") as live:
        dom = browse(f"{live.base_url}/api/docs/", f"swagger-{stack}", tmp_path)
    assert "opblock" in dom, "Swagger UI rendered no operation"
    assert "/api/v1/books/" in dom
    assert "swagger-ui" in dom


def test_drf_browsable_api_renders(project, tmp_path):
    stack, path = project
    if stack != "django":
        pytest.skip("the browsable API is DRF's")
    port = free_port()
    env = project_env(DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=f"sqlite:///{path / 'dev.sqlite3'}")
    subprocess.run(
        [str(UV), "run", "--no-sync", "python", "manage.py", "migrate", "-v0"], cwd=path, env=env, check=True
    )
    server = subprocess.Popen(
        [str(UV), "run", "--no-sync", "python", "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            time.sleep(0.2)
        dom = browse(f"http://127.0.0.1:{port}/api/v1/books/", "drf-browsable-api", tmp_path)
    finally:
        server.terminate()
        server.wait(10)
    assert "Django REST framework" in dom
    assert "Book List" in dom or "book list" in dom.lower()
