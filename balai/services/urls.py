from django.urls import path

from balai.services import views, views_apply

app_name = "services"
urlpatterns: list = [
    path("", views.catalogue, name="catalogue"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/ajukan/", views_apply.apply_start, name="apply"),
    path("<str:code>/ajukan/<int:draft_id>/", views_apply.apply_draft, name="apply_draft"),
    path("<str:code>/ajukan/<int:draft_id>/periksa/", views_apply.apply_review, name="apply_review"),
    path("<str:code>/ajukan/<int:draft_id>/hapus/", views_apply.apply_delete_draft, name="apply_delete"),
    path(
        "<str:code>/ajukan/<int:draft_id>/berkas/<int:upload_id>/hapus/",
        views_apply.apply_remove_upload,
        name="apply_remove_upload",
    ),
]
