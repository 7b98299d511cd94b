"""Citizens' records in the staff workspace, mounted at /kantor/warga/."""

from django.urls import path

from balai.accounts.views import kantor

app_name = "kantor_warga"
urlpatterns = [
    path("<int:user_id>/", kantor.citizen_detail, name="citizen"),
]
