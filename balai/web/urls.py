from django.urls import path

from balai.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("privasi/", views.privacy, name="privacy"),
    path("aksesibilitas/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
]
