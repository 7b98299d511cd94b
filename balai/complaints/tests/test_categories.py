"""The categories loader and the checks of a category's extra questions; the complaint workflow as data."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from balai.cases.models import Workflow
from balai.complaints.categories import attribute_errors, clean_attribute_answers, load_complaint_categories
from balai.complaints.models import ComplaintCategory, ComplaintSettings
from balai.complaints.workflows import TRANSITIONS, ensure_complaint_workflow
from balai.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db


def test_loader_creates_the_categories_once(world):
    assert ComplaintCategory.objects.count() == 15
    pungli = ComplaintCategory.objects.get(code="PUNGLI")
    assert pungli.forces_confidential and pungli.routes_to.code == "INSPEKTORAT"
    assert ComplaintCategory.objects.get(code="KETERTIBAN").by_district
    settings_row = ComplaintSettings.objects.get()
    assert settings_row.coordinator.code == "DISKOMINFO" and settings_row.verification_days == 3
    edited = ComplaintCategory.objects.get(code="SAMPAH")
    edited.response_days = 9
    edited.save()
    assert load_complaint_categories() == 0
    assert ComplaintCategory.objects.get(code="SAMPAH").response_days == 9


@pytest.mark.parametrize(
    "attributes",
    [
        "not a list",
        [{"code": "Bad Code", "description": "x", "datatype": "string"}],
        [{"code": "a", "description": "x", "datatype": "colour"}],
        [{"code": "a", "description": "x", "datatype": "singlevaluelist"}],
        [{"code": "a", "description": "x", "datatype": "string", "values": {"a": "b"}}],
        [
            {"code": "a", "description": "x", "datatype": "string"},
            {"code": "a", "description": "y", "datatype": "string"},
        ],
        [{"code": "a", "description": "", "datatype": "string"}],
        [{"code": "a", "description": "x", "datatype": "string", "surprise": 1}],
    ],
)
def test_bad_questions_are_refused(world, attributes):
    assert attribute_errors(attributes)
    category = ComplaintCategory.objects.get(code="LAINNYA")
    category.attributes = attributes
    with pytest.raises(ValidationError):
        category.full_clean()


def test_answers_are_checked_by_type(world):
    category = ComplaintCategory(
        attributes=[
            {"code": "n", "description": "Jumlah", "datatype": "number", "required": True},
            {"code": "m", "description": "Pilih", "datatype": "multivaluelist", "values": {"a": "A", "b": "B"}},
            {"code": "d", "description": "Kapan", "datatype": "datetime"},
        ]
    )
    cleaned = clean_attribute_answers(category, {"n": "3", "m": ["a", "b", "a"], "d": "2026-05-01T08:30:00+07:00"})
    assert cleaned == {"n": 3, "m": ["a", "b"], "d": "2026-05-01T08:30:00+07:00"}
    for bad in ({"n": "tiga"}, {"n": "1", "m": ["c"]}, {"n": "1", "d": "kemarin"}, {}, {"n": True}, "x"):
        with pytest.raises(ValidationFailed):
            clean_attribute_answers(category, bad)


def test_workflow_exists_and_is_not_touched_again(world):
    workflow = ensure_complaint_workflow()
    assert workflow.transitions.count() == len(TRANSITIONS)
    workflow.name = "Diubah admin"
    workflow.save()
    assert ensure_complaint_workflow().name == "Diubah admin"
    assert Workflow.objects.filter(code="complaint").count() == 1
