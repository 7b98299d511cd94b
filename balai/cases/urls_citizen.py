from django.urls import path

from balai.cases import views_citizen

app_name = "my_cases"
urlpatterns: list = [
    path("", views_citizen.case_list, name="list"),
    path("<str:number>/", views_citizen.case_detail, name="detail"),
    path("<str:number>/tanda-terima/", views_citizen.receipt, name="receipt"),
    path("<str:number>/berkas/<int:attachment_id>/", views_citizen.attachment_download, name="attachment"),
]
