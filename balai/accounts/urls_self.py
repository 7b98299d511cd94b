"""The citizen's own pages, mounted at /saya/."""

from django.urls import path

from balai.accounts.views import profile

app_name = "saya"
urlpatterns = [
    path("", profile.overview, name="overview"),
    path("profil/", profile.profile_edit, name="profile"),
    path("data/", profile.data_export, name="data"),
    path("hapus-akun/", profile.account_delete_view, name="delete"),
]
