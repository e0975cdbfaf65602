"""django-filter's own DjangoFilterBackend, without the project's skip when no filter is named."""

from config.settings.production import *  # noqa: F403
from config.settings.production import REST_FRAMEWORK

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        *REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"][1:],
    ],
}
