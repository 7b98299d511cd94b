"""Pages are Indonesian unless the person chose English; the API follows Accept-Language."""

import pytest


@pytest.mark.django_db
def test_pages_ignore_the_browser_language_and_speak_indonesian(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in html


@pytest.mark.django_db
def test_the_language_switch_cookie_chooses_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_unknown_cookie_value_falls_back_to_indonesian(client):
    client.cookies["balai_language"] = "xx"
    assert 'lang="id"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_api_follows_accept_language(client):
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    indonesian = client.get("/api/v1/me").json()["error"]["message"]
    assert english != indonesian
