"""Stable addresses (see ARCHITECTURE.md). Each app owns the URLs under its prefix."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from balai.api.api import api
from balai.core import health

# /admin/ asks for a verified second factor (TOTP) on top of the password.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = settings.BALAI_SITE_NAME
admin.site.site_title = "Balai"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("balai.web.urls")),
    path("layanan/", include("balai.services.urls")),
    path("lacak/", include("balai.cases.urls_track")),
    path("verifikasi/", include("balai.documents.urls")),
    path("saya/permohonan/", include("balai.cases.urls_citizen")),
    path("kantor/perkara/", include("balai.cases.urls_staff")),
    path("akun/", include("balai.accounts.urls_auth")),
    path("saya/dokumen/", include("balai.documents.urls_self")),
    path("saya/tagihan/", include("balai.payments.urls_citizen")),
    path("bayar/", include("balai.payments.urls_pay")),
    path("simulasi-bank/", include("balai.payments.urls_simulator")),
    path("pajak/cek-tagihan/", include("balai.taxes.urls_public")),
    path("saya/pajak/", include("balai.taxes.urls_self")),
    path("saya/pengaduan/", include("balai.complaints.urls_reporter")),
    path("saya/", include("balai.accounts.urls_self")),
    path("instansi/", include("balai.organizations.urls")),
    path("kantor/warga/", include("balai.accounts.urls_kantor")),
    path("kantor/dokumen/", include("balai.documents.urls_staff")),
    path("kantor/rekonsiliasi/", include("balai.payments.views_reconciliation")),
    path("kantor/pendapatan/", include("balai.payments.urls_staff")),
    path("kantor/pajak/", include("balai.taxes.urls_staff")),
    path("kantor/pengaduan/", include("balai.complaints.urls_staff")),
    path("kantor/", include("balai.web.urls_kantor")),
    # Public complaint pages; their numbers always contain a hyphen (ADU-2026-000123), so the complaints
    # app's own pages under /pengaduan/ (the filing form /pengaduan/baru/) never clash with them.
    path("pengaduan/", include("balai.complaints.urls_filing")),
    path("pengaduan/", include("balai.complaints.public.urls")),
    path("open311/v2/", include("balai.complaints.open311.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "balai.web.views.bad_request"
handler403 = "balai.web.views.permission_denied"
handler404 = "balai.web.views.page_not_found"
handler500 = "balai.web.views.server_error"
