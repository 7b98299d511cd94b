"""Public complaint pages, mounted at ``/pengaduan/``. The complaints app's own pages there (the filing form at
``/pengaduan/baru/``) are words without a hyphen and never match a complaint number."""

from django.urls import path, re_path

from balai.complaints.public import views

app_name = "complaints_public"

# A complaint number has at least one hyphen (ADU-2026-000123): words such as "baru" never match it.
NUMBER = r"(?P<number>[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+)"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("peta/", views.complaint_map, name="map"),
    path("statistik/", views.statistics, name="statistics"),
    re_path(rf"^{NUMBER}/$", views.complaint_detail, name="detail"),
    re_path(rf"^{NUMBER}/foto/(?P<photo_id>[0-9]{{1,12}})/$", views.complaint_photo, name="photo"),
]
