"""Django's LocaleMiddleware in the stack: messages in the client's Accept-Language."""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "django.middleware.locale.LocaleMiddleware"]
