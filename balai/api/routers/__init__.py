"""The routers that make up ``/api/v1/``, one per bounded context.

A later app adds its endpoints by writing ``balai/api/routers/<app>.py`` (or ``balai/<app>/api.py``)
with a ``router = Router(tags=[...])`` and one line here: the prefix and the import path. Keep the
endpoints thin: parse with a schema, call the app's selector or service, return.
"""

from __future__ import annotations

from ninja import NinjaAPI

ROUTERS: list[tuple[str, str]] = [
    ("/", "balai.api.routers.me.router"),
    ("/organizations", "balai.api.routers.organizations.router"),
    ("/api-keys", "balai.api.routers.api_keys.router"),
    ("/audit", "balai.api.routers.audit.router"),
    ("/services", "balai.api.routers.services.router"),
    ("/", "balai.api.routers.applications.router"),
    ("/staff", "balai.api.routers.staff_cases.router"),
    ("/documents", "balai.documents.api.router"),
    ("/payments", "balai.payments.api.router"),
    ("/taxes", "balai.taxes.api.router"),
    ("/complaints", "balai.complaints.api.router"),
]


def register_routers(api: NinjaAPI) -> None:
    for prefix, import_path in ROUTERS:
        api.add_router(prefix, import_path)
