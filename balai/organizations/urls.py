from django.urls import path

from balai.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<str:code>/", views.detail, name="detail"),
]
