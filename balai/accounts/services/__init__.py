"""Use cases that change accounts: ``auth`` (registration, sign-in, verification, 2FA), ``verification``
(one-time codes), ``profile`` (citizen identity data, NIK unmasking) and ``privacy`` (personal-data export
and account deletion under UU 27/2022). Import the function from its module."""
