"""The demo document templates of Kabupaten Contoh (``demo_data/templates.yaml``): one per service whose output is
a signed PDF, with the issuing agency's letterhead, a fictional signing official and the regency's capital as
the place of signing.

Idempotent: a template is created when missing and never overwritten, so an administrator's later edits survive
the next ``load_demo``. Needs the organizations, the region and the services (``balai.demo``) loaded first; an
entry whose service is missing is skipped. Templates go through ``document_template_save``, so they get the same
checks (every placeholder exists in the service's form) and their first version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from balai.documents.models import DocumentKind, DocumentTemplate
from balai.documents.services import document_template_save
from balai.documents.services.content import current_region
from balai.organizations.models import Organization
from balai.services.models import Service

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "templates.yaml"
ACTOR_LABEL = "load_demo"


def read_templates(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return list((yaml.safe_load(handle) or {}).get("templates") or [])


def _letterhead_lines(organization: Organization) -> str:
    contact = " · ".join(
        part
        for part in (
            f"Telepon {organization.phone}" if organization.phone else "",
            organization.email,
            organization.website,
        )
        if part
    )
    return "\n".join(line for line in (organization.address, contact) if line)


def load_document_templates(*, result: Any = None, entries: list[dict[str, Any]] | None = None) -> dict[str, int]:
    """Create the missing demo templates in one transaction; returns {"document templates": created}.
    ``result`` (the demo loader's counter, optional) is told too."""
    entries = entries if entries is not None else read_templates()
    existing_codes = set(DocumentTemplate.objects.values_list("code", flat=True))
    taken_services = set(
        DocumentTemplate.objects.filter(kind=DocumentKind.OUTPUT, service__isnull=False).values_list(
            "service__code", flat=True
        )
    )
    pending = [e for e in entries if e["code"] not in existing_codes and e["service"] not in taken_services]
    services = {s.code: s for s in Service.objects.filter(code__in=[e["service"] for e in pending])} if pending else {}
    pending = [e for e in pending if e["service"] in services]
    if not pending:
        return {"document templates": 0}
    organizations = {o.code: o for o in Organization.objects.all()}
    region = current_region()
    place = region.capital if region is not None and region.capital else "Kota Lama"
    created = 0
    with transaction.atomic():
        for entry in pending:
            service = services[entry["service"]]
            organization = organizations.get(entry.get("organization") or "")
            signer = entry.get("signer") or {}
            data = {
                "code": entry["code"],
                "kind": DocumentKind.OUTPUT,
                "service": service,
                "organization": organization,
                "document_type": entry["document_type"],
                "title": entry["title"],
                "letterhead_name": organization.name if organization is not None else "",
                "letterhead_lines": _letterhead_lines(organization) if organization is not None else "",
                "reference_pattern": entry["reference_pattern"],
                "body": entry["body"].strip(),
                "signer_name": signer.get("name", ""),
                "signer_position": signer.get("position", ""),
                "signer_nip": str(signer.get("nip", "")),
                "place": entry.get("place") or place,
            }
            document_template_save(actor=None, template=DocumentTemplate(), data=data, actor_label=ACTOR_LABEL)
            created += 1
    if result is not None and created:
        result.count("document templates", created)
    return {"document templates": created}
