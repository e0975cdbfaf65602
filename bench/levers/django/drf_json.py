"""DRF's own JSONRenderer and JSONParser instead of orjson's (drf-orjson-renderer)."""

from config.settings.production import *  # noqa: F403
from config.settings.production import REST_FRAMEWORK

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
