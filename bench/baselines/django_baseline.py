"""The Django ceiling: one module that is the settings, the URLs and the WSGI app.

Two bare views doing the generated project's work by hand: `/health` and a page of the items
table (`items_item`, the generated project's own) in the same JSON envelope, page size 20 (up to
100 with `?page_size=`), ordered by id. No middleware, no DRF. Served by gunicorn from the
generated project's directory, with its venv:
    DJANGO_SETTINGS_MODULE=django_baseline gunicorn --pythonpath bench/baselines django_baseline:application
"""

import os
from urllib.parse import urlencode

import django
from django.db import models
from django.http import Http404, JsonResponse
from django.urls import path

# ------------------------------------------------------------------ settings
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = __name__
USE_TZ = True
TIME_ZONE = "UTC"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["DATABASE_URL"].removeprefix("sqlite:///"),
        "CONN_MAX_AGE": 60,  # as the generated production settings
    }
}

django.setup()


class Item(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField()
    is_active = models.BooleanField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        app_label = "baseline"
        db_table = "items_item"
        managed = False


def iso(value):
    return value.isoformat().replace("+00:00", "Z")


def number(value, default):
    return int(value) if value and value.isdigit() and int(value) > 0 else default


def health(request):
    return JsonResponse({"status": "ok"})


def items(request):
    size = min(number(request.GET.get("page_size"), 20), 100)
    page = number(request.GET.get("page", "1"), None)
    count = Item.objects.count()
    last = max(1, -(-count // size))
    if page is None or page > last:
        raise Http404

    def link(n):
        query = request.GET.copy()
        query.pop("page", None)
        if n > 1:
            query["page"] = str(n)
        url = request.build_absolute_uri(request.path)
        return f"{url}?{urlencode(sorted(query.lists()), doseq=True)}" if query else url

    rows = Item.objects.order_by("id")[(page - 1) * size : page * size]
    return JsonResponse(
        {
            "count": count,
            "next": link(page + 1) if page < last else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": [
                {
                    "id": item.id,
                    "name": item.name,
                    "description": item.description,
                    "is_active": item.is_active,
                    "created_at": iso(item.created_at),
                    "updated_at": iso(item.updated_at),
                }
                for item in rows
            ],
        }
    )


urlpatterns = [path("health", health), path("api/v1/items/", items)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
