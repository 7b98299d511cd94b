from django.urls import path

from balai.payments.views import staff

app_name = "revenue"

urlpatterns = [
    path("", staff.revenue_page, name="report"),
    path("tagihan/", staff.bill_lookup, name="lookup"),
    path("tagihan/<str:code>/", staff.bill_page, name="bill"),
]
