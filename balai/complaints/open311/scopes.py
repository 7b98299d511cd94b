"""The API-key scope that lets an application file complaints through Open311 (``POST requests``).

Registered on import; ``balai.complaints.open311.urls`` imports it, so it is known as soon as the URL
configuration is loaded (every request, and every management command that runs the system checks)."""

from django.utils.translation import gettext_lazy

from balai.api.scopes import register_scope

SCOPE = "open311"

register_scope(SCOPE, gettext_lazy("File complaints through Open311 GeoReport v2 (applications issued a key)"))
