from django.urls import path

from balai.web import views

app_name = "kantor"

urlpatterns = [
    path("", views.kantor_home, name="home"),
    path("komponen/", views.components, name="components"),
]
