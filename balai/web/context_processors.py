"""Values every page needs: the regency's name and logo."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.BALAI_SITE_NAME,
        "SITE_LOGO": settings.BALAI_SITE_LOGO,
    }
