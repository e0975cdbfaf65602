import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .exceptions import error_body
from .logs import request_id

# An incoming X-Request-ID is kept when it is a plain token of reasonable length.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    """Tag the request with an id, for the logs and the response's X-Request-ID header: the
    client's (or proxy's) X-Request-ID when it is valid, otherwise a new one. The id stays set
    after the response, so Django's own "Not Found" or "Bad Request" log lines carry it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        current = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request_id.set(current)
        response = self.get_response(request)
        response["X-Request-ID"] = current
        return response


class RequestSizeLimitMiddleware:
    """Answer a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a JSON 413 before anything reads it.

    Django applies that limit to form data and `request.body` only; DRF's parsers read the
    request stream directly, so the declared Content-Length is checked here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH") or "0"
        if limit is not None and length.isdigit() and int(length) > limit:
            detail = _("The request body exceeds %(limit)d bytes.") % {"limit": limit}
            return JsonResponse(error_body(413, detail), status=413)
        return self.get_response(request)
