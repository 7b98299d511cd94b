"""The small tables every public complaint row refers to — categories, agencies, districts and the states of
the complaint workflow — read once and kept in the cache (shared by every web process) for a few minutes.

The public list, the map and the Open311 reads name these in every row; reading them from the cache instead
of four queries per request keeps those pages within their time budget on large data. A change saved to one
of these tables drops the copy at once (signals, which STYLE.md allows for cache refreshes), and the copy
expires anyway after ``REFERENCE_SECONDS``, so a change made elsewhere shows within minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from balai.cases.models import WorkflowState
from balai.complaints.models import ComplaintCategory
from balai.complaints.workflows import WORKFLOW_CODE
from balai.organizations.models import District, Organization

REFERENCE_KEY = "complaints:reference:v1"
REFERENCE_SECONDS = 300


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def localised(name: str, name_en: str) -> str:
    return name_en if name_en and english() else name


@dataclass(frozen=True)
class CategoryRef:
    id: int
    code: str
    open311_code: str
    name: str
    name_en: str
    response_days: int
    is_active: bool

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en)


@dataclass(frozen=True)
class AgencyRef:
    id: int
    code: str
    name: str
    name_en: str
    is_active: bool

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en)


@dataclass(frozen=True)
class StateRef:
    id: int
    code: str
    public_name: str
    public_name_en: str
    kind: str

    @property
    def display_name(self) -> str:
        return localised(self.public_name, self.public_name_en)


@dataclass(frozen=True)
class Reference:
    categories: dict[int, CategoryRef]
    agencies: dict[int, AgencyRef]
    districts: dict[int, tuple[str, str]]  # id -> (code, name)
    states: dict[int, StateRef]  # the complaint workflow's, in workflow order


def _load() -> Reference:
    categories = {
        c.pk: CategoryRef(c.pk, c.code, c.open311_code, c.name, c.name_en, c.response_days, c.is_active)
        for c in ComplaintCategory.objects.order_by("position", "name")
    }
    agencies = {
        pk: AgencyRef(pk, code, name, name_en, active)
        for pk, code, name, name_en, active in Organization.objects.order_by("name").values_list(
            "pk", "code", "name", "name_en", "is_active"
        )
    }
    districts = {
        pk: (code, name) for pk, code, name in District.objects.order_by("name").values_list("pk", "code", "name")
    }
    states = {}
    for state in WorkflowState.objects.filter(workflow__code=WORKFLOW_CODE).order_by("position", "id"):
        # What the public sees: the public name, else the name (as WorkflowState.display_public_name does).
        public = state.public_name or state.name
        public_en = state.public_name_en or state.name_en
        states[state.pk] = StateRef(state.pk, state.code, public, public_en, state.kind)
    return Reference(categories=categories, agencies=agencies, districts=districts, states=states)


def reference() -> Reference:
    found = cache.get(REFERENCE_KEY)
    if found is None:
        found = _load()
        cache.set(REFERENCE_KEY, found, REFERENCE_SECONDS)
    return found


def forget_reference(**_kwargs: Any) -> None:
    cache.delete(REFERENCE_KEY)


for _model in (ComplaintCategory, Organization, District, WorkflowState):
    post_save.connect(forget_reference, sender=_model, dispatch_uid=f"complaints-reference-{_model.__name__}-save")
    post_delete.connect(forget_reference, sender=_model, dispatch_uid=f"complaints-reference-{_model.__name__}-delete")
