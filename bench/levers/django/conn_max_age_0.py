"""A new database connection per request (CONN_MAX_AGE=0) instead of reusing one for 60 s."""

from config.settings.production import *  # noqa: F403
from config.settings.production import DATABASES

DATABASES = {"default": {**DATABASES["default"], "CONN_MAX_AGE": 0}}
