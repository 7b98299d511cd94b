"""Sign-in and account pages under /akun/."""

from django.urls import path

from balai.accounts.views import auth, two_factor

app_name = "accounts"

urlpatterns = [
    path("masuk/", auth.LoginView.as_view(), name="login"),
    path("keluar/", auth.LogoutView.as_view(), name="logout"),
    path("daftar/", auth.register, name="register"),
    path("verifikasi/", auth.verify, name="verify"),
    path("lupa-sandi/", auth.password_reset, name="password_reset"),
    path("lupa-sandi/kode/", auth.password_reset_code, name="password_reset_code"),
    path("lupa-sandi/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("ubah-sandi/", auth.password_change, name="password_change"),
    path("ubah-email/", auth.email_change, name="email_change"),
    path("ubah-email/konfirmasi/", auth.email_change_confirm, name="email_change_confirm"),
    path("ubah-hp/", auth.phone_change, name="phone_change"),
    path("ubah-hp/konfirmasi/", auth.phone_change_confirm, name="phone_change_confirm"),
    path("2fa/daftar/", two_factor.enrol, name="two_factor_enrol"),
    path("2fa/masuk/", two_factor.verify, name="two_factor_verify"),
]
