"""The site's URLs with the complaints app's own routes mounted as ``balai/urls.py`` and the API's router list
mount them once integrated (before ``saya/``, ``kantor/`` and the public ``pengaduan/`` pages); routes
already there are not added twice."""

from django.urls import include, path

from balai.api.routers import ROUTERS
from balai.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the error pages
from balai.urls import urlpatterns as site_urlpatterns

COMPLAINTS_ROUTER = "balai.complaints.api.router"

_OWN = [
    ("complaints", path("pengaduan/", include("balai.complaints.urls_filing"))),
    ("my_complaints", path("saya/pengaduan/", include("balai.complaints.urls_reporter"))),
    ("complaints_staff", path("kantor/pengaduan/", include("balai.complaints.urls_staff"))),
]
_present = {getattr(p, "namespace", None) for p in site_urlpatterns}
urlpatterns = [route for namespace, route in _OWN if namespace not in _present]

if not any(import_path == COMPLAINTS_ROUTER for _prefix, import_path in ROUTERS):
    # The API with only the complaints router, at the address it gets inside /api/v1/ (same auth and errors).
    from balai.api.api import BalaiAPI
    from balai.api.auth import DEFAULT_AUTH
    from balai.api.errors import install_error_handlers

    _api = BalaiAPI(
        title="Balai API (complaints)", version="1-test", urls_namespace="complaints_api", auth=DEFAULT_AUTH
    )
    install_error_handlers(_api)
    _api.add_router("/complaints", COMPLAINTS_ROUTER)
    _patterns, _app, _namespace = _api.urls
    # Only the complaints operations: the rest of /api/v1/ (and its JSON 404) stays the site's.
    _own_api = [
        p for p in _patterns if getattr(p, "name", None) not in {"not-found", "api-root", "docs", "openapi-json"}
    ]
    urlpatterns.append(path("api/v1/", include((_own_api, _app), namespace=_namespace)))

urlpatterns += list(site_urlpatterns)
