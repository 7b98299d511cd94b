"""Staff workspace: a citizen's record (/kantor/warga/<id>/), NIK masked; authorised staff may show it
once (every showing is audited)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from balai.accounts.phone import mask_phone
from balai.accounts.selectors import citizen_for_staff
from balai.accounts.services.profile import may_unmask_nik, nik_unmask
from balai.core.exceptions import NotFound
from balai.core.exceptions import PermissionDenied as BalaiPermissionDenied
from balai.core.masking import mask_email


@require_http_methods(["GET", "POST"])
@never_cache
def citizen_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        citizen, profile = citizen_for_staff(actor=request.user, user_id=user_id)
    except BalaiPermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    unmasked_nik = None
    if request.method == "POST":
        try:
            unmasked_nik = nik_unmask(actor=request.user, user=citizen)
        except BalaiPermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
    return render(
        request,
        "accounts/kantor/citizen.html",
        {
            "citizen": citizen,
            "profile": profile,
            "email_masked": mask_email(citizen.email),
            "phone_masked": mask_phone(citizen.phone),
            "can_unmask": may_unmask_nik(request.user) and profile is not None and bool(profile.nik),
            "unmasked_nik": unmasked_nik,
        },
    )
