"""The demo taxes of Kabupaten Contoh (``data/demo.yaml``): taxpayers for the demo citizens and a restaurant, their
PBB-P2 objects, this year's SPPT of those objects and the restaurant's return of last month.

Idempotent: a taxpayer is created when no taxpayer of that name is linked to the demo person yet, an object when
its NOP is free, an SPPT or return when missing; nothing is overwritten. Needs ``load_demo``'s region, agencies and
people first (the integrator calls ``load_tax_demo`` from it); loads the tax configuration itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from balai.accounts.models import User
from balai.taxes.due import local_today
from balai.taxes.models import TaxObject, Taxpayer, TaxReturn
from balai.taxes.services import load_tax_config, tax_object_create, tax_return_file, taxpayer_register
from balai.taxes.services.sppt import assess_objects, object_rows, pbb_config

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"


def read_demo(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return list((yaml.safe_load(handle) or {}).get("taxpayers") or [])


def _account(name: str) -> User | None:
    from balai.demo.loader import email_for

    return User.objects.filter(email=email_for(name)).first()


def _taxpayer(entry: dict[str, Any], account: User | None, counts: dict[str, int]) -> Taxpayer:
    existing = Taxpayer.objects.filter(name=entry["name"], kind=entry["kind"])
    if account is not None:
        existing = existing.filter(links__user=account)
    taxpayer = existing.first()
    if taxpayer is None:
        taxpayer = taxpayer_register(
            actor=None,
            name=entry["name"],
            kind=entry["kind"],
            address=entry.get("address", ""),
            tax_types=entry.get("tax_types") or [],
            accounts=[account] if account is not None else [],
        )
        counts["taxpayers"] += 1
    return taxpayer


def _previous_month(year: int, month: int, back: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - back
    return index // 12, index % 12 + 1


def load_tax_demo(*, result: Any = None) -> dict[str, int]:
    """Load what is missing; returns the counts of what was created (and tells ``result`` when given)."""
    load_tax_config()
    counts = {"taxpayers": 0, "tax objects": 0, "SPPT": 0, "tax returns": 0}
    today = local_today(timezone.now())
    with transaction.atomic():
        for entry in read_demo():
            account = _account(entry.get("account", ""))
            taxpayer = _taxpayer(entry, account, counts)
            for item in entry.get("objects") or []:
                if TaxObject.objects.filter(nop=item["nop"]).exists():
                    continue
                tax_object_create(
                    actor=None,
                    nop=item["nop"],
                    taxpayer=taxpayer,
                    location=item.get("location", ""),
                    land_area_m2=item["land"],
                    building_area_m2=item.get("building", 0),
                    njop_land_per_m2=item["njop_land"],
                    njop_building_per_m2=item.get("njop_building", 0),
                )
                counts["tax objects"] += 1
            for item in entry.get("returns") or []:
                if account is None:
                    continue
                year, month = _previous_month(today.year, today.month, int(item.get("months_ago", 1)))
                if TaxReturn.objects.filter(
                    taxpayer=taxpayer, tax_type__code=item["tax"], period_year=year, period_month=month
                ).exists():
                    continue
                tax_return_file(
                    actor=account,
                    taxpayer=taxpayer,
                    tax_type=item["tax"],
                    year=year,
                    month=month,
                    turnover=item["turnover"],
                )
                counts["tax returns"] += 1
        nops = [item["nop"] for entry in read_demo() for item in entry.get("objects") or []]
        rows = list(object_rows(TaxObject.objects.filter(nop__in=nops, is_active=True).order_by("id"), today.year))
        if rows:
            counts["SPPT"] = assess_objects(actor=None, rows=rows, year=today.year, config=pbb_config()).created
    if result is not None:
        for what, number in counts.items():
            if number:
                result.count(what, number)
    return counts


__all__ = ["load_tax_demo", "read_demo"]
