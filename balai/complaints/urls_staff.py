"""``/kantor/pengaduan/``: the staff's complaints, one complaint and its steps, and filing at the counter."""

from django.urls import path

from balai.complaints.views import filing, staff

app_name = "complaints_staff"
urlpatterns = [
    path("", staff.complaint_list, name="list"),
    path("loket/", filing.counter_file, name="counter"),
    path("<str:number>/", staff.complaint_detail, name="detail"),
    path("<str:number>/langkah/<slug:step>/", staff.complaint_step, name="step"),
    path("<str:number>/catatan/", staff.complaint_note, name="note"),
    path("<str:number>/penugasan/", staff.complaint_assign, name="assign"),
    path("<str:number>/foto/<int:photo_id>/", staff.complaint_photo, name="photo"),
]
