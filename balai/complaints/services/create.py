"""Filing a complaint: on the web (with or without an account), at a counter, through the API or Open311.

Everything is checked before anything is stored: category and its extra questions, description, location,
photos, privacy, reporter. The complaint is a case of the complaint workflow; it counts at once when the
reporter is known (an account, or a person at the counter) and only after the reporter confirms their
contact otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.accounts.phone import normalize_phone
from balai.audit.services import audit_log
from balai.cases.models import Case, CaseType, Channel, Confidentiality, TimelineEntry, TimelineKind
from balai.cases.services import event_payload, format_case_number, new_verification_code, next_sequence
from balai.cases.services.common import recompute_clock
from balai.cases.totals import mark_changed
from balai.complaints.categories import clean_attribute_answers
from balai.complaints.masking import mask_personal_data
from balai.complaints.models import MAX_DESCRIPTION_LENGTH, MAX_PHOTOS, Complaint, ComplaintCategory, ComplaintPhoto
from balai.complaints.models import Privacy as PrivacyChoice
from balai.complaints.photos import CleanPhoto, clean_photo, delete_stored, store_photo
from balai.complaints.services.common import (
    COUNTER_ROLES,
    MAX_ADDRESS_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TITLE_LENGTH,
    NUMBER_PREFIX,
    answering_agency,
    clean_text,
    coordinator_agency,
    current_settings,
    working_deadline,
)
from balai.complaints.services.contact import contact_index, send_contact_code
from balai.complaints.workflows import CONTACT_CHECK, VERIFICATION, ensure_complaint_workflow
from balai.core.calendar import CALENDAR_TZ
from balai.core.events import publish
from balai.core.exceptions import PermissionDenied, RateLimited, ValidationFailed
from balai.organizations.models import District
from balai.organizations.scoping import organization_ids_for

ANONYMOUS_NAME = "Anonim"
# A contact may have this many complaints waiting for confirmation at once (stops floods of unconfirmed ones).
MAX_PENDING_PER_CONTACT = 5
SIX_PLACES = Decimal("0.000001")


def _coordinate(
    value: Any, *, name: str, label: str, low: int, high: int, errors: dict[str, list[str]]
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors[name] = [_("Enter the %(name)s as a number.") % {"name": label}]
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = [_("Enter the %(name)s as a number.") % {"name": label}]
        return None
    if not number.is_finite() or not low <= number <= high:
        errors[name] = [
            _("The %(name)s must be between %(low)d and %(high)d.") % {"name": label, "low": low, "high": high}
        ]
        return None
    return number.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def clean_location(
    latitude: Any, longitude: Any, address: Any, *, required: bool
) -> tuple[Decimal | None, Decimal | None, str]:
    """A point (both coordinates within range, six decimals) and/or an address; one of them when
    ``required``. Raises ValidationFailed naming the field."""
    errors: dict[str, list[str]] = {}
    lat = _coordinate(latitude, name="latitude", label=_("latitude"), low=-90, high=90, errors=errors)
    lon = _coordinate(longitude, name="longitude", label=_("longitude"), low=-180, high=180, errors=errors)
    place = clean_text(address)
    if len(place) > MAX_ADDRESS_LENGTH:
        errors["address"] = [_("The address is too long (at most %(max)d characters).") % {"max": MAX_ADDRESS_LENGTH}]
    if not errors and (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        errors[missing] = [_("Give both the latitude and the longitude of the place.")]
    if not errors and required and lat is None and not place:
        errors["location"] = [_("This category needs the place: choose it on the map or describe the address.")]
    if errors:
        raise ValidationFailed(_("The location is not valid."), code="invalid_location", fields=errors)
    return lat, lon, place


def _clean_contact(email: Any, phone: Any, errors: dict[str, list[str]]) -> tuple[str, str]:
    address = str(email or "").strip()
    number = str(phone or "").strip()
    if address:
        try:
            if len(address) > 254:
                raise ValidationError("too long")
            validate_email(address)
            address = address.lower()
        except ValidationError:
            errors["reporter_email"] = [_("Enter a valid e-mail address.")]
    if number:
        try:
            number = normalize_phone(number)
        except ValidationError as exc:
            errors["reporter_phone"] = [str(m) for m in exc.messages]
    return address, number


def _clean_photos(photos: Iterable[Any]) -> list[CleanPhoto]:
    items = [p for p in photos if p is not None]
    if len(items) > MAX_PHOTOS:
        raise ValidationFailed(
            fields={"photos": [_("Attach at most %(max)d photos.") % {"max": MAX_PHOTOS}]}, code="too_many_photos"
        )
    return [clean_photo(item) for item in items]


def _reporter(
    actor: Any, channel: str, name: str, email: str, phone: str, privacy: str, errors: dict[str, list[str]]
) -> tuple[Any, str, bool]:
    """(applicant account or None, walk-in name for the case, counts at once)."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if channel == Channel.COUNTER:
        if not signed_in:
            raise PermissionDenied(_("Only officers file complaints at the counter."))
        if not organization_ids_for(actor, roles=COUNTER_ROLES):
            raise PermissionDenied(
                _("Only front-office staff and complaint administrators file complaints for someone else."),
                code="role_not_allowed",
            )
        if not name and privacy != PrivacyChoice.ANONYMOUS:
            errors["reporter_name"] = [_("Enter the reporter's name, or choose anonymous.")]
        return None, name or ANONYMOUS_NAME, True
    if signed_in:
        if not getattr(actor, "is_active", False):
            raise PermissionDenied()
        return actor, "", True
    if not email and not phone and "reporter_email" not in errors and "reporter_phone" not in errors:
        errors["contact"] = [_("Sign in, or give an e-mail address or mobile number to confirm your complaint.")]
    walk_in = ANONYMOUS_NAME if privacy == PrivacyChoice.ANONYMOUS or not name else name
    return None, walk_in, False


