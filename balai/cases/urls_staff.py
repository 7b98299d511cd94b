"""/kantor/perkara/: the staff worklist, the case page and counter filing."""

from django.urls import path

from balai.cases import views_staff as views

app_name = "worklist"
urlpatterns: list = [
    path("", views.worklist, name="list"),
    path("tugaskan/", views.bulk_assign, name="bulk_assign"),
    path("loket/", views.counter, name="counter"),
    path("loket/tanda-terima/<str:number>/", views.counter_receipt, name="counter_receipt"),
    path("loket/<str:code>/", views.counter_file_view, name="counter_file"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/langkah/", views.case_transition_view, name="transition"),
    path("<str:number>/catatan/", views.case_note_view, name="note"),
    path("<str:number>/penugasan/", views.case_assign_view, name="assign"),
    path("<str:number>/perpanjangan/", views.case_extend_view, name="extend"),
    path("<str:number>/nik/", views.case_unmask_nik, name="unmask_nik"),
    path("<str:number>/dokumen/<int:attachment_id>/", views.case_document, name="document"),
]
