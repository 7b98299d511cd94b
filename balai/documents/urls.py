"""/verifikasi/: check a document by its id or by uploading the PDF (no sign-in)."""

from django.urls import path

from balai.documents.views import public

app_name = "verify"
urlpatterns: list = [
    path("", public.verify, name="form"),
    path("<str:public_id>/", public.document, name="document"),
]
