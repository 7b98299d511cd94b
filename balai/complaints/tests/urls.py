"""The site's URLs with the complaints app's own routes mounted as ``balai/urls.py`` mounts them once
integrated (before ``saya/``, ``kantor/`` and the public ``pengaduan/`` pages); routes already there are not
added twice."""

from django.urls import include, path

from balai.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the error pages
from balai.urls import urlpatterns as site_urlpatterns

_OWN = [
    ("complaints", path("pengaduan/", include("balai.complaints.urls_filing"))),
    ("my_complaints", path("saya/pengaduan/", include("balai.complaints.urls_reporter"))),
    ("complaints_staff", path("kantor/pengaduan/", include("balai.complaints.urls_staff"))),
]
_present = {getattr(p, "namespace", None) for p in site_urlpatterns}
urlpatterns = [route for namespace, route in _OWN if namespace not in _present] + list(site_urlpatterns)
