"""PostgreSQL, redis-server and memcached started on loopback for the tests that need them.

Each server runs from Debian's binaries on a free 127.0.0.1 port, with its data in a temporary
folder, and is stopped when the test session ends. Where a binary is missing the tests that
need it are skipped, except under CI (CI=true), where that is a failure: .ci/run installs them.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing answered on 127.0.0.1:{port} within {timeout} s")


def missing(what: str) -> None:
    message = f"{what} is not installed here (.ci/run installs it from Debian's packages)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the `postgres` user when we are root."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A throw-away PostgreSQL cluster; yields a DATABASE_URL for its `postgres` database."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        missing("PostgreSQL")
    bindir = Path(binaries[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    data, port = root / "data", free_port()
    subprocess.run(
        _as_postgres(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _server(binary: str, args: list[str], port: int) -> Iterator[None]:
    if not shutil.which(binary):
        missing(binary)
    process = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield
    finally:
        process.terminate()
        process.wait(10)


@contextlib.contextmanager
def redis() -> Iterator[str]:
    """A redis-server with no persistence; yields its URL."""
    port = free_port()
    with _server(
        "redis-server", ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], port
    ):
        yield f"redis://127.0.0.1:{port}"


@contextlib.contextmanager
def memcached() -> Iterator[str]:
    """A memcached; yields host:port."""
    port = free_port()
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    with _server("memcached", ["-l", "127.0.0.1", "-p", str(port), "-U", "0", *user], port):
        yield f"127.0.0.1:{port}"


def fresh_database(postgres_url: str, name: str) -> str:
    """(Re)create database `name` in the cluster at `postgres_url`; return its URL."""
    for statement in (f"drop database if exists {name}", f"create database {name}"):
        subprocess.run(["psql", postgres_url, "-qc", statement], check=True, capture_output=True)
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"
