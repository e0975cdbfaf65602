"""One JSON error shape for every failure: {"status", "code", "detail"} plus "errors" on
validation errors (field -> list of messages)."""

from http import HTTPStatus
from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# The code for each status; 400 and 401 are refined by error_code().
CODES = {
    400: "invalid",
    401: "authentication_failed",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}


def error_body(status: int, detail: str, code: str | None = None, errors: Any = None) -> dict:
    body = {"status": status, "code": code or CODES.get(status, "error"), "detail": str(detail)}
    if errors is not None:
        body["errors"] = errors
    return body


def error_code(exc: Exception, status: int) -> str:
    if isinstance(exc, exceptions.ParseError):
        return "parse_error"
    if isinstance(exc, exceptions.NotAuthenticated):
        return "not_authenticated"
    return CODES.get(status) or str(getattr(exc, "default_code", "error"))


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: DRF's own handler, reshaped. Anything it does not handle is
    left to Django, whose handler500 answers with the same shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        response.data = error_body(status, str(exc.default_detail), "invalid", errors)
    else:
        data = response.data
        detail = data.get("detail") if isinstance(data, dict) else None
        code = error_code(exc, status)
        response.data = error_body(status, detail or HTTPStatus(status).phrase, code)
    return response
