from django.urls import path

from balai.payments.views import pay

app_name = "pay"

urlpatterns = [
    path("", pay.start, name="start"),
    path("<str:code>/", pay.bill_page, name="bill"),
    path("<str:code>/periksa/", pay.check_status, name="check"),
]
