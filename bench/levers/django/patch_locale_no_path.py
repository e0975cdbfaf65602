"""The removed patch: a copy of Django's LocaleMiddleware without its URL-prefix lookups."""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(locale.LocaleMiddleware):
    def process_request(self, request):
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


MIDDLEWARE = [*MIDDLEWARE, f"{__name__}.LocaleMiddleware"]
