from django.urls import path

from balai.services import views

app_name = "services"
urlpatterns: list = [
    path("", views.catalogue, name="catalogue"),
    path("<str:code>/", views.detail, name="detail"),
]
