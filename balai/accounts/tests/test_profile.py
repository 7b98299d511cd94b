"""Citizen profile: the update service, NIK unmasking, the /me selector and the /saya/ and /kantor/warga/
pages."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.utils import timezone

from balai.accounts.models import CitizenProfile, User
from balai.accounts.models.profile import nik_blind_index
from balai.accounts.nik import make_nik
from balai.accounts.selectors import own_profile
from balai.accounts.services.profile import nik_unmask, profile_update
from balai.accounts.tests.factories import ProfileFactory, UserFactory
from balai.audit.models import AuditEvent
from balai.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from balai.organizations.tests.factories import DistrictFactory, MembershipFactory, VillageFactory

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1990, 8, 17)
NIK = "3201011708900001"  # man, 17-08-1990
NIK_WOMAN = "3201015708900002"  # woman, 17-08-1990
ADDRESS = "Jl. Merdeka No. 17, RT 001/RW 002"


def sign_in_verified(client: Client, user: User) -> Client:
    """Staff pages sit behind the two-factor middleware: sign in as if TOTP had been passed."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def grant(user: User, codename: str) -> User:
    user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="accounts"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def update(actor, user, **overrides):
    values = {
        "nik": NIK,
        "full_name": "Budi Santoso",
        "birth_date": BIRTH,
        "sex": "M",
        "address": ADDRESS,
        "district": None,
        "village": None,
    }
    values.update(overrides)
    return profile_update(actor=actor, user=user, **values)


