from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` from 1 and `?page_size=` from 1, capped at 100. A page that is not a whole
    number of at least 1, or past the end, is a 404; such a page size is a 400."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request, paginator):
        # DRF reads an empty `?page=` as 1 and `?page=last` as the last page; Django's
        # paginator refuses both, like any other page that is not a number.
        return request.query_params.get(self.page_query_param, 1)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            message = _("A whole number of at least 1 is required.")
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
