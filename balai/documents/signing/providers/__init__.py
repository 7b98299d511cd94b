"""The built-in signing providers; importing this package registers them."""

from balai.documents.signing.providers import demo, pkcs12, remote  # noqa: F401
