from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .exceptions import error_body


class RequestSizeLimitMiddleware:
    """Answer a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a JSON 413 before anything reads it.

    Django applies that limit to form data and `request.body` only; DRF's parsers read the
    request stream directly, so the declared Content-Length is checked here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH") or "0"
        if limit is not None and length.isdigit() and int(length) > limit:
            detail = _("The request body exceeds %(limit)d bytes.") % {"limit": limit}
            return JsonResponse(error_body(413, detail), status=413)
        return self.get_response(request)
