"""Time (or profile) one WSGI app in-process, without a server or the network.

Run inside a generated project's venv from its directory, with its production environment:

    python wsgi.py config.wsgi:application /health [/api/v1/items/ ...] [--n 2000] [--profile]

Prints CPU microseconds per request for each path (process time, so that other load on the
machine counts less; the median of 5 batches), or, with --profile,
cProfile's top functions by cumulative time. The request looks like the one gunicorn passes on
behind the HTTPS proxy (wsgi.url_scheme https, X-Forwarded-Proto: https, from 127.0.0.1).
"""

import argparse
import cProfile
import importlib
import io
import os
import pstats
import statistics
import sys
import time


def environ(path: str) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app, path: str) -> None:
    status = []
    body = app(environ(path), lambda s, h, e=None: status.append(s))
    for _ in body:
        pass
    if hasattr(body, "close"):
        body.close()
    assert status[0].startswith("200"), (path, status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("app")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=45, help="functions shown with --profile")
    args = parser.parse_args()
    sys.path[:0] = [os.getcwd(), os.path.join(os.path.dirname(__file__), "..", "baselines")]
    module, _, name = args.app.partition(":")
    app = getattr(importlib.import_module(module), name)
    for path in args.paths:
        for _ in range(200):  # warm-up: connections, caches, lazy imports
            call(app, path)
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.n):
                call(app, path)
            profile.disable()
            print(f"== {path}")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
            continue
        batches = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(args.n // 5):
                call(app, path)
            batches.append((time.process_time() - start) / (args.n // 5) * 1e6)
        print(f"{path}\t{statistics.median(batches):.0f} us")


if __name__ == "__main__":
    main()
