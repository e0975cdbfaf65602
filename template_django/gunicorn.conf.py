"""Gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html).

Run with `gunicorn` from the project directory (the container's command); every setting below
comes from the environment, and GUNICORN_CMD_ARGS overrides any of them.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Seconds a worker may spend on one request before it is restarted, and to finish on shutdown.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"
# The access log names each request's id (the X-Request-ID response header) like the app's logs.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
