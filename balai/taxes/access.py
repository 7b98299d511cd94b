"""Who may do what with taxes.

- The revenue agency is the organization whose code is ``settings.BALAI_TAX_AGENCY`` (default ``BAPENDA``). Its
  staff with the role ``tax_officer`` or ``head`` (directly or through a parent organization), and platform
  administrators, work on taxes: the /kantor/pajak/ pages, the arrears API, SPPT generation. Nobody else.
- A taxpayer's linked accounts see that taxpayer's objects, assessments, returns and bills, and file its returns.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from balai.core.exceptions import Conflict, PermissionDenied
from balai.organizations.models import Organization, Role
from balai.organizations.scoping import is_platform_admin, roles_in

DEFAULT_TAX_AGENCY = "BAPENDA"
TAX_ROLES = frozenset({Role.TAX_OFFICER, Role.HEAD})


def tax_agency_code() -> str:
    return str(getattr(settings, "BALAI_TAX_AGENCY", DEFAULT_TAX_AGENCY) or DEFAULT_TAX_AGENCY).strip().upper()


def tax_agency() -> Organization:
    """The revenue agency that bills taxes; ``Conflict`` when the installation has none yet."""
    code = tax_agency_code()
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        raise Conflict(
            _("The revenue agency %(code)s is not set up: an administrator adds it under Organizations.")
            % {"code": code},
            code="no_tax_agency",
        )
    return organization


def is_tax_staff(user: Any) -> bool:
    """Answered once per user object (a request's user asks several times while a page is built)."""
    if is_platform_admin(user):
        return True
    if not getattr(user, "is_staff_member", False):
        return False
    cached = getattr(user, "_balai_tax_staff", None)
    if cached is not None:
        return bool(cached)
    organization_id = Organization.objects.filter(code=tax_agency_code()).values_list("id", flat=True).first()
    answer = organization_id is not None and bool(roles_in(user, organization_id) & TAX_ROLES)
    user._balai_tax_staff = answer
    return answer


def require_tax_staff(actor: Any) -> None:
    """``actor=None`` is the system (event consumers, management commands); a person must be tax staff."""
    if actor is None:
        return
    if not is_tax_staff(actor):
        raise PermissionDenied(
            _("Only tax officers and heads of the revenue agency may do this."), code="not_tax_staff"
        )
