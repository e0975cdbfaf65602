"""SQL queries per list page, run inside a generated project's venv from its directory.

    python queries.py django|flask <project_slug> /api/v1/items/ 10 100 ...

Prints {"10": n, "100": n, ...} as JSON: the statements the app sent to the database for one
GET of the list at each page size (production settings from the environment, in-process test
client, the request marked as coming through an HTTPS proxy).
"""

import importlib
import json
import os
import sys


def django_counts(slug: str, path: str, sizes: list[int]) -> dict[str, int]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
    counts = {}
    for size in sizes:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"page_size": size})
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == size
        counts[str(size)] = len(queries)
    return counts


def flask_counts(slug: str, path: str, sizes: list[int]) -> dict[str, int]:
    from sqlalchemy import event

    app = importlib.import_module(slug).create_app()
    db = importlib.import_module(f"{slug}.extensions").db
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client = app.test_client()
    counts = {}
    for size in sizes:
        statements.clear()
        response = client.get(path, query_string={"page_size": size}, headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200, response.data
        assert len(response.get_json()["results"]) == size
        counts[str(size)] = len(statements)
    return counts


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())  # the project's own packages (config, ...)
    stack, slug, path, *sizes = sys.argv[1:]
    count = django_counts if stack == "django" else flask_counts
    print(json.dumps(count(slug, path, [int(s) for s in sizes])))
    sys.stdout.flush()
    os._exit(0)
