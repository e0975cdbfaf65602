"""Gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html).

Run with `gunicorn` from the project directory; GUNICORN_CMD_ARGS overrides any of these.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
accesslog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
