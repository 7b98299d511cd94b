"""/kantor/dokumen/: staff download, revoke and reissue of documents their agencies issued."""

from django.urls import path

from balai.documents.views import staff

app_name = "staff_documents"
urlpatterns: list = [
    path("<str:public_id>/unduh/", staff.staff_download, name="download"),
    path("<str:public_id>/cabut/", staff.revoke, name="revoke"),
    path("<str:public_id>/terbitkan-ulang/", staff.reissue, name="reissue"),
]
