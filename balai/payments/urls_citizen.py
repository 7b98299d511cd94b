from django.urls import path

from balai.payments.views import citizen

app_name = "my_bills"

urlpatterns = [
    path("", citizen.my_bills, name="list"),
    path("<str:code>/", citizen.my_bill, name="detail"),
]
