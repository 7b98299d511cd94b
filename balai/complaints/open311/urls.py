"""``/open311/v2/``: every resource as ``<name>.xml`` or ``<name>.json``; anything else is a 404 error list."""

from django.urls import path, re_path

from balai.complaints.open311 import scopes, views

app_name = "open311"

# Importing the scope module registers the "open311" API-key scope as soon as the URLs are loaded.
SCOPE = scopes.SCOPE

_FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^discovery" + _FMT, views.discovery, name="discovery"),
    re_path(r"^services" + _FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,20})" + _FMT, views.service_definition, name="service"),
    re_path(r"^requests" + _FMT, views.requests_endpoint, name="requests"),
    re_path(r"^requests/(?P<number>[^/]{1,64})" + _FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,64})" + _FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + _FMT, views.updates, name="updates"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
