from django.urls import path

from balai.cases import views_track

app_name = "track"
urlpatterns: list = [
    path("", views_track.track, name="form"),
]
