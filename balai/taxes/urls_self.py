from django.urls import path

from balai.taxes.views import self as views

app_name = "my_taxes"

urlpatterns = [
    path("", views.home, name="home"),
    path("sptpd/", views.file_return, name="file"),
]
