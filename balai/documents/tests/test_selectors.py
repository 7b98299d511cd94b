"""The document selectors: id format, masked names, one query per public look-up whatever the id, and scoping
(the holder sees their own; staff the documents of their agencies, of the units below them and of their
cases; nobody else anything)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balai.accounts.tests.factories import UserFactory
from balai.cases.tests.factories import staff_with_role, submitted_case
from balai.documents.models import PUBLIC_ID_LENGTH, DocumentStatus, IssuedDocument, new_public_id
from balai.documents.selectors import (
    document_for_holder,
    document_for_staff,
    document_for_verification,
    documents_for_case_citizen,
    documents_for_case_staff,
    documents_for_holder,
    is_well_formed_public_id,
    mask_name,
    normalize_public_id,
    public_facts,
)
from balai.documents.tests.factories import IssuedDocumentFactory
from balai.organizations.models import Role
from balai.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

MALFORMED_IDS = [
    "",
    "a",
    "abc",
    "x" * (PUBLIC_ID_LENGTH + 1),  # too long
    "x" * 5000,
    "0" * PUBLIC_ID_LENGTH,  # right length, "0" is not in the alphabet
    "l" * PUBLIC_ID_LENGTH,  # nor "l"
    "ABCDEFGHJKMNPQRSTUVW",  # upper case
    "' OR '1'='1' --abcdef",  # SQL fragment of the right length
    "abc%25def_ghijkmnpqr",
    "ąbcdefghijkmnpqrstuv",  # unicode
    "😀" * PUBLIC_ID_LENGTH,
    "abcdefghijkmnpqrstu\n",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def document(signing_org):
    return IssuedDocumentFactory(organization=signing_org, holder_name="Siti Nurhaliza")


# --- ids and names --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Siti Nurhaliza", "Sit* Nurh*****"),
        ("Budi", "Bud*"),
        ("I Made Wirawan", "I Mad* Wira***"),
        ("Ani", "An*"),
        ("  Dewi   Lestari ", "Dew* Lest***"),
        ("", ""),
        (None, ""),
        ("Ma'ruf Amin", "Ma'*** Ami*"),
    ],
)
def test_mask_name_keeps_enough_to_compare_and_hides_the_rest(name, masked):
    assert mask_name(name) == masked


def test_masked_long_name_hides_more_than_it_shows():
    masked = mask_name("Nurhalizawati")
    assert masked == "Nurh*********"
    assert masked.count("*") > len(masked) / 2


def test_new_public_ids_are_well_formed():
    assert all(is_well_formed_public_id(new_public_id()) for _ in range(50))


@pytest.mark.parametrize("value", MALFORMED_IDS)
def test_malformed_ids_are_refused(value):
    assert not is_well_formed_public_id(value)


def test_ids_typed_from_paper_are_normalised():
    assert normalize_public_id(" K7M2-P9QX 4HTA.8WBN 3CDE ") == "k7m2p9qx4hta8wbn3cde"
    assert is_well_formed_public_id(normalize_public_id("K7M2 P9QX 4HTA 8WBN 3CDE"))
    assert len(normalize_public_id("x" * 10_000)) <= 4 * PUBLIC_ID_LENGTH


# --- public verification ----------------------------------------------------------------------------------------


def test_known_id_finds_the_document_in_one_query(document):
    with CaptureQueriesContext(connection) as queries:
        found = document_for_verification(document.public_id)
        facts = public_facts(found)
    assert found == document
    assert len(queries) == 1
    assert facts["holder"] == "Sit* Nurh*****"
    assert facts["organization"] == document.organization.display_name
    assert facts["sha256"] == document.sha256
    assert facts["is_valid"] is True
    assert "Siti Nurhaliza" not in str(facts)


def test_unknown_id_costs_the_same_one_query(document):
    with CaptureQueriesContext(connection) as queries:
        assert document_for_verification(new_public_id()) is None
    assert len(queries) == 1


@pytest.mark.parametrize("value", MALFORMED_IDS)
def test_malformed_id_costs_the_same_one_query_and_finds_nothing(document, value):
    with CaptureQueriesContext(connection) as queries:
        assert document_for_verification(value) is None
    assert len(queries) == 1
    # The dummy value has the length of a real id: the same index path as an unknown id.
    assert "0" * PUBLIC_ID_LENGTH in queries[0]["sql"]


def test_malformed_id_never_matches_even_a_row_stored_with_it(signing_org):
    # A row that somehow holds a malformed id (e.g. written by hand) is still not reachable by it.
    odd = IssuedDocumentFactory(organization=signing_org)
    IssuedDocument.objects.filter(pk=odd.pk).update(public_id="0" * PUBLIC_ID_LENGTH)
    assert document_for_verification("0" * PUBLIC_ID_LENGTH) is None


def test_public_facts_of_a_revoked_document_never_say_valid(signing_org):
    revoked = IssuedDocumentFactory(organization=signing_org, revoked=True)
    facts = public_facts(document_for_verification(revoked.public_id))
    assert facts["status"] == DocumentStatus.REVOKED
    assert facts["is_valid"] is False
    assert facts["revoked_at"] == revoked.revoked_at
    assert facts["revocation_reason"] == revoked.revocation_reason


def test_public_facts_of_a_replaced_document_point_at_the_newer_one(signing_org):
    newer = IssuedDocumentFactory(organization=signing_org)
    old = IssuedDocumentFactory(organization=signing_org, status=DocumentStatus.REPLACED, replaced_by=newer)
    facts = public_facts(document_for_verification(old.public_id))
    assert facts["is_valid"] is False
    assert facts["replaced_by"] == newer.public_id
    assert facts["revocation_reason"] == ""


# --- the holder ----------------------------------------------------------------------------------------------


def test_holder_sees_only_their_own_documents(signing_org):
    mine = IssuedDocumentFactory(organization=signing_org)
    other = IssuedDocumentFactory(organization=signing_org)
    assert list(documents_for_holder(mine.holder)) == [mine]
    assert document_for_holder(mine.holder, mine.public_id) == mine
    assert document_for_holder(mine.holder, other.public_id) is None
    assert document_for_holder(mine.holder, "' OR 1=1 --") is None


def test_anonymous_holds_nothing(document):
    from django.contrib.auth.models import AnonymousUser

    assert list(documents_for_holder(AnonymousUser())) == []
    assert list(documents_for_holder(None)) == []


def test_case_documents_for_the_citizen_are_only_theirs(signing_org):
    case = submitted_case()
    mine = IssuedDocumentFactory(organization=signing_org, case=case, holder=case.applicant)
    IssuedDocumentFactory(organization=signing_org, case=case)  # held by someone else
    IssuedDocumentFactory(organization=signing_org, holder=case.applicant)  # another case
    assert documents_for_case_citizen(case.applicant, case) == [mine]
    assert documents_for_case_citizen(UserFactory(), case) == []
    assert documents_for_case_citizen(case.applicant, None) == []


# --- staff ---------------------------------------------------------------------------------------------------


def test_staff_of_the_issuing_agency_see_the_document(document):
    verifier = staff_with_role(document.organization, Role.VERIFIER)
    assert document_for_staff(verifier, document.public_id) == document


def test_staff_of_a_parent_agency_see_the_documents_of_its_units(signing_profile_for):
    parent = OrganizationFactory()
    unit = OrganizationFactory(parent=parent)
    signing_profile_for(unit)
    document = IssuedDocumentFactory(organization=unit)
    head = staff_with_role(parent, Role.HEAD)
    assert document_for_staff(head, document.public_id) == document
    # ...but not the other way round.
    signing_profile_for(parent)
    sibling_doc = IssuedDocumentFactory(organization=parent)
    unit_staff = staff_with_role(unit, Role.HEAD)
    assert document_for_staff(unit_staff, sibling_doc.public_id) is None


def test_staff_of_another_agency_citizens_and_anonymous_see_nothing(document):
    from django.contrib.auth.models import AnonymousUser

    outsider = staff_with_role(OrganizationFactory(), Role.HEAD)
    assert document_for_staff(outsider, document.public_id) is None
    assert document_for_staff(document.holder, document.public_id) is None
    assert document_for_staff(AnonymousUser(), document.public_id) is None


def test_platform_administrators_see_every_document(document):
    assert document_for_staff(UserFactory(superuser=True), document.public_id) == document


def test_staff_of_the_case_agency_see_a_document_another_agency_issued(signing_org):
    case = submitted_case()
    document = IssuedDocumentFactory(organization=signing_org, case=case, holder=case.applicant)
    case_staff = staff_with_role(case.organization, Role.VERIFIER)
    assert document_for_staff(case_staff, document.public_id) == document
    assert [d.pk for d in documents_for_case_staff(case_staff, case)] == [document.pk]


def test_case_documents_for_staff_say_what_each_person_may_do(signing_org):
    case = submitted_case(service=None)
    valid = IssuedDocumentFactory(organization=signing_org, case=case)
    revoked = IssuedDocumentFactory(organization=signing_org, case=case, revoked=True)
    newer = IssuedDocumentFactory(organization=signing_org, case=case)
    replaced = IssuedDocumentFactory(
        organization=signing_org, case=case, status=DocumentStatus.REPLACED, replaced_by=newer
    )
    IssuedDocumentFactory(organization=signing_org)  # another case

    approver = staff_with_role(signing_org, Role.APPROVER)
    rows = {d.pk: d for d in documents_for_case_staff(approver, case)}
    assert set(rows) == {valid.pk, revoked.pk, newer.pk, replaced.pk}
    assert rows[valid.pk].can_revoke and rows[valid.pk].can_reissue
    assert not rows[revoked.pk].can_revoke and rows[revoked.pk].can_reissue
    assert not rows[replaced.pk].can_revoke and not rows[replaced.pk].can_reissue

    verifier = staff_with_role(signing_org, Role.VERIFIER)  # may see and download, not revoke
    rows = documents_for_case_staff(verifier, case)
    assert len(rows) == 4
    assert not any(d.can_revoke or d.can_reissue for d in rows)

    assert documents_for_case_staff(staff_with_role(OrganizationFactory(), Role.HEAD), case) == []
    assert documents_for_case_staff(case.applicant, case) == []


def test_case_documents_for_staff_take_a_constant_number_of_queries(signing_org):
    case = submitted_case()
    approver = staff_with_role(signing_org, Role.APPROVER)
    IssuedDocumentFactory(organization=signing_org, case=case)
    with CaptureQueriesContext(connection) as one:
        documents_for_case_staff(approver, case)
    for _ in range(4):
        IssuedDocumentFactory(organization=signing_org, case=case)
    with CaptureQueriesContext(connection) as five:
        assert len(documents_for_case_staff(approver, case)) == 5
    assert len(five) == len(one)
