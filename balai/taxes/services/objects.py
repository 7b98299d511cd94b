"""Registering and changing PBB-P2 tax objects (tax staff only). The NOP is validated by structure and, where the
installation knows its region, districts and villages, against them (``balai.taxes.nop``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balai.audit.services import audit_log
from balai.core.exceptions import Conflict, ValidationFailed, from_django_validation_error
from balai.taxes import nop as nop_rules
from balai.taxes.access import require_tax_staff
from balai.taxes.models import TaxObject, Taxpayer

MAX_AREA_M2 = 100_000_000  # 100 km²: larger is a typing error, not an object
MAX_NJOP_PER_M2 = 1_000_000_000
MAX_LOCATION = 300
NUMBER_FIELDS = ("land_area_m2", "building_area_m2", "njop_land_per_m2", "njop_building_per_m2")


def _whole(value: Any, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool):
        raise ValidationFailed(fields={field: [_("Enter a whole number.")]})
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not text:
            raise ValidationFailed(fields={field: [_("This field is required.")]})
        if not (text.isascii() and text.isdigit()):
            raise ValidationFailed(fields={field: [_("Enter a whole number without separators.")]})
        number = int(text)
    if number < minimum or number > maximum:
        raise ValidationFailed(
            fields={field: [_("Enter a number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}]}
        )
    return number


def _numbers(values: dict[str, Any]) -> dict[str, int]:
    numbers = {
        "land_area_m2": _whole(values.get("land_area_m2"), field="land_area_m2", minimum=1, maximum=MAX_AREA_M2),
        "building_area_m2": _whole(
            values.get("building_area_m2", 0), field="building_area_m2", minimum=0, maximum=MAX_AREA_M2
        ),
        "njop_land_per_m2": _whole(
            values.get("njop_land_per_m2"), field="njop_land_per_m2", minimum=1, maximum=MAX_NJOP_PER_M2
        ),
        "njop_building_per_m2": _whole(
            values.get("njop_building_per_m2", 0), field="njop_building_per_m2", minimum=0, maximum=MAX_NJOP_PER_M2
        ),
    }
    if numbers["building_area_m2"] and not numbers["njop_building_per_m2"]:
        raise ValidationFailed(fields={"njop_building_per_m2": [_("A building needs its NJOP per m².")]})
    return numbers


def _location(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > MAX_LOCATION:
        raise ValidationFailed(
            fields={"location": [_("Ensure this value has at most %(limit)s characters.") % {"limit": MAX_LOCATION}]}
        )
    return text


def _njop(numbers: dict[str, int]) -> int:
    return TaxObject.compute_njop(
        numbers["land_area_m2"],
        numbers["njop_land_per_m2"],
        numbers["building_area_m2"],
        numbers["njop_building_per_m2"],
    )


def _clean(obj: TaxObject) -> None:
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from None


def tax_object_create(*, actor: Any, nop: str, taxpayer: Taxpayer, location: str = "", **values: Any) -> TaxObject:
    require_tax_staff(actor)
    parsed = nop_rules.validate(nop)
    numbers = _numbers(values)
    if taxpayer is None or not taxpayer.is_active:
        raise ValidationFailed(fields={"taxpayer": [_("Choose an active taxpayer.")]})
    obj = TaxObject(nop=parsed.digits, taxpayer=taxpayer, location=_location(location), njop=_njop(numbers), **numbers)
    _clean(obj)
    try:
        with transaction.atomic():
            obj.save(force_insert=True)
            audit_log(
                actor=actor,
                action="tax.object_registered",
                target=obj,
                summary={"nop": obj.nop, "npwpd": taxpayer.npwpd, "njop": obj.njop},
            )
    except IntegrityError:
        raise Conflict(
            _("A tax object with NOP %(nop)s is already registered.") % {"nop": parsed.formatted},
            code="nop_taken",
            fields={"nop": [_("This NOP is already registered.")]},
        ) from None
    return obj


def tax_object_update(
    *, actor: Any, tax_object: TaxObject, taxpayer: Taxpayer, location: str, is_active: bool, **values: Any
) -> TaxObject:
    """Change the owner, the areas or the NJOP of an object. SPPT already issued keep their own figures."""
    require_tax_staff(actor)
    numbers = _numbers(values)
    if taxpayer is None or not taxpayer.is_active:
        raise ValidationFailed(fields={"taxpayer": [_("Choose an active taxpayer.")]})
    with transaction.atomic():
        locked = TaxObject.objects.select_for_update().get(pk=tax_object.pk)
        before = {name: getattr(locked, name) for name in (*NUMBER_FIELDS, "taxpayer_id", "is_active", "location")}
        for name, value in numbers.items():
            setattr(locked, name, value)
        locked.taxpayer = taxpayer
        locked.location = _location(location)
        locked.is_active = bool(is_active)
        locked.njop = _njop(numbers)
        locked.updated_at = timezone.now()
        _clean(locked)
        locked.save(update_fields=[*NUMBER_FIELDS, "taxpayer", "location", "is_active", "njop", "updated_at"])
        after = {name: getattr(locked, name) for name in before}
        audit_log(
            actor=actor,
            action="tax.object_changed",
            target=locked,
            summary={"nop": locked.nop, "changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}},
        )
    return locked
