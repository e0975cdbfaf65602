"""Django's CommonMiddleware back in the stack (the generated project leaves it out)."""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "django.middleware.common.CommonMiddleware"]
