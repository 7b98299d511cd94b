"""``/pengaduan/`` routes of the complaints app: filing, confirming the contact, the reporter without an account,
following. Mounted before the public pages (``balai.complaints.public.urls``), whose ``<number>/`` pattern
would otherwise catch ``baru/``."""

from django.urls import path

from balai.complaints.views import filing, reporter

app_name = "complaints"
urlpatterns = [
    path("baru/", filing.file_complaint, name="file"),
    path("konfirmasi/<str:number>/", filing.confirm, name="confirm"),
    path("pelapor/", reporter.tracking_access, name="reporter_access"),
    path("pelapor/<str:number>/", reporter.tracked_detail, name="tracked"),
    path("pelapor/<str:number>/foto/<int:photo_id>/", reporter.tracked_photo, name="tracked_photo"),
    path("pelapor/<str:number>/<slug:action>/", reporter.tracked_action, name="tracked_action"),
    path("berhenti-mengikuti/<str:token>/", filing.unfollow, name="unfollow"),
    path("<str:number>/ikuti/", filing.follow, name="follow"),
    path("<str:number>/berhenti-mengikuti/", filing.unfollow_signed_in, name="unfollow_signed_in"),
]