def raw_profile(user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik, nik_index, address FROM accounts_citizenprofile WHERE user_id = %s", [user.pk])
        return cursor.fetchone()


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- profile_update -----------------------------------------------------------------------------------


def test_citizen_fills_in_their_profile():
    citizen = UserFactory(citizen=True)
    district = DistrictFactory()
    village = VillageFactory(district=district)
    profile = update(citizen, citizen, district=district, village=village)
    profile = CitizenProfile.objects.get(pk=profile.pk)
    assert profile.nik == NIK
    assert profile.nik_index == nik_blind_index(NIK)
    assert profile.birth_date == BIRTH
    assert profile.sex == "M"
    assert profile.address == ADDRESS
    assert (profile.district, profile.village) == (district, village)
    assert User.objects.get(pk=citizen.pk).full_name == "Budi Santoso"


def test_nik_and_address_are_encrypted_in_the_database():
    citizen = UserFactory(citizen=True)
    update(citizen, citizen)
    nik, nik_index, address = raw_profile(citizen)
    assert NIK not in nik and "17089" not in nik
    assert "Merdeka" not in address
    assert NIK not in nik_index


def test_update_is_audited_with_field_names_only():
    citizen = UserFactory(citizen=True, full_name="Nama Lama")
    update(citizen, citizen)
    (event,) = events("account.profile_updated")
    assert event.actor_id == citizen.pk
    assert event.object_id == str(citizen.pk)
    assert event.summary["changed"] == ["address", "birth_date", "full_name", "nik", "sex"]
    assert event.summary["created"] is True
    text = str(event.summary)
    for value in [NIK, "Merdeka", "Budi", "1990"]:
        assert value not in text


def test_a_second_update_lists_only_what_changed_and_no_change_writes_nothing():
    citizen = UserFactory(citizen=True)
    update(citizen, citizen)
    update(citizen, citizen, address="Jl. Sudirman 1")
    assert events("account.profile_updated")[-1].summary["changed"] == ["address"]
    update(citizen, citizen, address="Jl. Sudirman 1")
    assert len(events("account.profile_updated")) == 2


def test_woman_nik_with_day_plus_40():
    citizen = UserFactory(citizen=True)
    profile = update(citizen, citizen, nik=NIK_WOMAN, sex="F")
    assert profile.sex == "F"


def test_another_citizen_may_not_change_the_profile():
    owner, other = UserFactory(citizen=True), UserFactory(citizen=True)
    with pytest.raises(PermissionDenied):
        update(other, owner)
    assert not CitizenProfile.objects.exists()
    assert not events("account.profile_updated")


def test_staff_without_permission_is_refused_and_with_it_may_act_at_a_counter():
    owner = UserFactory(citizen=True)
    clerk = UserFactory(staff=True)
    with pytest.raises(PermissionDenied):
        update(clerk, owner)
    clerk = grant(clerk, "change_citizenprofile")
    update(clerk, owner)
    (event,) = events("account.profile_updated")
    assert event.actor_id == clerk.pk and event.summary["by_staff"] is True


def test_a_citizen_holding_the_permission_is_still_refused():
    owner = UserFactory(citizen=True)
    other = grant(UserFactory(citizen=True), "change_citizenprofile")
    with pytest.raises(PermissionDenied):
        update(other, owner)


def test_superuser_may_update():
    owner = UserFactory(citizen=True)
    update(UserFactory(superuser=True), owner)
    assert CitizenProfile.objects.filter(user=owner).exists()


def test_nik_must_agree_with_birth_date_and_sex():
    citizen = UserFactory(citizen=True)
    with pytest.raises(ValidationFailed) as info:
        update(citizen, citizen, birth_date=datetime.date(1990, 8, 18))
    assert "nik" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        update(citizen, citizen, sex="F")
    assert "nik" in info.value.fields
    assert not CitizenProfile.objects.exists()


def test_a_nik_of_another_account_is_refused_with_a_clear_message(settings):
    settings.LANGUAGE_CODE = "en"
    first, second = UserFactory(citizen=True), UserFactory(citizen=True)
    update(first, first)
    with pytest.raises(ValidationFailed) as info:
        update(second, second, full_name="Orang Lain")
    assert info.value.fields["nik"] == ["This NIK is already registered to another account."]
    assert not CitizenProfile.objects.filter(user=second).exists()
    assert User.objects.get(pk=second.pk).full_name != "Orang Lain"


def test_the_same_nik_may_be_saved_again_by_its_owner():
    citizen = UserFactory(citizen=True)
    update(citizen, citizen)
    update(citizen, citizen, full_name="Budi S.")
    assert CitizenProfile.objects.get(user=citizen).nik == NIK


def test_village_must_belong_to_the_district():
    citizen = UserFactory(citizen=True)
    district = DistrictFactory()
    elsewhere = VillageFactory()
    with pytest.raises(ValidationFailed) as info:
        update(citizen, citizen, district=district, village=elsewhere)
    assert "village" in info.value.fields
    assert not CitizenProfile.objects.exists()


def test_village_alone_sets_its_district():
    citizen = UserFactory(citizen=True)
    village = VillageFactory()
    profile = update(citizen, citizen, village=village)
    assert profile.district == village.district


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", ""),
        ("full_name", "x" * 201),
        ("full_name", "<script>alert(1)</script>"),
        ("address", ""),
        ("address", "a" * 501),
        ("address", "Jl. <b>Merdeka</b>"),
        ("sex", "X"),
        ("birth_date", "1990-08-17"),
        ("birth_date", datetime.date(1850, 1, 1)),
        ("nik", "3201"),
        ("nik", "' OR 1=1 --"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_stores_nothing(field, value):
    citizen = UserFactory(citizen=True, full_name="Asli")
    with pytest.raises(ValidationFailed) as info:
        update(citizen, citizen, **{field: value})
    assert field in info.value.fields
    assert not CitizenProfile.objects.exists()
    assert User.objects.get(pk=citizen.pk).full_name == "Asli"


def test_birth_date_in_the_future_is_refused():
    citizen = UserFactory(citizen=True)
    future = timezone.localdate() + datetime.timedelta(days=400)
    with pytest.raises(ValidationFailed) as info:
        update(citizen, citizen, birth_date=future, nik=make_nik(future, "M"))
    assert "birth_date" in info.value.fields


def test_deleted_account_cannot_get_a_profile():
    citizen = UserFactory(citizen=True, anonymised_at=timezone.now())
    with pytest.raises(PermissionDenied):
        update(UserFactory(superuser=True), citizen)


# --- nik_unmask ----------------------------------------------------------------------------------------


def test_authorised_staff_unmask_and_it_is_audited():
    profile = ProfileFactory()
    clerk = grant(UserFactory(staff=True), "view_unmasked_nik")
    assert nik_unmask(actor=clerk, user=profile.user) == profile.nik
    (event,) = events("account.nik_unmasked")
    assert event.actor_id == clerk.pk
    assert event.summary == {"subject_id": profile.user.pk}
    assert event.object_type == "accounts.user" and event.object_id == str(profile.user.pk)
    assert profile.nik not in str(event.summary)
    nik_unmask(actor=clerk, user=profile.user)
    assert len(events("account.nik_unmasked")) == 2  # every unmasking


def test_superuser_may_unmask():
    profile = ProfileFactory()
    assert nik_unmask(actor=UserFactory(superuser=True), user=profile.user) == profile.nik


@pytest.mark.parametrize("who", ["staff", "citizen", "self"])
def test_others_may_not_unmask(who):
    profile = ProfileFactory()
    actor = {
        "staff": lambda: UserFactory(staff=True),
        "citizen": lambda: grant(UserFactory(citizen=True), "view_unmasked_nik"),
        "self": lambda: profile.user,
    }[who]()
    with pytest.raises(PermissionDenied):
        nik_unmask(actor=actor, user=profile.user)
    assert not events("account.nik_unmasked")


def test_unmask_without_a_profile_is_not_found():
    clerk = grant(UserFactory(staff=True), "view_unmasked_nik")
    with pytest.raises(NotFound):
        nik_unmask(actor=clerk, user=UserFactory(citizen=True))


# --- own_profile (GET /api/v1/me) ----------------------------------------------------------------------


def test_own_profile_masks_nik_and_phone():
    district = DistrictFactory(code="32.01.05", name="Cibinong")
    village = VillageFactory(district=district, code="32.01.05.2001", name="Pakansari")
    profile = ProfileFactory(user=UserFactory(phone="081234567890", verified=True), district=district, village=village)
    data = own_profile(profile.user)
    assert data["id"] == profile.user.pk
    assert data["phone"] == "+62812••••7890"
    assert data["email_verified"] is True and data["phone_verified"] is True
    assert data["profile"]["nik_masked"] == profile.nik[:4] + "••••••••" + profile.nik[-4:]
    assert profile.nik not in str(data)
    assert data["profile"]["district"] == {"code": "32.01.05", "name": "Cibinong"}
    assert data["profile"]["village"] == {"code": "32.01.05.2001", "name": "Pakansari"}
    assert data["memberships"] == []


def test_own_profile_without_profile_and_with_memberships():
    membership = MembershipFactory()
    data = own_profile(membership.user)
    assert data["profile"] is None
    assert data["phone"] is None
    assert data["memberships"] == [
        {
            "organization": membership.organization.code,
            "organization_name": membership.organization.name,
            "role": membership.role,
        }
    ]


# --- pages ---------------------------------------------------------------------------------------------


@pytest.fixture
def citizen_client():
    user = UserFactory(citizen=True, verified=True, phone="081234567890")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize("path", ["/saya/", "/saya/profil/", "/saya/data/", "/saya/hapus-akun/"])
def test_own_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_overview_shows_masked_data(citizen_client):
    profile = ProfileFactory(user=citizen_client.user)
    response = citizen_client.get("/saya/")
    assert response.status_code == 200
    html = response.content.decode()
    assert profile.nik_masked in html
    assert profile.nik not in html
    assert "+62812••••7890" in html
    assert "81234567890" not in html
    assert citizen_client.user.email not in html


def test_overview_without_profile_invites_to_fill_it_in(citizen_client):
    response = citizen_client.get("/saya/")
    assert b'href="/saya/profil/"' in response.content


def test_overview_query_budget(citizen_client, django_assert_max_num_queries):
    ProfileFactory(user=citizen_client.user, village=VillageFactory())
    with django_assert_max_num_queries(8):
        assert citizen_client.get("/saya/").status_code == 200


@pytest.mark.parametrize("language", ["id", "en"])
def test_profile_form_renders_in_both_languages(citizen_client, language):
    VillageFactory()
    citizen_client.cookies["balai_language"] = language
    response = citizen_client.get("/saya/profil/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert 'name="nik"' in html and 'name="village"' in html and "<optgroup" in html
    assert "csrfmiddlewaretoken" in html
    assert "style=" not in html and "<script>" not in html


def form_data(**overrides):
    district = overrides.pop("district_obj", None)
    village = overrides.pop("village_obj", None)
    data = {
        "nik": NIK,
        "full_name": "Budi Santoso",
        "birth_date": "1990-08-17",
        "sex": "M",
        "address": ADDRESS,
        "district": district.pk if district else "",
        "village": village.pk if village else "",
    }
    data.update(overrides)
    return data


def test_profile_form_saves_and_redirects(citizen_client):
    village = VillageFactory()
    response = citizen_client.post(
        "/saya/profil/", form_data(district_obj=village.district, village_obj=village, birth_date="17-08-1990")
    )
    assert response.status_code == 302 and response["Location"] == "/saya/"
    profile = CitizenProfile.objects.get(user=citizen_client.user)
    assert (profile.nik, profile.village) == (NIK, village)


def test_profile_form_village_outside_district_shows_error_and_stores_nothing(citizen_client):
    village = VillageFactory()
    other_district = DistrictFactory()
    citizen_client.cookies["balai_language"] = "en"
    response = citizen_client.post("/saya/profil/", form_data(district_obj=other_district, village_obj=village))
    assert response.status_code == 200
    assert "The village is not in the chosen district." in response.content.decode()
    assert b"error-summary" in response.content
    assert not CitizenProfile.objects.exists()


def test_profile_form_requires_region_when_regions_exist(citizen_client):
    VillageFactory()
    response = citizen_client.post("/saya/profil/", form_data())
    assert response.status_code == 200
    assert not CitizenProfile.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"nik": ""},
        {"nik": "320101170890000"},
        {"nik": "32010117089000011"},
        {"nik": "3299991708900001A"},
        {"nik": "1001011708900001"},
        {"full_name": "<script>alert(1)</script>"},
        {"full_name": "x" * 300},
        {"birth_date": "bukan tanggal"},
        {"birth_date": "1990-08-18"},
        {"sex": "F"},
        {"sex": "Z"},
        {"address": ""},
    ],
)
def test_profile_form_bad_input_shows_an_error_and_stores_nothing(citizen_client, overrides):
    response = citizen_client.post("/saya/profil/", form_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "<script>alert(1)</script>" not in html
    assert not CitizenProfile.objects.exists()


def test_profile_form_keeps_the_nik_when_left_empty(citizen_client):
    update(citizen_client.user, citizen_client.user)
    page = citizen_client.get("/saya/profil/").content.decode()
    assert NIK not in page
    assert "3201••••••••0001" in page
    response = citizen_client.post("/saya/profil/", form_data(nik="", address="Jl. Baru 2"))
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=citizen_client.user)
    assert (profile.nik, profile.address) == (NIK, "Jl. Baru 2")


