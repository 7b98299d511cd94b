"""Pages of the accounts app: ``auth`` (/akun/: sign-in, registration, 2FA), ``profile`` (/saya/: the
citizen's own pages) and ``kantor`` (/kantor/warga/: citizens' records for staff)."""
