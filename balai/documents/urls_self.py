"""/saya/dokumen/: the signed-in person's own documents."""

from django.urls import path

from balai.documents.views import citizen

app_name = "my_documents"
urlpatterns: list = [
    path("", citizen.my_documents, name="list"),
    path("<str:public_id>/unduh/", citizen.my_download, name="download"),
]