def test_profile_form_refuses_a_taken_nik(citizen_client):
    other = UserFactory(citizen=True)
    update(other, other)
    citizen_client.cookies["balai_language"] = "en"
    response = citizen_client.post("/saya/profil/", form_data())
    assert "This NIK is already registered to another account." in response.content.decode()
    assert not CitizenProfile.objects.filter(user=citizen_client.user).exists()


def test_profile_form_needs_csrf():
    user = UserFactory(citizen=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/saya/profil/", form_data())
    assert response.status_code == 403
    assert not CitizenProfile.objects.exists()


# --- staff page ----------------------------------------------------------------------------------------


@pytest.fixture
def citizen_profile():
    return ProfileFactory(user=UserFactory(citizen=True, phone="081234567890"))


def staff_client(*, permitted: bool) -> Client:
    clerk = UserFactory(staff=True)
    if permitted:
        clerk = grant(clerk, "view_unmasked_nik")
    return sign_in_verified(Client(), clerk)


def test_staff_see_the_citizen_masked_without_button(citizen_profile):
    client = staff_client(permitted=False)
    response = client.get(f"/kantor/warga/{citizen_profile.user.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert citizen_profile.nik_masked in html
    assert citizen_profile.nik not in html
    assert "81234567890" not in html
    assert "Merdeka" not in html
    assert 'method="post"' not in html.split("<main", 1)[1]


def test_staff_without_permission_get_403_on_post(citizen_profile):
    client = staff_client(permitted=False)
    response = client.post(f"/kantor/warga/{citizen_profile.user.pk}/")
    assert response.status_code == 403
    assert citizen_profile.nik not in response.content.decode()
    assert not events("account.nik_unmasked")


def test_authorised_staff_see_a_button_and_the_nik_once(citizen_profile):
    client = staff_client(permitted=True)
    url = f"/kantor/warga/{citizen_profile.user.pk}/"
    page = client.get(url).content.decode()
    assert f'action="{url}"' in page
    assert citizen_profile.nik not in page
    response = client.post(url)
    assert response.status_code == 200
    assert f'<strong id="nik-unmasked">{citizen_profile.nik}</strong>' in response.content.decode()
    assert len(events("account.nik_unmasked")) == 1
    # Shown once: the next visit is masked again.
    assert citizen_profile.nik not in client.get(url).content.decode()


def test_citizens_get_403_on_the_staff_page(citizen_profile):
    client = Client()
    client.force_login(UserFactory(citizen=True))
    assert client.get(f"/kantor/warga/{citizen_profile.user.pk}/").status_code == 403
    assert client.post(f"/kantor/warga/{citizen_profile.user.pk}/").status_code == 403
    assert not events("account.nik_unmasked")


def test_staff_page_needs_sign_in(client, citizen_profile):
    response = client.get(f"/kantor/warga/{citizen_profile.user.pk}/")
    assert response.status_code == 302


def test_staff_page_shows_only_citizens(citizen_profile):
    client = staff_client(permitted=True)
    other_staff = UserFactory(staff=True)
    assert client.get(f"/kantor/warga/{other_staff.pk}/").status_code == 404
    assert client.get("/kantor/warga/999999/").status_code == 404


def test_staff_page_unmask_needs_csrf(citizen_profile):
    clerk = grant(UserFactory(staff=True), "view_unmasked_nik")
    client = sign_in_verified(Client(enforce_csrf_checks=True), clerk)
    assert client.post(f"/kantor/warga/{citizen_profile.user.pk}/").status_code == 403
    assert not events("account.nik_unmasked")


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("path", ["/saya/", "/saya/profil/", "/saya/data/", "/saya/hapus-akun/"])
def test_own_pages_render_in_both_languages(citizen_client, language, path):
    ProfileFactory(user=citizen_client.user, village=VillageFactory())
    citizen_client.cookies["balai_language"] = language
    response = citizen_client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    expected = {"id": "Akun saya", "en": "My account"}[language]
    assert expected in html
    assert "style=" not in html
    assert citizen_client.user.citizen_profile.nik not in html


@pytest.mark.parametrize("language", ["id", "en"])
def test_staff_page_renders_in_both_languages(citizen_profile, language):
    client = staff_client(permitted=True)
    client.cookies["balai_language"] = language
    response = client.get(f"/kantor/warga/{citizen_profile.user.pk}/")
    assert response.status_code == 200
    assert {"id": "Tampilkan NIK", "en": "Show NIK"}[language] in response.content.decode()


@pytest.mark.django_db
def test_a_short_nik_gets_its_message_even_when_other_fields_are_wrong_too(client):
    user = UserFactory(citizen=True, verified=True)
    client.force_login(user)
    response = client.post("/saya/profil/", {"nik": "3201", "full_name": "", "address": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "nik" in errors and "full_name" in errors
    assert not CitizenProfile.objects.filter(user=user).exists()
