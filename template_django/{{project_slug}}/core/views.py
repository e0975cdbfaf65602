"""Liveness and readiness probes, and JSON answers for errors outside DRF's views."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .exceptions import error_body

logger = logging.getLogger(__name__)


@extend_schema(exclude=True)
class ProbeView(APIView):
    """Probes answer anyone, unthrottled, outside the API versions."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    versioning_class = None


def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no backing service. A plain Django view: DRF's
    request wrapping, content negotiation and rendering would double the cost of the probe
    that load balancers call most."""
    if request.method not in ("GET", "HEAD"):
        detail = _('Method "%(method)s" not allowed.') % {"method": request.method}
        response = JsonResponse(error_body(405, detail), status=405)
        response["Allow"] = "GET, HEAD"
        return response
    return JsonResponse({"status": "ok"})


class ReadyView(ProbeView):
    """Readiness: the database and the cache answer; 503 names the one that does not."""

    def get(self, request: Request) -> Response:
        checks = {"database": database_check(), "cache": cache_check()}
        ready = all(result == "ok" for result in checks.values())
        return Response(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            status=200 if ready else 503,
        )


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Readiness check: the database does not answer")
        return "error"
    return "ok"


def cache_check() -> str:
    try:
        cache.set("ready-probe", "ok", timeout=10)
        answered = cache.get("ready-probe") == "ok"
    except Exception:  # each cache backend raises its own client's errors
        logger.exception("Readiness check: the cache does not answer")
        return "error"
    return "ok" if answered else "error"


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse(error_body(400, _("Bad request.")), status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse(error_body(403, _("Permission denied.")), status=403)


@csrf_exempt  # an unknown path is a 404 whatever the method, never a CSRF failure
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler404, and the view of every unknown path under /api/: a JSON 404 with DEBUG on
    too, where Django would answer its HTML debug page."""
    return JsonResponse(error_body(404, _("Not found.")), status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body(500, _("A server error occurred.")), status=500)
