"""POST requests: an application holding an API key with the ``open311`` scope files a complaint for one of
its users. The arguments are read and checked here; the complaint itself is made by ``complaint_create``
(the same rules as the web form: the category's questions, the location where the category needs one, the
forced confidentiality, the photos' content check), so nothing half-made is ever stored."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from balai.api.models import ApiKey
from balai.api.services import api_key_authenticate
from balai.cases.models import Channel
from balai.complaints.models import MAX_DESCRIPTION_LENGTH, MAX_PHOTOS, Complaint, ComplaintCategory, Privacy
from balai.complaints.open311.errors import Open311Error
from balai.complaints.open311.params import parse_attributes, parse_location, value_of
from balai.complaints.open311.scopes import SCOPE
from balai.core.exceptions import BalaiError, NotAuthenticated, PermissionDenied, ValidationFailed

MAX_NAME = 100
MAX_CONTACT = 254
# Where the spec's names differ from complaint_create's.
_FIELD_NAMES = {
    "category": "service_code",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "reporter_email": "email",
    "reporter_phone": "phone",
    "reporter_name": "first_name",
    "photos": "media",
    "contact": "email",
}


def authenticate(request: HttpRequest) -> ApiKey:
    """The usable key with the ``open311`` scope sent as ``api_key`` (or the X-API-Key header); 403 else."""
    raw = value_of(request.POST, "api_key") or request.headers.get("X-API-Key", "").strip()
    if not raw:
        raise Open311Error.forbidden(_("api_key is required to create a service request."))
    key = api_key_authenticate(raw)
    if key is None:
        raise Open311Error.forbidden(_("The api_key is not valid, has expired or was revoked."))
    if not key.has_scope(SCOPE):
        raise Open311Error.forbidden(_("This api_key may not create service requests (it lacks the open311 scope)."))
    return key


@dataclass(frozen=True)
class Filing:
    category: ComplaintCategory
    description: str
    privacy: str
    latitude: Any
    longitude: Any
    address: str
    attributes: dict[str, Any]
    reporter_name: str
    reporter_email: str
    reporter_phone: str
    photos: list[Any]


def read_filing(request: HttpRequest) -> Filing:
    """Check the POST's arguments in the spec's order of importance; raises Open311Error (400/404)."""
    data: QueryDict = request.POST
    code = value_of(data, "service_code")
    if not code:
        raise Open311Error.bad_request(_("service_code was not provided."))
    category = ComplaintCategory.objects.filter(open311_code=code, is_active=True).first()
    if category is None:
        raise Open311Error.not_found(_("service_code %(code)s was not found.") % {"code": code[:20]})
    latitude, longitude, address = parse_location(data)
    description = (data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise Open311Error.bad_request(
            _("description may have at most %(limit)s characters (it has %(length)s).")
            % {"limit": MAX_DESCRIPTION_LENGTH, "length": len(description)}
        )
    privacy = value_of(data, "privacy") or Privacy.PUBLIC
    if privacy not in Privacy.values:
        raise Open311Error.bad_request(_("privacy must be one of: %(values)s.") % {"values": ", ".join(Privacy.values)})
    names = [value_of(data, "first_name"), value_of(data, "last_name")]
    if any(len(name) > MAX_NAME for name in names):
        raise Open311Error.bad_request(
            _("first_name and last_name may have at most %(limit)s characters each.") % {"limit": MAX_NAME}
        )
    email, phone = value_of(data, "email"), value_of(data, "phone")
    if len(email) > MAX_CONTACT or len(phone) > 32:
        raise Open311Error.bad_request(_("email or phone is too long."))
    photos = request.FILES.getlist("media")
    if len(photos) > MAX_PHOTOS:
        raise Open311Error.bad_request(_("At most %(limit)s photos per request.") % {"limit": MAX_PHOTOS})
    return Filing(
        category=category,
        description=description,
        privacy=privacy,
        latitude=latitude,
        longitude=longitude,
        address=address,
        attributes=parse_attributes(data),
        reporter_name=" ".join(name for name in names if name),
        reporter_email=email,
        reporter_phone=phone,
        photos=photos,
    )


def _errors_from(exc: BalaiError) -> list[tuple[int | str, str]]:
    """One error per message, named as the client wrote the argument (``lat``, ``attribute[hazard]``)."""
    if not exc.fields:
        return [(400, str(exc.message))]
    errors: list[tuple[int | str, str]] = []
    for field, messages in exc.fields.items():
        name = _FIELD_NAMES.get(field, field)
        for message in messages:
            errors.append((400, str(message) if name == "__all__" else f"{name}: {message}"))
    return errors


def new_token() -> str:
    return secrets.token_urlsafe(18)


def file_request(*, key: ApiKey, filing: Filing) -> tuple[Any, str]:
    """Create the complaint as the key's owner (the application); returns (complaint, token)."""
    from balai.complaints.services import complaint_create

    token = new_token()
    try:
        with transaction.atomic():
            complaint = complaint_create(
                actor=key.owner,
                category=filing.category,
                description=filing.description,
                privacy=filing.privacy,
                channel=Channel.OPEN311,
                latitude=filing.latitude,
                longitude=filing.longitude,
                address=filing.address,
                attributes=filing.attributes,
                photos=filing.photos,
                reporter_name=filing.reporter_name,
                reporter_email=filing.reporter_email,
                reporter_phone=filing.reporter_phone,
            )
            # The token lets the client find its request again (GET tokens/<token>), in the same transaction.
            Complaint.objects.filter(pk=complaint.pk).update(open311_token=token)
            complaint.open311_token = token
    except (NotAuthenticated, PermissionDenied) as exc:
        raise Open311Error(403, [(403, str(exc.message))]) from exc
    except ValidationFailed as exc:
        raise Open311Error(400, _errors_from(exc)) from exc
    except BalaiError as exc:
        raise Open311Error(400, [(400, str(exc.message))]) from exc
    return complaint, token
