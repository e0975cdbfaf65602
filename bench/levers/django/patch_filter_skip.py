"""The removed patch: django-filter's backend skipped when the request names none of its filters."""

from config.settings.production import *  # noqa: F403
from config.settings.production import REST_FRAMEWORK
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_FILTER_BACKENDS": [
        f"{__name__}.FilterBackend",
        *REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"][1:],
    ],
}