def _district(value: Any) -> District | None:
    if value in (None, ""):
        return None
    if isinstance(value, District):
        return value
    found = District.objects.filter(code=str(value).strip()[:16]).first()
    if found is None:
        raise ValidationFailed(fields={"district": [_("Choose a district from the list.")]})
    return found


def complaint_create(
    *,
    actor: Any,
    category: ComplaintCategory | str,
    description: str,
    privacy: str,
    channel: str,
    latitude: Any = None,
    longitude: Any = None,
    address: str = "",
    attributes: dict | None = None,
    photos: Iterable[Any] = (),
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    title: str = "",
    district: Any = None,
) -> Complaint:
    """File a complaint and return it (``complaint.case`` is its case).

    ``actor``: the signed-in reporter (web, api, open311), an officer filing at the counter (``channel``
    "counter", the reporter is then the walk-in person named by ``reporter_*``), or None for a reporter without
    an account, who must give an e-mail address or a mobile number: the complaint waits until they confirm
    it with the code sent there (``is_published`` False). ``category`` is a category or its code; a category
    that forces confidentiality makes the complaint confidential whatever ``privacy`` says. ``photos`` are
    uploaded files (at most five JPEG, PNG or WebP images), stored without their metadata. ``district`` (a
    District or its code) routes categories answered by the district office.

    Raises ValidationFailed (field messages), PermissionDenied or RateLimited; nothing is stored then.
    Publishes ``complaint.submitted`` (and ``complaint.published`` when it counts at once)."""
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Unknown channel.")]})
    if isinstance(category, str):
        category = ComplaintCategory.objects.select_related("routes_to").filter(code=category, is_active=True).first()
    if not isinstance(category, ComplaintCategory) or not category.is_active:
        raise ValidationFailed(fields={"category": [_("Choose a category from the list.")]}, code="unknown_category")
    if privacy not in PrivacyChoice.values:
        errors["privacy"] = [_("Choose public, anonymous or confidential.")]
    if category.forces_confidential:
        privacy = PrivacyChoice.CONFIDENTIAL
    text = clean_text(description)
    if not text:
        errors["description"] = [_("Describe the problem.")]
    elif len(text) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = [
            _("The description is too long (at most %(max)d characters; it has %(n)d).")
            % {"max": MAX_DESCRIPTION_LENGTH, "n": len(text)}
        ]
    heading = clean_text(title)
    if len(heading) > MAX_TITLE_LENGTH:
        errors["title"] = [_("The title is too long (at most %(max)d characters).") % {"max": MAX_TITLE_LENGTH}]
    name = clean_text(reporter_name)
    if len(name) > MAX_NAME_LENGTH:
        errors["reporter_name"] = [_("The name is too long (at most %(max)d characters).") % {"max": MAX_NAME_LENGTH}]
    email, phone = _clean_contact(reporter_email, reporter_phone, errors)
    applicant, walk_in_name, counted = _reporter(actor, channel, name, email, phone, privacy, errors)
    lat = lon = where = None
    place = ""
    answers: dict[str, Any] = {}
    try:
        lat, lon, place = clean_location(latitude, longitude, address, required=category.needs_location)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        answers = clean_attribute_answers(category, attributes)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        where = _district(district)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(_("Some of the data is not valid."), fields=errors)
    cleaned_photos = _clean_photos(photos)

    settings_row = current_settings()
    agency = answering_agency(category, where)
    responsible = coordinator_agency(settings_row) or agency
    if responsible is None:
        raise ValidationFailed(
            _("No agency handles this category yet. Choose another category or tell the administrator."),
            code="category_not_routed",
        )
    index = contact_index(email or phone) if (email or phone) and applicant is None else ""
    if not counted and index:
        pending = Complaint.objects.filter(reporter_contact_index=index, case__state__code=CONTACT_CHECK).count()
        if pending >= MAX_PENDING_PER_CONTACT:
            raise RateLimited(
                _("Confirm the complaints you already sent from this contact before sending more."),
                code="too_many_pending",
            )

    workflow = ensure_complaint_workflow()
    state = workflow.states.get(code=VERIFICATION if counted else CONTACT_CHECK)
    now = timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            year = now.astimezone(CALENDAR_TZ).year
            sequence = next_sequence(NUMBER_PREFIX, year)
            case = Case(
                number=format_case_number(NUMBER_PREFIX, year, sequence),
                year=year,
                sequence=sequence,
                verification_code=new_verification_code(),
                case_type=CaseType.COMPLAINT,
                workflow=workflow,
                state=state,
                organization=responsible,
                applicant=applicant,
                walk_in_name=walk_in_name if applicant is None else "",
                channel=channel,
                confidentiality={
                    PrivacyChoice.PUBLIC: Confidentiality.PUBLIC,
                    PrivacyChoice.ANONYMOUS: Confidentiality.NORMAL,
                    PrivacyChoice.CONFIDENTIAL: Confidentiality.CONFIDENTIAL,
                }[privacy],
                answers={},
                submitted_at=now,
                sla_days=None,
            )
            recompute_clock(case, now)
            verification_due = working_deadline(now, settings_row.verification_days) if counted else None
            case.due_at = verification_due
            case.full_clean(validate_unique=False, validate_constraints=False)
            case.save(force_insert=True)
            complaint = Complaint(
                case=case,
                category=category,
                title=heading,
                description=text,
                public_description=mask_personal_data(text),
                attributes=answers,
                privacy=privacy,
                latitude=lat,
                longitude=lon,
                address=place,
                district=where,
                reporter_name=name if applicant is None else "",
                reporter_email=email if applicant is None else "",
                reporter_phone=phone if applicant is None else "",
                reporter_contact_index=index,
                is_published=counted,
                verification_due_at=verification_due,
                created_at=now,
                updated_at=now,
            )
            complaint.full_clean(exclude=["case"], validate_constraints=False)
            complaint.save(force_insert=True)
            for photo in cleaned_photos:
                fields = store_photo(photo, folder=f"complaints/{case.pk}")
                stored.append(fields["storage_name"])
                ComplaintPhoto.objects.create(complaint=complaint, created_at=now, **fields)
            TimelineEntry.objects.create(
                case=case, kind=TimelineKind.SUBMISSION, actor=applicant, to_state=state, is_public=True, created_at=now
            )
            audit_log(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                action="complaint.submitted",
                target=case,
                summary={
                    "number": case.number,
                    "category": category.code,
                    "channel": channel,
                    "privacy": privacy,
                    "organization": responsible.code,
                    "photos": len(cleaned_photos),
                    "counted": counted,
                },
                actor_label="" if getattr(actor, "is_authenticated", False) else "reporter",
            )
            if not counted:
                send_contact_code(complaint)
            mark_changed(case.organization_id)
            payload = event_payload(case, category=category.code, privacy=privacy, is_published=counted)
            publish("complaint.submitted", payload)
            if counted:
                publish("complaint.published", payload)
    except BaseException:
        delete_stored(stored)
        raise
    return complaint
