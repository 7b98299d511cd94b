from django.urls import path

from balai.web import views

app_name = "kantor"

urlpatterns = [
    path("", views.home, name="home"),
]
