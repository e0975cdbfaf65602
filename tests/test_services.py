"""The loopback servers the suite starts really answer (so a skipped service is never silent)."""

import socket

import pytest
import services

pytestmark = pytest.mark.services


def _ask(address: str, payload: bytes) -> bytes:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), 5) as sock:
        sock.sendall(payload)
        return sock.recv(1024)


def test_redis_answers_ping(redis_url):
    assert _ask(redis_url.removeprefix("redis://"), b"PING\r\n") == b"+PONG\r\n"


def test_memcached_stores_and_returns(memcached_address):
    assert _ask(memcached_address, b"set k 0 60 2\r\nhi\r\n") == b"STORED\r\n"
    assert _ask(memcached_address, b"get k\r\n").startswith(b"VALUE k 0 2\r\nhi\r\n")


def test_postgres_accepts_connections(postgres_url):
    port = int(postgres_url.rsplit(":", 1)[1].split("/")[0])
    services.wait_for_port(port, timeout=5)
    import subprocess

    done = subprocess.run(["psql", postgres_url, "-tAc", "select 40 + 2"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "42"
