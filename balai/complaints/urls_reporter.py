"""``/saya/pengaduan/``: the signed-in reporter's complaints and the actions on them."""

from django.urls import path

from balai.complaints.views import reporter

app_name = "my_complaints"
urlpatterns = [
    path("", reporter.my_list, name="list"),
    path("<str:number>/", reporter.my_detail, name="detail"),
    path("<str:number>/foto/<int:photo_id>/", reporter.my_photo, name="photo"),
    path("<str:number>/<slug:action>/", reporter.my_action, name="action"),
]
