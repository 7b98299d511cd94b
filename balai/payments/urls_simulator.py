from django.urls import path

from balai.payments.views import simulator

app_name = "bank_simulator"

urlpatterns = [
    path("", simulator.va_screen, name="va"),
    path("qris/<str:reference>/", simulator.qris_screen, name="qris"),
    path("transaksi/<str:transaction_id>/", simulator.done, name="done"),
    path("transaksi/<str:transaction_id>/kirim-ulang/", simulator.resend, name="resend"),
]
