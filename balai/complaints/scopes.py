"""The API key scopes of the complaints API (registered at start-up, so administrators can grant them before
the API is first called)."""

from django.utils.translation import gettext_lazy

from balai.api.scopes import register_scope

WRITE_SCOPE = "complaints:write"
STAFF_SCOPE = "complaints:staff"


def register() -> None:
    from balai.complaints.open311 import scopes as _open311  # noqa: F401 - registers the "open311" scope

    register_scope(WRITE_SCOPE, gettext_lazy("File complaints and act on your own complaints"))
    register_scope(STAFF_SCOPE, gettext_lazy("Read and handle the complaints of your agencies (government staff)"))
