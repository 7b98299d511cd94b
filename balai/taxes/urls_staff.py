from django.urls import path

from balai.taxes.views import staff_liabilities as liabilities
from balai.taxes.views import staff_register as register

app_name = "tax_office"

urlpatterns = [
    path("", register.home, name="home"),
    path("wajib-pajak/", register.taxpayers, name="taxpayers"),
    path("wajib-pajak/baru/", register.taxpayer_new, name="taxpayer_new"),
    path("wajib-pajak/<str:npwpd>/", register.taxpayer_detail, name="taxpayer"),
    path("objek/", register.objects, name="objects"),
    path("objek/baru/", register.object_new, name="object_new"),
    path("objek/<str:nop>/", register.object_detail, name="object"),
    path("sppt/", liabilities.assessments, name="assessments"),
    path("sppt/buat/", liabilities.generate, name="generate"),
    path("sppt/proses/<int:run_id>/", liabilities.run_detail, name="run"),
    path("sptpd/", liabilities.returns, name="returns"),
    path("tunggakan/", liabilities.arrears, name="arrears"),
]
