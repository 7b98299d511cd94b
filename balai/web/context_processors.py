"""Values every page needs: the regency's name and logo, and which section of the site is open.

Nothing here touches the database or the session, so the 500 page can use it too.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static

# First path segment -> the main navigation entry it belongs to.
_NAV_SECTIONS = {
    "": "home",
    "layanan": "services",
    "lacak": "track",
    "instansi": "agencies",
    "verifikasi": "verify",
    "pengaduan": "complaints",
    "pajak": "taxes",
}


def logo_url() -> str:
    logo = settings.BALAI_SITE_LOGO
    if logo.startswith(("https://", "http://", "/")):
        return logo
    return static(logo)


def nav_section(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return _NAV_SECTIONS.get(first, "")


def site_values(path: str = "") -> dict[str, object]:
    return {
        "SITE_NAME": settings.BALAI_SITE_NAME,
        "SITE_LOGO": logo_url(),
        "SITE_CONTACT_EMAIL": getattr(settings, "BALAI_CONTACT_EMAIL", ""),
        "NAV_SECTION": nav_section(path),
    }


def site(request: HttpRequest) -> dict[str, object]:
    return site_values(request.path)
