"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import path

from balai.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request: HttpRequest):
    raise RuntimeError("a bug in a view")


def suspicious(request: HttpRequest):
    raise SuspiciousOperation("tampered input")


urlpatterns = [
    path("_test/boom/", boom),
    path("_test/suspicious/", suspicious),
    *urlpatterns,
]
